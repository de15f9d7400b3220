import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPolicyRules, policyPaths, renderPolicy } from "../../components/policyDocument";

describe("policy rendering", () => {
    it("keeps the guide's kv-v1 rule exactly as written", () => {
        const doc = JSON.parse(renderPolicy([{ path: "my-app/*", capabilities: ["read", "list"] }], []));
        assert.deepEqual(doc, { path: { "my-app/*": { capabilities: ["read", "list"] } } });
    });

    it("expands a kv-v2 rule to the data/ and metadata/ paths Vault checks", () => {
        const doc = JSON.parse(renderPolicy([{ path: "secret/my-app/*", capabilities: ["read", "list"] }], ["secret"]));
        assert.deepEqual(doc, {
            path: {
                "secret/data/my-app/*": { capabilities: ["read"] },
                "secret/metadata/my-app/*": { capabilities: ["list"] },
            },
        });
    });

    it("sends writes to data/ and nothing to metadata/ when the rule does not list", () => {
        assert.deepEqual(policyPaths([{ path: "kv/app/config", capabilities: ["create", "update", "read"] }], ["kv"]), [
            { path: "kv/data/app/config", capabilities: ["create", "read", "update"] },
        ]);
    });

    it("uses the longest kv-v2 mount and leaves other mounts alone", () => {
        const paths = policyPaths(
            [
                { path: "team/a/app/*", capabilities: ["read"] },
                { path: "team/b/*", capabilities: ["read"] },
            ],
            ["team", "team/a"],
        );
        assert.deepEqual(
            paths.map((p) => p.path),
            ["team/a/data/app/*", "team/data/b/*"],
        );
    });

    it("leaves rules that already name a kv-v2 endpoint as written", () => {
        assert.deepEqual(policyPaths([{ path: "secret/metadata/app/*", capabilities: ["delete"] }], ["secret"]), [
            { path: "secret/metadata/app/*", capabilities: ["delete"] },
        ]);
    });

    it("puts deny on both sides and lets it win over grants on the same path", () => {
        const paths = policyPaths(
            [
                { path: "secret/app/private", capabilities: ["deny"] },
                { path: "secret/app/private", capabilities: ["read"] },
            ],
            ["secret"],
        );
        assert.deepEqual(paths, [
            { path: "secret/data/app/private", capabilities: ["deny"] },
            { path: "secret/metadata/app/private", capabilities: ["deny"] },
        ]);
    });

    it("merges duplicate paths, orders capabilities canonically and renders deterministically", () => {
        const rules = [
            { path: "b/*", capabilities: ["list" as const] },
            { path: "a/*", capabilities: ["update" as const, "read" as const] },
            { path: "b/*", capabilities: ["read" as const] },
        ];
        assert.equal(renderPolicy(rules, []), renderPolicy([...rules].reverse(), []));
        assert.deepEqual(policyPaths(rules, []), [
            { path: "a/*", capabilities: ["read", "update"] },
            { path: "b/*", capabilities: ["read", "list"] },
        ]);
    });
});

describe("policy rule checks", () => {
    const one = (rule: any) => checkPolicyRules("rules", [rule]);

    it("accepts a good rule", () => assert.deepEqual(one({ path: "my-app/*", capabilities: ["read"] }), []));
    it("rejects an unknown capability by name", () => {
        assert.match(
            one({ path: "my-app/*", capabilities: ["reed"] }).join(),
            /rules\[0\]\.capabilities: "reed" is not a Vault capability/,
        );
    });
    it("rejects an empty path", () => assert.match(one({ path: " ", capabilities: ["read"] }).join(), /rules\[0\]\.path: is empty/));
    it("rejects a leading slash and says what to write", () => {
        assert.match(
            one({ path: "/my-app/*", capabilities: ["read"] }).join(),
            /starts with "\/"; Vault paths are relative, write "my-app\/\*"/,
        );
    });
    it("rejects no capabilities", () => assert.match(one({ path: "a", capabilities: [] }).join(), /capabilities: is empty/));
    it("rejects deny mixed with grants", () => assert.match(one({ path: "a", capabilities: ["deny", "read"] }).join(), /list it alone/));
    it("rejects a policy with no rules", () => assert.match(checkPolicyRules("rules", []).join(), /at least one rule/));
});
