import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { kvV2Findings, kvV2Split } from "../../../policy/rules/kvV2Paths";
import { check, checkStack, StackResource, urnOf } from "../../support/policyPackHarness";
import { jsonPolicy, messages, policyNames, types, vaultPolicy } from "../../support/policyPackFixtures";

// policy/rules/kvV2Paths.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

describe("vault-policy-kv-v2-paths", () => {
    it("passes list on metadata/ and reads on data/, as ServiceAccess renders them", async () => {
        const document = jsonPolicy({
            "payments/data/*": ["read"],
            "payments/metadata/*": ["list"],
            "secret/metadata/app/*": ["read", "list", "delete"],
            "my-app/*": ["list"],
        });
        assert.deepEqual(await check(types.policy, document), []);
    });

    it("rejects list alone on data/", async () => {
        assert.deepEqual(await check(types.policy, jsonPolicy({ "secret/data/app/*": ["list"] })), [
            {
                policy: "vault-policy-kv-v2-paths",
                message:
                    'path "secret/data/app/*" grants only "list", but on a kv-v2 mount Vault checks list on secret/metadata/..., never on data/, ' +
                    'so this stanza matches nothing. Grant "list" on path "secret/metadata/app/*" instead.',
            },
        ]);
    });

    // Flagged until the generated policy suite held the pack to the renderer (issue 21): read on
    // metadata/ is read-metadata (`vault kv metadata get`), update is `vault kv metadata put`.
    it("passes reads and writes alone on metadata/ (metadata get, put, patch), on nested mounts too", async () => {
        assert.deepEqual(await check(types.policy, jsonPolicy({ "team/a/metadata/app/config": ["read", "update"] })), []);
    });

    it("reads HCL policies too", async () => {
        const hcl = 'path "kv/data/app/*" {\n  capabilities = ["list"]\n}\npath "kv/metadata/app/*" {\n  capabilities = ["list"]\n}\n';
        assert.deepEqual(policyNames(await check(types.policy, vaultPolicy(hcl))), ["vault-policy-kv-v2-paths"]);
    });

    it("splits kv-v2 paths at their data/ or metadata/ segment", () => {
        assert.deepEqual(kvV2Split("secret/data/app/*"), { mount: "secret", endpoint: "data", rest: "app/*" });
        assert.deepEqual(kvV2Split("data/metadata/"), { mount: "data", endpoint: "metadata", rest: "" });
        assert.equal(kvV2Split("secret/data"), undefined);
        assert.equal(kvV2Split("my-app/*"), undefined);
    });

    it("rejects a `vault kv`-style path on a kv-v2 mount of the pack config: it matches nothing", async () => {
        const document = jsonPolicy({ "payments/data/app/*": ["read"], "payments/app/config": ["read", "update"] });
        const config = { "vault-policy-kv-v2-paths": { kvV2Mounts: ["payments"] } };
        assert.deepEqual(await check(types.policy, document, { config }), [
            {
                policy: "vault-policy-kv-v2-paths",
                message:
                    'path "payments/app/config" is on kv-v2 mount "payments" (listed in the policy pack config\'s kvV2Mounts), where Vault checks ' +
                    "only API paths (payments/data/..., payments/metadata/..., ...), so this stanza matches nothing and its " +
                    '"read", "update" neither grant nor deny. Write the API paths instead: "read", "update" on "payments/data/app/config".',
            },
        ]);
    });

    it("does not take a data/ path as proof of kv-v2: a kv (v1) mount may have a folder named data", async () => {
        assert.deepEqual(await check(types.policy, jsonPolicy({ "team/data/app/*": ["read"], "team/app/config": ["read", "update"] })), []);
    });

    it("rejects a wildcard right after a kv-v2 mount of the pack config: it grants on every endpoint at once", async () => {
        const config = { "vault-policy-kv-v2-paths": { kvV2Mounts: ["secret"] } };
        assert.deepEqual(messages(await check(types.policy, jsonPolicy({ "secret/*": ["read", "list"] }), { config })), [
            'path "secret/*" is on kv-v2 mount "secret" (listed in the policy pack config\'s kvV2Mounts) but names no API endpoint: ' +
                '"*" matches data/, metadata/, delete/, undelete/, destroy/, subkeys/, config/ alike, so "read", "list" apply on all of ' +
                "them, not just where meant (e.g. update also destroys versions through destroy/, delete also erases every version " +
                'through metadata/). Write the API paths instead: "read" on "secret/data/*", "list" on "secret/metadata/*".',
        ]);
        const plusAndDeny = await check(types.policy, jsonPolicy({ "secret/+/app/*": ["read"], "secret/app/*": ["deny"] }), { config });
        assert.deepEqual(messages(plusAndDeny), [
            'path "secret/+/app/*" is on kv-v2 mount "secret" (listed in the policy pack config\'s kvV2Mounts) but names no API ' +
                'endpoint: "+" matches data/, metadata/, delete/, undelete/, destroy/, subkeys/, config/ alike, so "read" apply on all ' +
                "of them, not just where meant (e.g. update also destroys versions through destroy/, delete also erases every version " +
                'through metadata/). Write the API paths instead: "read" on "secret/data/app/*".',
            'path "secret/app/*" is on kv-v2 mount "secret" (listed in the policy pack config\'s kvV2Mounts), where Vault checks only ' +
                'API paths (secret/data/..., secret/metadata/..., ...), so this stanza matches nothing and its "deny" neither grant nor ' +
                'deny. Write the API paths instead: "deny" on "secret/+/app/*" (every endpoint).',
        ]);
    });

    it("passes API paths on known kv-v2 mounts, deny on every endpoint, and the same paths on other mounts", async () => {
        const config = { "vault-policy-kv-v2-paths": { kvV2Mounts: ["secret", "/team/kv/"] } };
        const document = jsonPolicy({
            "secret/data/*": ["read"],
            "secret/metadata/*": ["list"],
            "secret/subkeys/app": ["read"],
            "secret/delete/app/*": ["update"],
            "secret/da*": ["read"],
            "secret/+/old/*": ["deny"],
            "secret/*": ["deny"],
            "team/kv/data/app": ["read", "create"],
            "team/other/*": ["read"],
            "my-app/*": ["read", "list"],
            secret: ["read"],
        });
        assert.deepEqual(await check(types.policy, document, { config }), []);
    });

    it("finds each problem once per stanza, on the longest known mount", () => {
        const mounts = new Map([
            ["team", "a"],
            ["team/kv", "b"],
        ]);
        assert.deepEqual(kvV2Findings({ path: "team/kv/data/x", capabilities: ["read"] }, mounts), []);
        assert.equal(kvV2Findings({ path: "team/kv/app*", capabilities: ["read"] }, mounts).length, 1);
        assert.match(
            kvV2Findings({ path: "team/kv/app*", capabilities: ["read"] }, mounts)[0],
            /mount "team\/kv" \(b\).*"team\/kv\/data\/app\*"/,
        );
        assert.deepEqual(kvV2Findings({ path: "team/kv/x", capabilities: [] }, mounts), []);
    });
});

