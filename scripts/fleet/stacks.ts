import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { stringify } from "yaml";

/**
 * The fleet's stacks through Pulumi's Automation API: one LocalWorkspace on this repository's
 * program, each stack's config in a generated file under .local/stacks (as the dev stack's copy:
 * --config-file; neither the declaration nor the repository is written), secrets from the passphrase.
 */

import { repoDir } from "../lib/repo";
export { repoDir };
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
    const ws = await LocalWorkspace.create({ workDir: repoDir });
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
            // The new stack's salt, for its config file (its state holds it only after a first update).
            const salt = saltIn(path.join(scratch, `Pulumi.${name}.yaml`));
            if (salt) {
                fs.mkdirSync(path.dirname(configFileOf(name)), { recursive: true });
                fs.writeFileSync(configFileOf(name), `encryptionsalt: ${salt}\n`);
            }
        }
        return Stack.select(name, w.ws);
    });
    selecting = next.catch(() => undefined);
    return next;
}

/**
 * Writes the stack's config file (config keys without the project prefix) and returns its path,
 * with the passphrase provider's salt the stack was created with, so that no command has to write
 * it back anywhere: from the file's last version, else from the stack's state.
 */
export async function writeConfigFile(w: Workspace, stack: string, config: Record<string, unknown>): Promise<string> {
    const file = configFileOf(stack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v]));
    const salt = saltIn(file) ?? (await saltInState(w, stack));
    fs.writeFileSync(file, stringify({ ...(salt ? { encryptionsalt: salt } : {}), config: prefixed }));
    return file;
}

const configFileOf = (stack: string) => path.join(localDir(), "stacks", `Pulumi.${stack}.yaml`);

function saltIn(file: string): string | undefined {
    return fs.existsSync(file) ? /^encryptionsalt: (.+)$/m.exec(fs.readFileSync(file, "utf8"))?.[1] : undefined;
}

/** The passphrase provider's salt as the stack's state records it (none for other providers). */
async function saltInState(w: Workspace, stack: string): Promise<string | undefined> {
    const { deployment } = (await w.ws.exportStack(stack)) as {
        deployment?: { secrets_providers?: { type: string; state?: { salt?: string } } };
    };
    const provider = deployment?.secrets_providers;
    return provider?.type === "passphrase" ? provider.state?.salt : undefined;
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
    // Afterwards the Automation API reads the stack's history, by default with --show-secrets, which
    // makes the CLI write a fresh salt into the repository's Pulumi.<stack>.yaml: it needs no secrets.
    const noSecrets = { showSecrets: false };
    try {
        switch (op) {
            case "preview":
                return changesOf(
                    (await stack.preview({ ...common, refresh: opts.refresh, policyPacks: opts.policyPacks, diff: false })).changeSummary,
                );
            case "up":
                return changesOf(
                    (await stack.up({ ...common, ...noSecrets, refresh: opts.refresh, policyPacks: opts.policyPacks })).summary
                        .resourceChanges,
                );
            case "destroy":
                return changesOf((await stack.destroy({ ...common, ...noSecrets, refresh: opts.refresh })).summary.resourceChanges);
            case "refresh":
                return changesOf((await stack.refresh({ ...common, ...noSecrets })).summary.resourceChanges);
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

/** A stack's outputs as plain values (no selection needed: the command names the stack). */
export async function outputsOf(w: Workspace, stack: string): Promise<Record<string, unknown>> {
    return Object.fromEntries(Object.entries(await w.ws.stackOutputs(stack)).map(([k, v]) => [k, v.value]));
}

function changesOf(m: OpMap | undefined): Changes {
    const n = (...ops: (keyof OpMap)[]) => ops.reduce((sum, op) => sum + (m?.[op] ?? 0), 0);
    return { create: n("create", "import"), update: n("update", "replace"), delete: n("delete"), same: n("same") };
}

function lastLines(text: string, n: number): string {
    return text.trim().split("\n").slice(-n).join("\n");
}
