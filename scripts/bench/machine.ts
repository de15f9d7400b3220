import * as os from "os";
import { repoDir } from "./env";
import { spawnCollect } from "./measure";
import { logLogChart } from "./chart";
import { opLabels, Results } from "./report";

/** The machine and the versions measured against, recorded with the figures. */
export async function machine(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
    const first = async (cmd: string, ...args: string[]) => {
        const r = await spawnCollect(cmd, args, env, repoDir).catch(() => ({ stdout: "", stderr: "n/a" }));
        return (r.stdout || r.stderr).trim().split("\n")[0];
    };
    const plugins = (await spawnCollect("pulumi", ["plugin", "ls"], env, repoDir)).stdout
        .split("\n")
        .filter((l) => / resource /.test(l))
        .map((l) => l.split(/\s+/).slice(0, 3).join(" "))
        .join(", ");
    return {
        date: new Date().toISOString(),
        nproc: String(os.cpus().length),
        cpu: os.cpus()[0]?.model ?? "",
        memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
        loadavg: os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" "),
        node: process.version,
        pulumi: await first("pulumi", "version"),
        plugins,
        server: `${env.VAULT_SERVER}: ${await first(env.VAULT_SERVER === "vault" ? "vault" : "bao", "version")}`,
        kubeApiserver: await first("kube-apiserver", "--version"),
        kubectl: await first("kubectl", "version", "--client"),
    };
}

/** The chart of every operation's median: Pulumi solid, baselines dashed. */
export function chartOf(r: Results): string {
    const ops = Object.keys(opLabels).filter((op) => Object.values(r.byN).some((byOp) => byOp[op]));
    return logLogChart(
        ops.map((op) => ({
            name: opLabels[op],
            dashed: !/^(preview|up|destroy)/.test(op),
            points: Object.entries(r.byN)
                .filter(([, byOp]) => byOp[op])
                .map(([n, byOp]) => [Number(n), byOp[op].seconds.median] as [number, number]),
        })),
        "vault-k8s-auth: median wall time vs N (log-log)",
    );
}
