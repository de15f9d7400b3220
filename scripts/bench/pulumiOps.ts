import * as fs from "fs";
import * as path from "path";
import { writeStackConfig } from "../local/environment";
import { repoDir, serviceNames } from "./env";
import { measure, ok, Sample } from "./measure";

/** The whole-process Pulumi operations measured, in the order they run on one stack. */
export const pulumiOps = ["preview-empty", "up", "preview-noop", "preview-refresh", "up-one-change", "destroy"] as const;
export type PulumiOp = (typeof pulumiOps)[number];

/** N generated services as the issue describes them: 5 resources each, deleted for real on destroy. */
export function servicesConfig(names: string[], changed?: string): Record<string, unknown>[] {
    return names.map((name) => ({
        name,
        namespace: name,
        createNamespace: true,
        deleteDataOnRemoval: true,
        mount: { path: name, type: "kv-v2" },
        rules: [{ path: `${name}/*`, capabilities: ["read", "list"] }],
        tokenTtl: name === changed ? "2h" : "1h",
    }));
}

export function removeStack(stack: string, env: NodeJS.ProcessEnv): Promise<unknown> {
    fs.rmSync(path.join(repoDir, `Pulumi.${stack}.yaml`), { force: true });
    return measure("pulumi", ["stack", "rm", "--force", "--yes", "--stack", stack], env, repoDir);
}

/**
 * One run of the lifecycle on a fresh stack of N services; extra flags go to `up` (profiling).
 * The reviewer and auth mount get names of their own so the baselines never touch them.
 */
export async function pulumiLifecycle(
    n: number,
    run: number,
    env: NodeJS.ProcessEnv,
    upFlags: string[] = [],
    log: (s: string) => void = () => {},
): Promise<Record<PulumiOp, Sample>> {
    const stack = `it-bench-${n}`;
    const names = serviceNames("pb", n);
    const base = { reviewerNamespace: "bench-pulumi-auth", authPath: "bench-pulumi-k8s" };
    const pulumi = async (what: string, ...args: string[]): Promise<Sample> => {
        const r = ok(`pulumi ${what} (N=${n}, run ${run})`, await measure("pulumi", [...args, "--stack", stack], env, repoDir));
        log(`  pulumi ${what}: ${r.seconds.toFixed(2)} s, ${r.peakRssMiB?.toFixed(0)} MiB`);
        return { seconds: r.seconds, peakRssMiB: r.peakRssMiB };
    };
    await removeStack(stack, env); // leftovers of an interrupted run
    writeStackConfig(repoDir, stack, { ...base, services: servicesConfig(names) });
    ok("pulumi stack init", await measure("pulumi", ["stack", "init", stack], env, repoDir));
    try {
        const result = {} as Record<PulumiOp, Sample>;
        result["preview-empty"] = await pulumi("preview (empty stack)", "preview", "--non-interactive");
        result["up"] = await pulumi("up", "up", "--yes", "--non-interactive", ...upFlags);
        result["preview-noop"] = await pulumi("preview (no-op)", "preview", "--expect-no-changes", "--non-interactive");
        result["preview-refresh"] = await pulumi("preview --refresh", "preview", "--refresh", "--expect-no-changes", "--non-interactive");
        writeStackConfig(repoDir, stack, { ...base, services: servicesConfig(names, names[0]) });
        result["up-one-change"] = await pulumi("up (one service changed)", "up", "--yes", "--non-interactive", ...upFlags);
        result["destroy"] = await pulumi("destroy", "destroy", "--yes", "--non-interactive", ...upFlags);
        return result;
    } catch (e) {
        // Leave nothing behind even when a step fails (namespaces and mounts are deleted for real).
        await measure("pulumi", ["destroy", "--yes", "--non-interactive", "--stack", stack], env, repoDir);
        throw e;
    } finally {
        await removeStack(stack, env);
    }
}