describe("vault-policy-kv-v2-paths over the stack (kv-v2 Mounts it creates)", () => {
    const mount = (name: string, props: Record<string, unknown>): StackResource => ({ type: types.mount, name, props });
    const policy = (name: string, paths: Record<string, string[]>): StackResource => ({
        type: types.policy,
        name,
        props: jsonPolicy(paths),
    });

    it("rejects a `vault kv`-style path on a kv-v2 Mount of the stack, naming the Policy resource", async () => {
        const violations = await checkStack([
            mount("payments", { path: "payments", type: "kv-v2" }),
            mount("team", { path: "team", type: "kv", options: { version: "2" } }),
            policy("payments", { "payments/*": ["read", "list"] }),
            policy("team", { "team/app/*": ["read"], "team/data/app/*": ["read"] }),
        ]);
        assert.deepEqual(violations, [
            {
                policy: "vault-policy-kv-v2-paths",
                urn: urnOf(types.policy, "payments"),
                message:
                    'path "payments/*" is on kv-v2 mount "payments" (a kv-v2 Mount in this stack) but names no API endpoint: "*" matches ' +
                    'data/, metadata/, delete/, undelete/, destroy/, subkeys/, config/ alike, so "read", "list" apply on all of them, not ' +
                    "just where meant (e.g. update also destroys versions through destroy/, delete also erases every version through " +
                    'metadata/). Write the API paths instead: "read" on "payments/data/*", "list" on "payments/metadata/*".',
            },
            {
                policy: "vault-policy-kv-v2-paths",
                urn: urnOf(types.policy, "team"),
                message:
                    'path "team/app/*" is on kv-v2 mount "team" (a kv-v2 Mount in this stack), where Vault checks only API paths ' +
                    '(team/data/..., team/metadata/..., ...), so this stanza matches nothing and its "read" neither grant nor deny. ' +
                    'Write the API paths instead: "read" on "team/data/app/*".',
            },
        ]);
        // Without the stack's Mounts, the per-resource check has no reason to think "team" is kv-v2.
        assert.deepEqual(
            messages(await check(types.policy, policy("team", { "team/app/*": ["read"], "team/data/app/*": ["read"] }).props)),
            [],
        );
    });

    it("passes what ServiceAccess renders, kv (v1) mounts, and values unknown at preview", async () => {
        assert.deepEqual(
            await checkStack([
                mount("payments", { path: "payments", type: "kv", options: { version: "2" } }),
                mount("my-app", { path: "my-app", type: "kv", options: { version: "1" } }),
                mount("later", { path: unknownValue, type: "kv-v2" }),
                policy("payments", { "payments/data/*": ["read"], "payments/metadata/*": ["list"] }),
                policy("my-app", { "my-app/*": ["read", "list"] }),
                { type: types.policy, name: "unknown", props: { name: "unknown", policy: unknownValue } },
            ]),
            [],
        );
    });
});
