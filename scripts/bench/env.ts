import * as fs from "fs";
import * as path from "path";
import { readEnvFile } from "../local/environment";

import { repoDir } from "../lib/repo";
export { repoDir };
/** A local environment of the benchmark's own, apart from the dev one and the integration suite's. */
export const localDir = process.env.VAULT_K8S_AUTH_LOCAL_DIR ?? path.join(repoDir, ".local", "bench");

/** The environment of scripts/local/env.sh (KUBECONFIG, VAULT_ADDR, VAULT_TOKEN, Pulumi backend, PATH). */
export function loadEnv(): NodeJS.ProcessEnv {
    const file = path.join(localDir, "env");
    if (!fs.existsSync(file))
        throw new Error(`no local environment at ${file}; run: VAULT_K8S_AUTH_LOCAL_DIR=${localDir} bash scripts/local/env.sh start`);
    const env: NodeJS.ProcessEnv = { ...process.env, VAULT_K8S_AUTH_LOCAL_DIR: localDir, ...readEnvFile(file) };
    // The bao CLI reads BAO_ADDR/BAO_TOKEN; it also honours the VAULT_ names, set both to be explicit.
    env.BAO_ADDR = env.VAULT_ADDR;
    env.BAO_TOKEN = env.VAULT_TOKEN;
    return env;
}

/** Service names of one method and size: distinct per method so leftovers of one never collide with another. */
export function serviceNames(prefix: string, n: number): string[] {
    return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(4, "0")}`);
}
