import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check } from "../../support/policyPackHarness";
import { jwtRole, jwtRoleType, messages, role, types } from "../../support/policyPackFixtures";

// policy/rules/tokenTtl.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

describe("vault-role-token-ttl", () => {
    it("passes TTLs within the defaults, up to the bounds themselves", async () => {
        assert.deepEqual(await check(types.role, role()), []);
        assert.deepEqual(await check(types.role, role({ tokenTtl: 86400, tokenMaxTtl: 604800 })), []);
    });

    it("rejects unset and zero TTLs", async () => {
        const { tokenTtl: _t, ...withoutTtl } = role();
        assert.deepEqual(await check(types.role, { ...withoutTtl, tokenMaxTtl: 0 }), [
            {
                policy: "vault-role-token-ttl",
                message:
                    "tokenTtl is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). " +
                    "Set tokenTtl to the shortest lifetime the service needs, at most 86400s.",
            },
            {
                policy: "vault-role-token-ttl",
                message:
                    "tokenMaxTtl is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). " +
                    "Set tokenMaxTtl to the shortest lifetime the service needs, at most 604800s.",
            },
        ]);
    });

    it("rejects TTLs above the default bounds", async () => {
        assert.deepEqual(messages(await check(types.role, role({ tokenTtl: 86401, tokenMaxTtl: 2592000 }))), [
            "tokenTtl is 86401s, above the allowed 86400s. Lower tokenTtl to at most 86400s, " +
                "or raise maxTokenTtlSeconds in the policy pack config if a longer lifetime is intended.",
            "tokenMaxTtl is 2592000s, above the allowed 604800s. Lower tokenMaxTtl to at most 604800s, " +
                "or raise maxTokenMaxTtlSeconds in the policy pack config if a longer lifetime is intended.",
        ]);
    });

    it("applies to jwt roles, but not to oidc roles (roleType unset or oidc), which take no service token", async () => {
        const { tokenTtl: _t, ...withoutTtl } = jwtRole();
        assert.deepEqual(messages(await check(jwtRoleType, withoutTtl)), [
            "tokenTtl is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). " +
                "Set tokenTtl to the shortest lifetime the service needs, at most 86400s.",
        ]);
        const { roleType: _r, ...oidc } = withoutTtl;
        assert.deepEqual(await check(jwtRoleType, oidc), []);
        assert.deepEqual(await check(jwtRoleType, { ...oidc, roleType: "oidc", boundAudiences: [] }), []);
    });

    it("takes its bounds from the policy pack config", async () => {
        const config = { "vault-role-token-ttl": { maxTokenTtlSeconds: 900, maxTokenMaxTtlSeconds: 3600 } };
        assert.deepEqual(await check(types.role, role({ tokenTtl: 900, tokenMaxTtl: 3600 }), { config }), []);
        assert.deepEqual(messages(await check(types.role, role({ tokenTtl: 3600, tokenMaxTtl: 3600 }), { config })), [
            "tokenTtl is 3600s, above the allowed 900s. Lower tokenTtl to at most 900s, " +
                "or raise maxTokenTtlSeconds in the policy pack config if a longer lifetime is intended.",
        ]);
    });
});
