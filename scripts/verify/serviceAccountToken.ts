import { execFileSync } from "child_process";

/**
 * A short-lived JWT of a ServiceAccount from the TokenRequest API (`kubectl create token`), as a
 * pod would hold one; with an audience, as a projected token for that audience.
 */
export function issueServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    options: { audience?: string; duration?: string; env?: NodeJS.ProcessEnv } = {},
): string {
    const args = ["create", "token", serviceAccount, "-n", namespace, `--duration=${options.duration ?? "10m"}`];
    if (options.audience) args.push(`--audience=${options.audience}`);
    try {
        return execFileSync("kubectl", args, {
            encoding: "utf8",
            env: options.env ?? process.env,
            stdio: ["ignore", "pipe", "pipe"],
        }).trim();
    } catch (e) {
        const stderr = (e as { stderr?: string }).stderr ?? (e as Error).message;
        throw new Error(`kubectl create token ${namespace}/${serviceAccount}: ${stderr.trim()}`);
    }
}
