import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

/** The variables scripts/local/env.sh exports in its env file (KUBECONFIG, VAULT_ADDR, Pulumi backend, PATH…). */
export function readEnvFile(file: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^export (.*)$/.exec(line);
        if (!m) continue;
        for (const [, k, v] of m[1].matchAll(/(\w+)=(\S+)/g)) env[k] = v.replace(/\$PATH$/, process.env.PATH ?? "");
    }
    return env;
}

/**
 * Writes the config file of a throwaway stack (tests, benchmarks: git-ignored Pulumi.it-*.yaml),
 * keeping the salt `pulumi stack init` put there.
 */
export function writeStackConfig(projectDir: string, stack: string, config: Record<string, unknown>): void {
    const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`vault-k8s-auth:${k}`, v]));
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const salt = fs.existsSync(file) ? (fs.readFileSync(file, "utf8").match(/^encryptionsalt: .*$/m)?.[0] ?? "") : "";
    fs.writeFileSync(file, `${salt}\n${stringify({ config: prefixed })}`);
}
