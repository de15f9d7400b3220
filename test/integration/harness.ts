import { spawnSync } from "child_process";
import * as path from "path";
import { readEnvFile, writeStackConfig } from "../../scripts/local/environment";
import { issueServiceAccountToken } from "../../scripts/verify/serviceAccountToken";
import { VaultClient } from "../../scripts/lib/vault";

/** Drives the real toolchain against a real local environment of its own. */
import { repoDir } from "../../scripts/lib/repo";
export { repoDir };

export interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

export class Harness {
    /** Every CLI output seen, to check that no secret ever appeared in one. */
    readonly transcript: string[] = [];
    env: NodeJS.ProcessEnv = {};

    constructor(readonly localDir: string) {}

    /** Builds/links the toolchain, starts the environment (OpenBao or Vault) and loads its .local/env. */
    start(server: "openbao" | "vault", ...flags: string[]): void {
        this.script("toolchain/toolchain.sh", "main", ...(server === "vault" ? ["vault-server"] : []));
        this.script("local/env.sh", "start", "--server", server, ...flags);
        this.env = { ...process.env, VAULT_K8S_AUTH_LOCAL_DIR: this.localDir, ...readEnvFile(path.join(this.localDir, "env")) };
    }

    stop(): void {
        this.script("local/env.sh", "stop");
    }

    script(name: string, ...args: string[]): Run {
        const run = this.exec("bash", [path.join(repoDir, "scripts", name), ...args], {
            ...process.env,
            ...this.env,
            VAULT_K8S_AUTH_LOCAL_DIR: this.localDir,
        });
        if (run.code !== 0) throw new Error(`${name} ${args.join(" ")} failed (${run.code}):\n${run.stderr.slice(-3000)}`);
        return run;
    }

    pulumi(...args: string[]): Run {
        return this.pulumiWith(this.env, ...args);
    }

    /** Runs pulumi in another project folder. */
    pulumiIn(dir: string, ...args: string[]): Run {
        const run = this.exec("pulumi", args, this.env, dir);
        this.transcript.push(run.stdout, run.stderr);
        return run;
    }

    /** Runs pulumi with another environment (e.g. without VAULT_ADDR/VAULT_TOKEN). */
    pulumiWith(env: NodeJS.ProcessEnv, ...args: string[]): Run {
        const run = this.exec("pulumi", args, env);
        this.transcript.push(run.stdout, run.stderr);
        return run;
    }

    /** Runs pulumi and fails with its output when it does not succeed. */
    pulumiOk(...args: string[]): Run {
        const run = this.pulumi(...args);
        if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${run.code}):\n${(run.stdout + run.stderr).slice(-4000)}`);
        return run;
    }

    /** `npm run fleet -- ARGS` (scripts/fleet/fleet.sh) on this environment; does not throw. */
    fleet(...args: string[]): Run {
        const run = this.exec("bash", [path.join(repoDir, "scripts", "fleet", "fleet.sh"), ...args], this.env);
        this.transcript.push(run.stdout, run.stderr);
        return run;
    }

    kubectl(...args: string[]): Run {
        return this.exec("kubectl", args, this.env);
    }

    vaultAdmin(): VaultClient {
        return new VaultClient(this.env.VAULT_ADDR!, this.env.VAULT_TOKEN);
    }

    /** A short-lived JWT of a ServiceAccount from the TokenRequest API. */
    async issueJwt(namespace: string, serviceAccount: string, audience = "", duration = "10m"): Promise<string> {
        return issueServiceAccountToken(namespace, serviceAccount, { audience, duration, env: this.env });
    }

    /** Writes the config file of a test stack (git-ignored Pulumi.it-*.yaml). */
    writeStackConfig(stack: string, config: Record<string, unknown>): void {
        writeStackConfig(repoDir, stack, config);
    }

    exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = repoDir): Run {
        // A cold toolchain build is allowed most of CI's 90 minutes; everything else takes seconds.
        const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 80 * 60 * 1000 });
        if (r.error) throw r.error;
        return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }
}

/** Runs a shell command with the toolchain's environment (scripts/lib/common.sh) in `cwd`. */
export function toolchainRun(cwd: string, command: string): Run {
    const r = spawnSync("bash", ["-c", `source "${repoDir}/scripts/lib/common.sh" && ${command}`], {
        cwd,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
