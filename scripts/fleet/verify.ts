import { issueServiceAccountToken } from "../verify/serviceAccountToken";
import { VaultClient } from "../lib/vault";
import { RulesConfig, StackOutputs, verifyService } from "../verify/verification";
import { Fleet } from "./declaration";
import { pool } from "./pool";
import { outputsOf, Workspace } from "./stacks";

/**
 * `fleet verify`: what `npm run verify` does for one stack, for every stack of the fleet: a real
 * login of every service with its own ServiceAccount, its access held to its rules, and denial on
 * every other service's paths, whichever team's they are. Returns the exit code.
 */
export async function verifyFleet(fleet: Fleet, w: Workspace, only: string[] | undefined, concurrency: number): Promise<number> {
    const address = process.env.VAULT_ADDR;
    if (!address) throw new Error("VAULT_ADDR is not set; export the address of the fleet's Vault (npm run fleet sources .local/env).");
    const existing = await w.existing();
    // Denials are checked against every service of the fleet, not only the team's own.
    const rules: RulesConfig = {
        services: [...fleet.platform.parsed.services, ...fleet.teams.flatMap((t) => t.services)],
        kvV2Mounts: fleet.platform.parsed.kvV2Mounts,
    };
    const stacks = [
        { name: fleet.platform.stack, label: fleet.platform.stack, services: fleet.platform.parsed.services },
        ...fleet.teams.map((t) => ({ name: t.stack, label: t.name, services: t.services })),
    ].filter((s) => s.services.length > 0 && (only === undefined || only.includes(s.label)));
    const vault = new VaultClient(address);
    const issueJwt = async (ns: string, sa: string, audience: string) => issueServiceAccountToken(ns, sa, { audience });

    let failed = 0;
    let passed = 0;
    await pool(stacks, concurrency, async (s) => {
        const lines: string[] = [];
        if (!existing.has(s.name)) {
            failed += s.services.length;
            lines.push(`✘ ${s.name}: no such stack; run \`npm run fleet -- up\` first`);
        } else {
            const outputs = (await outputsOf(w, s.name)) as unknown as StackOutputs;
            for (const svc of s.services) {
                try {
                    if (!outputs.serviceAccess?.[svc.name])
                        throw new Error(`stack ${s.name} exports no service "${svc.name}"; run \`npm run fleet -- up\``);
                    const checks = await verifyService(svc.name, outputs, rules, vault, issueJwt);
                    const ok = checks.every((c) => c.ok);
                    if (ok) passed++;
                    else failed++;
                    lines.push(`${ok ? "✔" : "✘"} ${s.name}: ${svc.name}`, ...checks.map((c) => `    ${c.ok ? "✔" : "✘"} ${c.text}`));
                } catch (e) {
                    failed++;
                    lines.push(`✘ ${s.name}: ${svc.name}`, `    ✘ ${(e as Error).message}`);
                }
            }
        }
        console.log(lines.join("\n"));
    });
    console.log(`${passed} passed, ${failed} failed (${stacks.length} stack(s))`);
    return failed === 0 ? 0 : 1;
}
