import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { PolicyRule } from "../../components/policyRules";
import { VaultClient } from "../../scripts/lib/vault";
import { oracle, packKvV2Violations, probePaths, promised, ruleSetArb, tryRender } from "../support/policyRuleSets";
import { Harness, repoDir } from "./harness";

// The policies proven by the servers themselves: generated rule sets (test/support/policyRuleSets.ts)
// are rendered, written to OpenBao and to Vault 1.14 as a policy, and a token holding only that
// policy is asked about (sys/capabilities) on every probe path. The server's answer must be what the
// rules promise (docs/configuration.md "Policies and kv-v2": the union of their grants, a deny winning) and what
// verify's oracle expects, and the policy pack's kv-v2 rule must pass the document. A failure is
// shrunk to a minimal rule set and printed with its seed; VAULT_K8S_AUTH_POLICY_SEED=<seed> replays it.

// About 8 % are refused by the renderer: 2,300 generated give over 2,000 rule sets the server checks.
const runs = Number(process.env.VAULT_K8S_AUTH_POLICY_RUNS ?? 2300);
const seed = Number(process.env.VAULT_K8S_AUTH_POLICY_SEED ?? Date.now() % 2 ** 31);

const servers = (process.env.VAULT_K8S_AUTH_IT_SERVERS ?? "openbao,vault").split(",") as ("openbao" | "vault")[];
for (const server of servers) {
    describe(`generated policies on ${server === "openbao" ? "OpenBao 2.6.2" : "Vault 1.14.1"}`, { timeout: 30 * 60 * 1000 }, () => {
        const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-policies-${server}`));
        let admin: VaultClient;

        before(() => {
            h.start(server);
            admin = h.vaultAdmin();
        });

        after(() => {
            h.stop();
            fs.rmSync(h.localDir, { recursive: true, force: true });
        });

        /** What the server answers on each path for a token holding only this policy. */
        const serverAnswers = async (document: string, paths: string[]): Promise<Record<string, string[]>> => {
            const put = await admin.request("PUT", "sys/policies/acl/generated", { policy: document });
            assert.equal(put.status, 204, JSON.stringify(put.body));
            const created = await admin.request("POST", "auth/token/create", {
                policies: ["generated"],
                no_default_policy: true,
                ttl: "5m",
            });
            const token = created.body.auth.client_token as string;
            try {
                // Asked by the admin (sys/capabilities): the token itself holds no right to ask (no default policy).
                const res = await admin.request("POST", "sys/capabilities", { token, paths });
                assert.equal(res.status, 200, JSON.stringify(res.body));
                const data = (res.body.data ?? res.body) as Record<string, string[]>;
                return Object.fromEntries(paths.map((p) => [p, [...(data[p] ?? [])].sort()]));
            } finally {
                await admin.request("POST", "auth/token/revoke", { token });
            }
        };

        it(`${runs} rule sets: the server grants exactly what the rules promise and verify's oracle expects (seed ${seed})`, async () => {
            const tally = { rendered: 0, refused: 0, probes: 0 };
            const started = Date.now();
            await fc.assert(
                fc.asyncProperty(ruleSetArb, async (rules: PolicyRule[]) => {
                    const { document, refusal } = tryRender(rules);
                    if (refusal !== undefined) {
                        tally.refused++;
                        return;
                    }
                    tally.rendered++;
                    // The policy pack's kv-v2 rule passes what the server is then held to.
                    assert.deepEqual(packKvV2Violations(document!), [], document);
                    const paths = probePaths(rules);
                    tally.probes += paths.length;
                    const got = await serverAnswers(document!, paths);
                    for (const p of paths) {
                        const [want, expected] = [promised(rules, p), oracle(rules, p)];
                        assert.deepEqual(
                            { server: got[p], oracle: expected },
                            { server: want, oracle: want },
                            `on ${p}: the server says ${got[p]}, the rules promise ${want}, verify's oracle ${expected}\nrules: ${JSON.stringify(rules)}\npolicy: ${document}`,
                        );
                    }
                }),
                { numRuns: runs, seed, includeErrorInReport: true },
            );
            const seconds = (Date.now() - started) / 1000;
            console.log(
                `    [${server}] seed ${seed}: ${tally.rendered} rule sets rendered and checked on ${tally.probes} probe paths, ${tally.refused} refused, in ${seconds.toFixed(1)} s`,
            );
            assert.ok(tally.rendered >= runs * 0.85, `only ${tally.rendered} of ${runs} rendered`);
        });
    });
}
