/**
 * `npm run fleet -- preview|up|destroy|refresh|verify [--only team,…] [--concurrency N] [--prune]
 *                    [--fleet DIR] [--refresh] [--policy-pack DIR]`
 *
 * Runs a platform stack and its team stacks (the declaration in fleet/: see declaration.ts) with
 * the Automation API: the whole declaration is checked first, then the platform stack, then the
 * teams with bounded concurrency. Exit code 1 names every stack that failed; 2 is a bad declaration
 * or bad arguments, before anything ran.
 */
import * as path from "path";
import { parseArgs } from "util";
import { Fleet, FleetError, loadFleet } from "./declaration";
import { Holdings, moveOrder } from "./moves";
import type { ServiceOutput } from "../../stack/outputs";
import { pool } from "./pool";
import { Outcome, Progress } from "./progress";
import { Op, openWorkspace, outputsOf, removeStack, repoDir, runOp, stackOf, Workspace, writeConfigFile } from "./stacks";
import { verifyFleet } from "./verify";

/** Team stacks run at once by default: measured on 2 cores (BENCHMARKS.md, "Fleet"). */
export const defaultConcurrency = 8;
const ops = ["preview", "up", "destroy", "refresh", "verify"] as const;
type Command = (typeof ops)[number];

class UsageError extends Error {}

interface Options {
    command: Command;
    only?: string[];
    concurrency: number;
    prune: boolean;
    dir: string;
    refresh: boolean;
    policyPacks: string[];
}

