import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { stringify } from "yaml";

/**
 * The fleet's stacks through Pulumi's Automation API: one LocalWorkspace on this repository's
 * program, each stack's config in a generated file under .local/stacks (as the dev stack's copy:
 * --config-file, the committed declaration is never written), secrets from the local passphrase.
 */

export const repoDir = path.resolve(__dirname, "..", "..");
const project = "vault-k8s-auth";
const localDir = () => process.env.VAULT_K8S_AUTH_LOCAL_DIR ?? path.join(repoDir, ".local");

export type Op = "preview" | "up" | "destroy" | "refresh";

/** What one stack's operation changed; counts by kind of step. */
export interface Changes {
    create: number;
    update: number;
    delete: number;
    same: number;
}

export interface Workspace {
    ws: LocalWorkspace;
    /** The stack's name as a StackReference in another stack takes it: org/project/stack. */
    qualify(stack: string): string;
    /** Names of the project's stacks in the backend. */
    existing(): Promise<Set<string>>;
}

export async function openWorkspace(): Promise<Workspace> {
    // The generated config files carry no salt: the CLI takes the secrets provider from the stack's state.
    const ws = await LocalWorkspace.create({ workDir: repoDir, envVars: { PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true" } });
    const who = await ws.whoAmI();
    // Self-managed backends (file, s3, postgres…) have one organization, "organization"; Pulumi Cloud has the user's.
    const org = who.url && /^https?:\/\//.test(who.url) ? who.user : "organization";
    return {
        ws,
        qualify: (stack) => `${org}/${project}/${stack}`,
        existing: async () => new Set((await ws.listStacks()).map((s) => s.name.split("/").pop()!)),
    };
}

/** Stack selection writes the workspace's one settings file: one at a time. */
let selecting: Promise<unknown> = Promise.resolve();

/**
 * Selects the stack, creating it first when it does not exist: from a scratch folder, so that the
 * passphrase provider's salt is written there and into the state, never into the repository.
 */
export function stackOf(w: Workspace, name: string, exists: boolean): Promise<Stack> {
    const next = selecting.then(async () => {
        if (!exists) {
            const scratch = path.join(localDir(), "stack-init");
            fs.mkdirSync(scratch, { recursive: true });
            const init = await LocalWorkspace.create({ workDir: scratch, projectSettings: { name: project, runtime: "nodejs" } });
            await init.createStack(name);
        }
        return Stack.select(name, w.ws);
    });
    selecting = next.catch(() => undefined);
    return next;
}

/** Writes the stack's config file (config keys without the project prefix) and returns its path. */
export function writeConfigFile(stack: string, config: Record<string, unknown>): string {
    const dir = path.join(localDir(), "stacks");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v]));
    fs.writeFileSync(file, stringify({ config: prefixed }));
    return file;
}

export interface RunOptions {
    configFile: string;
    /** Called as each resource step completes (progress). */
    onStep: () => void;
    policyPacks?: string[];
    refresh?: boolean;
    parallel?: number;
}

/** Runs one operation on one stack; returns its changes, or throws with the engine's error messages. */
export async function runOp(stack: Stack, op: Op, opts: RunOptions): Promise<Changes> {
    const errors: string[] = [];
    const onEvent = (e: EngineEvent) => {
        if (e.resOutputsEvent || e.resOpFailedEvent) opts.onStep();
        if (e.diagnosticEvent?.severity === "error") errors.push(e.diagnosticEvent.message.trim());
    };
    const common = { configFile: opts.configFile, onEvent, color: "never" as const, parallel: opts.parallel };
    try {
        switch (op) {
            case "preview":
                return changesOf(
                    (await stack.preview({ ...common, refresh: opts.refresh, policyPacks: opts.policyPacks, diff: false })).changeSummary,
                );
            case "up":
                return changesOf(
                    (await stack.up({ ...common, refresh: opts.refresh, policyPacks: opts.policyPacks })).summary.resourceChanges,
                );
            case "destroy":
                return changesOf((await stack.destroy({ ...common, refresh: opts.refresh })).summary.resourceChanges);
            case "refresh":
                return changesOf((await stack.refresh(common)).summary.resourceChanges);
        }
    } catch (e) {
        // The engine's own error diagnostics say what went wrong; the CLI's stderr repeats them with noise.
        throw new Error(errors.length > 0 ? errors.join("\n") : lastLines((e as Error).message, 15));
    }
}

/** Removes a stack whose resources are gone (a pruned team's). */
export async function removeStack(w: Workspace, name: string): Promise<void> {
    await w.ws.removeStack(name);
    fs.rmSync(path.join(localDir(), "stacks", `Pulumi.${name}.yaml`), { force: true });
}

/** The stack's outputs as plain values. */
export async function outputsOf(stack: Stack): Promise<Record<string, unknown>> {
    return Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));
}

function changesOf(m: OpMap | undefined): Changes {
    const n = (...ops: (keyof OpMap)[]) => ops.reduce((sum, op) => sum + (m?.[op] ?? 0), 0);
    return { create: n("create", "import"), update: n("update", "replace"), delete: n("delete"), same: n("same") };
}

function lastLines(text: string, n: number): string {
    return text.trim().split("\n").slice(-n).join("\n");
}
