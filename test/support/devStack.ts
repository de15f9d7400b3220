import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { testCa } from "./mocks";

/** The dev stack's config as the engine would pass it: every value a string, objects as JSON. */
export function devStackConfig(): Record<string, string> {
    const file = path.join(__dirname, "..", "..", "Pulumi.dev.yaml");
    const config = (parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Writes a kubeconfig for a cluster at `server` and returns its path. */
export function writeKubeconfig(server = "https://127.0.0.1:6443", ca = testCa): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-k8s-auth-test-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "kubeconfig");
    fs.writeFileSync(
        file,
        stringify({
            apiVersion: "v1",
            kind: "Config",
            "current-context": "local",
            clusters: [{ name: "local", cluster: { server, "certificate-authority-data": Buffer.from(ca).toString("base64") } }],
            contexts: [{ name: "local", context: { cluster: "local", user: "admin" } }],
            users: [{ name: "admin", user: { token: "not-used-by-mocks" } }],
        }),
    );
    return file;
}

/** Runs the stack program (index.ts) as the engine would, under the mocks installed; returns its outputs. */
export async function runProgram(): Promise<Record<string, unknown>> {
    const program = (await import("../../index")).default as unknown as () => Promise<Record<string, unknown>>;
    return program();
}
