/**
 * `npm run recover -- --stack NAME [--config-file FILE]`: brings a stack whose run died mid-`up` (a
 * killed runner, a lost database or Vault) back to convergence. Run it once you know that run is
 * gone. In order:
 *   1. `pulumi cancel --yes`: removes the dead run's lock.
 *   2. Every pending create (sent, never recorded) is imported when its object exists in the cluster
 *      or in Vault, else cleared: `pulumi refresh --yes --import-pending-creates URN ID … --clear-pending-creates`.
 *   3. `pulumi up --yes`: creates what is missing, nothing twice.
 * Options: --no-up (steps 1-2 only); --stale-only (step 1 only for locks of dead processes of this
 * host, as `npm run local:up` runs it: a live run's lock stops it instead).
 */
import { spawnSync } from "child_process";
import * as os from "os";
import { parseArgs } from "util";
import { PendingCreate, resolvePendingCreate } from "./pendingCreates";
import { stackLocks } from "./stackLocks";
import { VaultClient } from "../lib/vault";

function pulumi(args: string[], capture = false): string {
    const r = spawnSync("pulumi", args, {
        encoding: "utf8",
        stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${r.status})`);
    return r.stdout ?? "";
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
};

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "config-file": { type: "string" },
            "no-up": { type: "boolean" },
            "stale-only": { type: "boolean" },
        },
    });
    if (!values.stack) throw new Error("--stack is required: the stack whose run died.");
    const stack = ["--stack", values.stack];
    const configFile = values["config-file"] ? ["--config-file", values["config-file"]] : [];

    const locks = await stackLocks(values.stack);
    if (locks.length > 0) {
        for (const l of locks) console.log(`lock: ${l.user}@${l.host} (pid ${l.pid}) since ${l.time}`);
        const live = locks.filter((l) => l.host !== os.hostname() || alive(l.pid));
        if (values["stale-only"] && live.length > 0) {
            throw new Error(
                `a run of stack ${values.stack} holds its lock and may be alive (${live.map((l) => `pid ${l.pid} on ${l.host}`).join(", ")}); wait for it, or once you know it is gone: npm run recover -- --stack ${values.stack}`,
            );
        }
        pulumi(["cancel", "--yes", ...stack]);
    }

    const state = JSON.parse(pulumi(["stack", "export", ...stack], true)) as {
        deployment: { pending_operations?: { type: string; resource: PendingCreate }[] };
    };
    const creates = (state.deployment.pending_operations ?? []).filter((o) => o.type === "creating").map((o) => o.resource);
    if (creates.length > 0) {
        const vault = new VaultClient(process.env.VAULT_ADDR ?? "", process.env.VAULT_TOKEN);
        const imports: string[] = [];
        for (const op of creates) {
            const resolution = await resolvePendingCreate(op, vault, process.env);
            const name = op.urn.split("::").pop();
            if ("import" in resolution) {
                console.log(`pending create ${name} (${op.type}): exists, imported as ${resolution.import}`);
                imports.push("--import-pending-creates", op.urn, "--import-pending-creates", resolution.import);
            } else {
                console.log(`pending create ${name} (${op.type}): cleared, ${resolution.clear}`);
            }
        }
        pulumi(["refresh", "--yes", "--skip-preview", ...imports, "--clear-pending-creates", ...stack, ...configFile]);
    } else {
        console.log("no pending creates");
    }
    if (!values["no-up"]) pulumi(["up", "--yes", "--skip-preview", ...stack, ...configFile]);
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(`recover: ${(e as Error).message}`);
        process.exit(1);
    },
);
