import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderPolicy } from "../../../components/policyDocument";
import { kvV2MountsOf, ServiceAccessArgs } from "../../../components/serviceAccessArgs";
import { comparePriority, patternMatches } from "../../../components/policyPatterns";
import { expectedAccess, othersProbes, policyPathMatches, ServiceRulesConfig } from "../../../scripts/verify/expectedAccess";

const payments: ServiceRulesConfig = {
    name: "payments",
    mount: { path: "payments", type: "kv-v2" },
    rules: [{ path: "payments/*", capabilities: ["read", "list"] }],
};
const myApp: ServiceRulesConfig = {
    name: "my-app",
    mount: { path: "my-app", type: "kv" },
    rules: [{ path: "my-app/*", capabilities: ["read", "list"] }],
};
const asMap = (e: { path: string; capabilities: string[] }[]) => Object.fromEntries(e.map((x) => [x.path, x.capabilities]));

describe("what verify expects of a service, from its config", () => {
    it("on a kv-v2 mount: read on data/, list on metadata/, every other endpoint denied", () => {
        assert.deepEqual(asMap(expectedAccess(payments)), {
            "payments/data/verify-probe": ["read"],
            "payments/metadata/verify-probe": ["list"],
            "payments/delete/verify-probe": ["deny"],
            "payments/undelete/verify-probe": ["deny"],
            "payments/destroy/verify-probe": ["deny"],
            "payments/subkeys/verify-probe": ["deny"],
        });
    });

    it("on a kv (version 1) mount: the path as written", () => {
        assert.deepEqual(asMap(expectedAccess(myApp)), { "my-app/verify-probe": ["list", "read"] });
    });

    it("a mount without a type is kv-v2, as the component's default", () => {
        const untyped = { ...payments, mount: { path: "payments" } };
        assert.deepEqual(expectedAccess(untyped), expectedAccess(payments));
    });

    it("a deny on one key wins over a wildcard grant on every endpoint (Vault's priority matching)", () => {
        const charlie: ServiceRulesConfig = {
            name: "charlie",
            mount: { path: "charlie" },
            rules: [
                { path: "charlie/*", capabilities: ["create", "read", "update", "list"] },
                { path: "charlie/locked", capabilities: ["deny"] },
            ],
        };
        const byPath = asMap(expectedAccess(charlie));
        assert.deepEqual(byPath["charlie/data/verify-probe"], ["create", "read", "update"]);
        for (const endpoint of ["data", "metadata", "delete", "undelete", "destroy", "subkeys"]) {
            assert.deepEqual(byPath[`charlie/${endpoint}/locked`], ["deny"], endpoint);
        }
    });

    it("an apiPath rule on a kv-v2 mount is taken as written", () => {
        const s: ServiceRulesConfig = {
            name: "s",
            mount: { path: "s" },
            rules: [{ path: "s/subkeys/app/*", capabilities: ["read"], apiPath: true }],
        };
        assert.deepEqual(asMap(expectedAccess(s)), { "s/subkeys/app/verify-probe": ["read"] });
    });

    it("rules on a listed shared kv-v2 mount are expanded; kv-v2 actions reach their own endpoints", () => {
        const s: ServiceRulesConfig = {
            name: "s",
            rules: [{ path: "secret/s/*", capabilities: ["delete-versions", "read-metadata"] }],
        };
        const byPath = asMap(expectedAccess(s, ["secret"]));
        assert.deepEqual(byPath["secret/data/s/verify-probe"], ["delete"]);
        assert.deepEqual(byPath["secret/delete/s/verify-probe"], ["update"]);
        assert.deepEqual(byPath["secret/metadata/s/verify-probe"], ["read"]);
        assert.deepEqual(byPath["secret/destroy/s/verify-probe"], ["deny"]);
    });

    it("other services' paths the service's rules do not reach are probed for a deny", () => {
        assert.deepEqual(
            othersProbes("my-app", [myApp, payments]),
            expectedAccess(payments).map((e) => e.path),
        );
        const reader: ServiceRulesConfig = { name: "reader", rules: [{ path: "payments/*", capabilities: ["read"] }] };
        assert.ok(!othersProbes("reader", [reader, payments], []).includes("payments/verify-probe"));
    });
});

describe("Vault's path matching and priority, as documented", () => {
    it("matches globs and + segments (the oracle's matcher and the renderer's agree)", () => {
        for (const [pattern, path] of [
            ["a/*", "a/b/c"],
            ["a/b*", "a/bc"],
            ["a/+/c", "a/x/c"],
            ["a/+/c", "a/x/y/c"],
            ["a/b", "a/b/c"],
            ["a/+", "a/"],
        ]) {
            assert.equal(patternMatches(pattern, path), policyPathMatches(pattern, path), `${pattern} on ${path}`);
        }
        assert.ok(policyPathMatches("a/*", "a/b/c"));
        assert.ok(policyPathMatches("a/b*", "a/bc"));
        assert.ok(policyPathMatches("a/+/c", "a/x/c"));
        assert.ok(!policyPathMatches("a/+/c", "a/x/y/c"));
        assert.ok(!policyPathMatches("a/b", "a/b/c"));
        assert.ok(!policyPathMatches("a/+", "a/"));
    });

    it("ranks a later first wildcard, then no glob, then fewer +, then length, then lexical order higher", () => {
        assert.ok(comparePriority("secret/data/x/*", "secret/*") > 0);
        assert.ok(comparePriority("secret/x", "secret/x*") > 0);
        assert.ok(comparePriority("a/+/b/c", "a/+/+/c") > 0);
        assert.ok(comparePriority("a/+/bb", "a/+/b") > 0);
        assert.ok(comparePriority("a/+/c", "a/+/b") > 0);
        assert.equal(comparePriority("a/b", "a/b"), 0);
    });
});

describe("the oracle and the component's rendering agree", () => {
    // Two independent derivations of the same policy: if one drifts, this fails.
    const cases: ServiceRulesConfig[] = [
        payments,
        myApp,
        {
            name: "mixed",
            mount: { path: "mixed" },
            rules: [
                { path: "mixed/*", capabilities: ["create", "read", "update", "patch", "list"] },
                { path: "mixed/archive/*", capabilities: ["read-metadata", "destroy-versions", "undelete-versions"] },
                { path: "mixed/locked", capabilities: ["deny"] },
                { path: "mixed/config", capabilities: ["read"], apiPath: true },
            ],
        },
    ];
    for (const service of cases) {
        it(`${service.name}: every expectation is what the rendered policy grants there`, () => {
            // The oracle's config type keeps strings; the component's is narrower.
            const args = { rules: service.rules, mount: service.mount } as ServiceAccessArgs;
            const document = JSON.parse(renderPolicy(args.rules, kvV2MountsOf(args))) as {
                path: Record<string, { capabilities: string[] }>;
            };
            const rendered = Object.entries(document.path).map(([pattern, v]) => ({ pattern, capabilities: v.capabilities }));
            for (const { path, capabilities } of expectedAccess(service)) {
                // Vault applies the highest-priority matching pattern of the rendered policy.
                const winner = rendered
                    .filter((r) => policyPathMatches(r.pattern, path))
                    .sort((a, b) => comparePriority(b.pattern, a.pattern))[0];
                assert.deepEqual(winner ? [...winner.capabilities].sort() : ["deny"], capabilities, path);
            }
        });
    }
});