function options(argv: string[]): Options {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            only: { type: "string" },
            concurrency: { type: "string" },
            prune: { type: "boolean", default: false },
            fleet: { type: "string", default: path.join(repoDir, "fleet") },
            refresh: { type: "boolean", default: false },
            "policy-pack": { type: "string", multiple: true, default: [] },
        },
    });
    const command = positionals[0] as Command;
    if (positionals.length !== 1 || !ops.includes(command))
        throw new UsageError(`expected one of ${ops.join("|")}, got "${positionals.join(" ")}"`);
    const concurrency = Number(values.concurrency ?? defaultConcurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency: expected a whole number ≥ 1, got "${values.concurrency}"`);
    return {
        command,
        only: values.only?.split(",").map((s) => s.trim()),
        concurrency,
        prune: values.prune!,
        dir: path.resolve(values.fleet!),
        refresh: values.refresh!,
        policyPacks: values["policy-pack"]!.map((p) => path.resolve(p)),
    };
}

interface Planned {
    stack: string;
    op: Op;
    config?: Record<string, unknown>;
    /** Remove the stack afterwards (a pruned team). */
    remove?: boolean;
}

async function main(argv: string[]): Promise<number> {
    const opts = options(argv);
    const w = await openWorkspace();
    const fleet = loadFleet(opts.dir, w.qualify);
    const existing = await w.existing();
    const teamStacks = new Set(fleet.teams.map((t) => t.stack));
    const removed = [...existing].filter((s) => s.startsWith(`${fleet.platform.stack}.`) && !teamStacks.has(s)).sort();

    const known = [fleet.platform.stack, ...fleet.teams.map((t) => t.name)];
    const unknown = (opts.only ?? []).filter((o) => !known.includes(o));
    if (unknown.length > 0)
        throw new UsageError(`--only: no team ${unknown.map((u) => `"${u}"`).join(", ")} in ${fleet.dir}; known: ${known.join(", ")}`);
    const selected = (name: string) => opts.only === undefined || opts.only.includes(name);

    if (removed.length > 0 && !opts.prune) {
        const what = `stack(s) ${removed.join(", ")} of no team file in ${path.relative(process.cwd(), fleet.dir) || "."}/teams`;
        if (opts.command === "up" || opts.command === "destroy") {
            throw new UsageError(
                `${what}: a team was removed from the declaration. Run with --prune to destroy its stack (its data kept, as for a removed service), or restore its file.`,
            );
        }
        console.log(`note: ${what}; \`up --prune\` would destroy them.`);
    }

    if (opts.command === "verify") return verifyFleet(fleet, w, opts.only, opts.concurrency);
    const op: Op = opts.command;

    // Each team stack reads its platform's outputs: the platform runs first (last when destroying).
    const platform: Planned = { stack: fleet.platform.stack, op, config: fleet.platform.config };
    const teams: Planned[] = fleet.teams
        .filter((t) => selected(t.name))
        .map((t) => ({ stack: t.stack, op, config: { ...t.config, platformStack: w.qualify(fleet.platform.stack) } }));
    const pruned: Planned[] =
        opts.prune && (opts.command === "up" || opts.command === "destroy")
            ? removed.map((stack) => ({ stack, op: "destroy", remove: true }))
            : [];
    const withPlatform = selected(fleet.platform.stack);
    let phases: Planned[][];
    if (op === "up") {
        // Stacks that give up role or policy names (pruned teams, services moved to another team) run
        // to completion before the stacks that take them over.
        const planned = [...pruned, ...teams];
        const giving = await giversFirst(w, fleet, existing, planned, withPlatform, opts.concurrency);
        phases = [
            withPlatform ? [platform] : [],
            planned.filter((p) => giving.includes(p.stack)),
            planned.filter((p) => !giving.includes(p.stack)),
        ];
    } else if (op === "destroy") phases = [[...pruned, ...teams], withPlatform ? [platform] : []];
    else phases = [[...(withPlatform ? [platform] : []), ...teams]]; // preview, refresh: no order needed

    const progress = new Progress();
    for (const p of phases.flat()) progress.queue(p.stack, p.remove ? "destroy (prune)" : p.op);
    console.log(`fleet ${opts.command}: ${phases.flat().length} stack(s), up to ${opts.concurrency} at once`);
    let blocked: string | undefined;
    for (const phase of phases) {
        await pool(phase, opts.concurrency, async (p) => {
            if (blocked) return progress.finish(p.stack, { skipped: blocked });
            progress.start(p.stack);
            progress.finish(p.stack, await runPlanned(w, existing, p, opts, () => progress.step(p.stack)));
        });
        if (progress.failed().includes(fleet.platform.stack)) blocked = `platform stack ${fleet.platform.stack} failed`;
    }
    const failed = progress.end();
    console.log(`\n${progress.table()}`);
    // The driver's own memory (its stacks run in CLI processes of their own): what a runner must leave it.
    console.log(`\nfleet driver: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    if (failed.length > 0) {
        console.log(`\nfailed: ${failed.join(", ")}`);
        return 1;
    }
    return 0;
}

/**
 * The stacks of an `up` that must run before the others (moves.ts): what each existing stack holds
 * (its outputs) against what the declaration gives each. Refuses moves one run cannot make safely.
 */
async function giversFirst(
    w: Workspace,
    fleet: Fleet,
    existing: Set<string>,
    planned: Planned[],
    withPlatform: boolean,
    concurrency: number,
): Promise<string[]> {
    const names = (services: { name: string; roleName?: string; policyName?: string }[]) => ({
        roles: services.map((s) => s.roleName ?? s.name),
        policies: services.map((s) => s.policyName ?? s.name),
    });
    const declared: Holdings = {
        [fleet.platform.stack]: names(fleet.platform.parsed.services),
        ...Object.fromEntries(fleet.teams.map((t) => [t.stack, names(t.services)])),
    };
    const current: Holdings = {};
    const stacks = [fleet.platform.stack, ...fleet.teams.map((t) => t.stack), ...planned.map((p) => p.stack)].filter((s) =>
        existing.has(s),
    );
    await pool([...new Set(stacks)], concurrency, async (stack) => {
        const outputs = await outputsOf(w, stack);
        const held = Object.values((outputs.serviceAccess ?? {}) as Record<string, ServiceOutput>);
        current[stack] = { roles: held.map((o) => o.roleName), policies: held.map((o) => o.policyName) };
    });
    const { first, conflicts } = moveOrder(current, declared);
    const runs = new Set([...planned.map((p) => p.stack), ...(withPlatform ? [fleet.platform.stack] : [])]);
    const problems = [
        ...conflicts.map((c) => `${c}: a stack that takes names over also gives names up; move the services in two runs`),
        // The platform runs before every team: it cannot take names over from one.
        ...first
            .filter(
                (g) =>
                    g !== fleet.platform.stack &&
                    moveOrder({ [g]: current[g] }, { [fleet.platform.stack]: declared[fleet.platform.stack] }).first.length > 0,
            )
            .map(
                (g) =>
                    `${g} → ${fleet.platform.stack}: the platform stack runs first; remove the service from ${g} in one run, add it to the platform in the next`,
            ),
        ...first.filter((g) => !runs.has(g)).map((g) => `${g} gives up names that a stack of this run takes over; run it too (--only)`),
    ];
    if (problems.length > 0) throw new UsageError(`services moving between stacks:\n  - ${problems.join("\n  - ")}`);
    return first;
}

async function runPlanned(w: Workspace, existing: Set<string>, p: Planned, opts: Options, onStep: () => void): Promise<Outcome> {
    try {
        // A new team's stack is created for its first preview or up; there is nothing to destroy or refresh yet.
        if (!existing.has(p.stack) && (p.op === "destroy" || p.op === "refresh")) return { skipped: "no such stack yet" };
        const stack = await stackOf(w, p.stack, existing.has(p.stack));
        const configFile = await writeConfigFile(w, p.stack, p.config ?? {});
        const changes = await runOp(stack, p.op, { configFile, onStep, refresh: opts.refresh, policyPacks: opts.policyPacks });
        if (p.remove) await removeStack(w, p.stack);
        return { ok: true, changes };
    } catch (e) {
        return { ok: false, error: (e as Error).message };
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        if (e instanceof FleetError) console.error(e.message);
        else if (e instanceof UsageError) console.error(`fleet: ${e.message}`);
        else console.error(`fleet: ${(e as Error).stack ?? e}`);
        process.exit(e instanceof FleetError || e instanceof UsageError ? 2 : 1);
    },
);
