/**
 * `npm run verify`: after `pulumi up`, proves every service of the selected stack can log in to
 * Vault with its own ServiceAccount and gets exactly its own access. Needs VAULT_ADDR, kubectl
 * (TokenRequest API, `kubectl create token`) pointed at the cluster, and the Pulumi CLI.
 * What each service may do is read from the stack's config (its rules), not from its outputs.
 *   verify.ts [--stack NAME] [--config-file FILE]
 * Exit code 1 on any failure.
 */
import { execFileSync } from "child_process";
import { issueServiceAccountToken } from "./serviceAccountToken";
import { VaultClient } from "../lib/vault";
import { parseArgs } from "util";
import { RulesConfig, StackOutputs, verifyAuthMethod, verifyService } from "./verification";

/** The services and kv-v2 mounts of the stack's config, as `pulumi config` holds them. */
function rulesConfig(stackArgs: string[]): RulesConfig {
    const json = execFileSync("pulumi", ["config", "--json", ...stackArgs], { encoding: "utf8" });
    const config = JSON.parse(json) as Record<string, { objectValue?: unknown }>;
    const valueOf = (key: string) => Object.entries(config).find(([k]) => k.endsWith(`:${key}`))?.[1]?.objectValue;
    return {
        services: (valueOf("services") ?? []) as RulesConfig["services"],
        kvV2Mounts: (valueOf("kvV2Mounts") ?? []) as string[],
    };
}

async function main(): Promise<number> {
    const address = process.env.VAULT_ADDR;
    if (!address) throw new Error("VAULT_ADDR is not set; export the address of the Vault the stack configured.");
    const { values } = parseArgs({ options: { stack: { type: "string" }, "config-file": { type: "string" } } });
    const stackArgs = values.stack ? ["--stack", values.stack] : [];
    const configFile = values["config-file"] ? ["--config-file", values["config-file"]] : [];
    const outputs = JSON.parse(execFileSync("pulumi", ["stack", "output", "--json", ...stackArgs], { encoding: "utf8" })) as StackOutputs;
    const config = rulesConfig([...stackArgs, ...configFile]);
    const names = Object.keys(outputs.serviceAccess ?? {});
    if (names.length === 0) throw new Error("the stack exports no services (serviceAccess); run `pulumi up` first.");

    const vault = new VaultClient(address);
    const issueJwt = async (ns: string, sa: string, audience: string) => issueServiceAccountToken(ns, sa, { audience });

    // Reading the auth method's config takes a token that may read it; logins take none.
    const method = process.env.VAULT_TOKEN ? await verifyAuthMethod(outputs, new VaultClient(address, process.env.VAULT_TOKEN)) : undefined;
    console.log(method ? `${method.ok ? "✔" : "✘"} ${method.text}` : "- auth method not checked: no VAULT_TOKEN to read its config with");
    let failed = 0;
    for (const name of names) {
        try {
            const checks = await verifyService(name, outputs, config, vault, issueJwt);
            const ok = checks.every((c) => c.ok);
            if (!ok) failed++;
            console.log(`${ok ? "✔" : "✘"} ${name}`);
            for (const c of checks) console.log(`    ${c.ok ? "✔" : "✘"} ${c.text}`);
        } catch (e) {
            failed++;
            console.log(`✘ ${name}\n    ✘ ${(e as Error).message}`);
        }
    }
    console.log(`${names.length - failed} passed, ${failed} failed`);
    return failed === 0 && method?.ok !== false ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(`verify: ${(e as Error).message}`);
        process.exit(1);
    },
);
