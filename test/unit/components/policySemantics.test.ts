import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { renderPolicy } from "../../../components/policyDocument";
import { PolicyRule } from "../../../components/policyRules";
import { comparePriority, patternMatches } from "../../../components/policyPatterns";
import { oracle, packKvV2Violations, probePaths, promised, ruleSetArb, tryRender } from "../../support/policyRuleSets";

// What a list of rules means, held against a model of Vault's evaluation (only the highest-priority
// matching pattern of a policy applies). The same generated rule sets go to the real servers in
// test/integration/policyServer.test.ts; this is the fast, model-only half.

/** Vault's answer on a path, as its documentation describes it: the winning stanza's capabilities. */
function modelOfVault(document: string, path: string): string[] {
    const stanzas = Object.entries((JSON.parse(document) as { path: Record<string, { capabilities: string[] }> }).path);
    const winner = stanzas.filter(([p]) => patternMatches(p, path)).sort(([a], [b]) => comparePriority(b, a))[0];
    return winner ? [...winner[1].capabilities].sort() : ["deny"];
}

const onKvV2 = (rules: PolicyRule[]) => renderPolicy(rules, ["pa"]);

describe("rules mean the union of their grants, a deny winning", () => {
    // Found on OpenBao 2.6.2 before the renderer folded overlaps (issue 21): kept as fixed examples.
    it("a broader read and a narrower update both hold where they overlap", () => {
        const document = onKvV2([
            { path: "pa/*", capabilities: ["read", "list"] },
            { path: "pa/+/config", capabilities: ["update"] },
        ]);
        assert.deepEqual(modelOfVault(document, "pa/data/svc/config"), ["read", "update"]);
        assert.deepEqual(modelOfVault(document, "pa/data/svc/other"), ["read"]);
        assert.deepEqual(modelOfVault(document, "pa/metadata/svc/config"), ["list"]);
    });

    it("a deny on pa/+/secret is not bypassed by a read on pa/team/*", () => {
        const document = onKvV2([
            { path: "pa/+/secret", capabilities: ["deny"] },
            { path: "pa/team/*", capabilities: ["read"] },
        ]);
        assert.deepEqual(modelOfVault(document, "pa/data/team/secret"), ["deny"]);
        assert.deepEqual(modelOfVault(document, "pa/data/team/other"), ["read"]);
    });

    it("refuses, naming both rules and why, where Vault would let the broader pattern win", () => {
        assert.throws(
            () =>
                renderPolicy(
                    [
                        { path: "kv1/*", capabilities: ["read"] },
                        { path: "kv1/+/c*", capabilities: ["update"] },
                    ],
                    [],
                ),
            /rules\[0\] "kv1\/\*" and rules\[1\] "kv1\/\+\/c\*": on "kv1\/probe\/cverify-probe" Vault applies the broader pattern "kv1\/\*" \(read\) over "kv1\/\+\/c\*" \(read, update\), by its priority rules/,
        );
    });

    it("refuses overlaps no Vault pattern can name, unless both grant the same", () => {
        assert.throws(
            () =>
                renderPolicy(
                    [
                        { path: "kv1/+/b", capabilities: ["read"] },
                        { path: "kv1/x*", capabilities: ["list"] },
                    ],
                    [],
                ),
            /their patterns "kv1\/\+\/b" and "kv1\/x\*" overlap on paths no Vault pattern can name/,
        );
        assert.doesNotThrow(() =>
            renderPolicy(
                [
                    { path: "kv1/+/b", capabilities: ["read"] },
                    { path: "kv1/x*", capabilities: ["read"] },
                ],
                [],
            ),
        );
    });

    it("refuses paths Vault would read otherwise than they look", () => {
        for (const [path, message] of [
            ["kv1/a*/b", /"\*" only ends a path/],
            ["kv1/a+b", /"\+" matches one whole segment/],
            ["kv1//a", /empty segment/],
            ["kv1/a/", /ends with "\/"/],
            ["kv1/../sys", /a "\.\." segment/],
            ["kv1/a\u0007", /control character/],
        ] as const) {
            assert.throws(() => renderPolicy([{ path, capabilities: ["read"] }], []), message, path);
        }
    });

    // A failure prints its seed and shrunk rule set; VAULT_K8S_AUTH_POLICY_SEED=<seed> replays it.
    const seed = Number(process.env.VAULT_K8S_AUTH_POLICY_SEED ?? Date.now() % 2 ** 31);
    it(`generated rule sets: where the renderer accepts, the model of Vault, the promise and verify's oracle agree on every probe (seed ${seed})`, () => {
        let rendered = 0;
        let refused = 0;
        fc.assert(
            fc.property(ruleSetArb, (rules) => {
                const { document, refusal } = tryRender(rules);
                if (refusal !== undefined) {
                    refused++;
                    // A refusal names the rule(s), as the user wrote them, and the reason.
                    return /rules\[\d+\]/.test(refusal);
                }
                rendered++;
                // The pack's view of kv-v2 and the renderer's agree: nothing rendered is flagged.
                assert.deepEqual(packKvV2Violations(document!), [], document);
                for (const path of probePaths(rules)) {
                    const want = promised(rules, path);
                    assert.deepEqual(modelOfVault(document!, path), want, `${path}\n${document}`);
                    assert.deepEqual(oracle(rules, path), want, `oracle on ${path}`);
                }
                return true;
            }),
            { numRuns: 1000, seed, includeErrorInReport: true },
        );
        console.log(`    ${rendered} rendered, ${refused} refused`);
        assert.ok(rendered > refused * 4, `${refused} of ${rendered + refused} refused: the generator or the renderer is off`);
    });
});
