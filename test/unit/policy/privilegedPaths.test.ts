import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { privilegedReach } from "../../../policy/rules/privilegedPaths";
import { check } from "../../support/policyPackHarness";
import { jsonPolicy, messages, policyNames, types, vaultPolicy } from "../../support/policyPackFixtures";

// policy/rules/privilegedPaths.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

describe("vault-policy-no-privileged-paths", () => {
    it("passes a service's own paths, and deny on Vault's own APIs", async () => {
        const document = jsonPolicy({ "secret/data/my-app/*": ["read"], "secret/metadata/my-app/*": ["list"], "sys/*": ["deny"] });
        assert.deepEqual(await check(types.policy, document), []);
    });

    it("rejects sudo anywhere", async () => {
        assert.deepEqual(await check(types.policy, jsonPolicy({ "my-app/*": ["read", "sudo"] })), [
            {
                policy: "vault-policy-no-privileged-paths",
                message: `path "my-app/*" grants "sudo", which unlocks Vault's root-protected endpoints. Remove "sudo"; a service's policy never needs it.`,
            },
        ]);
    });

    it("rejects grants on sys/, auth/ and identity/", async () => {
        const violations = await check(
            types.policy,
            jsonPolicy({ "auth/token/create": ["create", "update"], identity: ["read"], "sys/policies/acl/*": ["list"] }),
        );
        assert.deepEqual(messages(violations), [
            `path "auth/token/create" grants "create", "update", and it is on Vault's own auth/ API: a token with this policy could act on ` +
                `Vault's auth methods, policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, ` +
                `or set its capabilities to ["deny"].`,
            `path "identity" grants "read", and it is on Vault's own identity/ API: a token with this policy could act on ` +
                `Vault's auth methods, policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, ` +
                `or set its capabilities to ["deny"].`,
            `path "sys/policies/acl/*" grants "list", and it is on Vault's own sys/ API: a token with this policy could act on ` +
                `Vault's auth methods, policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, ` +
                `or set its capabilities to ["deny"].`,
        ]);
    });

    it("rejects wildcard-only paths and globs that reach Vault's own APIs", async () => {
        const violations = await check(types.policy, jsonPolicy({ "*": ["read"], "+/*": ["list"], "a*": ["read"], "app*": ["read"] }));
        assert.deepEqual(policyNames(violations), Array(3).fill("vault-policy-no-privileged-paths"));
        assert.match(violations[0].message, /^path "\*" grants "read", and it is only wildcards, so it matches every path/);
        assert.match(violations[1].message, /^path "\+\/\*" grants "list", and it is only wildcards/);
        assert.match(violations[2].message, /^path "a\*" grants "read", and its glob also matches auth\/:/);
    });

    it("reads HCL policies, skipping commented-out stanzas", async () => {
        const hcl = [
            "# The service's own secrets.",
            'path "my-app/*" {',
            '  capabilities = ["read", "list"]',
            "}",
            '# path "sys/*" { capabilities = ["sudo"] }',
            'path "sys/mounts/*" {',
            '  capabilities = ["create", "update"] // mounts its own engines',
            "}",
        ].join("\n");
        assert.deepEqual(messages(await check(types.policy, vaultPolicy(hcl))), [
            `path "sys/mounts/*" grants "create", "update", and it is on Vault's own sys/ API: a token with this policy could act on ` +
                `Vault's auth methods, policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, ` +
                `or set its capabilities to ["deny"].`,
        ]);
        assert.deepEqual(await check(types.policy, vaultPolicy('path "my-app/*" {\n  capabilities = ["read"]\n}\n')), []);
    });

    it("classifies paths by what they can reach", () => {
        assert.deepEqual(
            [
                "sys",
                "sys/",
                "/sys/mounts",
                "auth/kubernetes/login",
                "identity/entity/*",
                "*",
                "+",
                "+/+/*",
                "s*",
                "id*",
                "my-app/*",
                "+/data/*",
                "system/x",
            ].map((p) => [p, privilegedReach(p) !== undefined]),
            [
                ["sys", true],
                ["sys/", true],
                ["/sys/mounts", true],
                ["auth/kubernetes/login", true],
                ["identity/entity/*", true],
                ["*", true],
                ["+", true],
                ["+/+/*", true],
                ["s*", true],
                ["id*", true],
                ["my-app/*", false],
                ["+/data/*", false],
                ["system/x", false],
            ],
        );
    });
});
