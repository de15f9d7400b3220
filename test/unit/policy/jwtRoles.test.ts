import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { check } from "../../support/policyPackHarness";
import { jwtRole, jwtRoleType, policyNames, role, types } from "../../support/policyPackFixtures";

// policy/rules/jwtRoles.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

describe("vault-jwt-role-scope", () => {
    it("passes the role ServiceAccess renders, and one bound by both claims or by sub alone", async () => {
        assert.deepEqual(await check(jwtRoleType, jwtRole()), []);
        const twoAccounts = { "/kubernetes.io/namespace": "my-app", "/kubernetes.io/serviceaccount/name": "my-app,my-app-worker" };
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundSubject: undefined, boundClaims: twoAccounts })), []);
        const bySub = { sub: "system:serviceaccount:my-app:my-app" };
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundSubject: undefined, boundClaims: bySub })), []);
    });

    it("rejects a missing or empty boundAudiences", async () => {
        const { boundAudiences: _a, ...withoutAudiences } = jwtRole();
        const expected = [
            {
                policy: "vault-jwt-role-scope",
                message:
                    "boundAudiences is empty. Every projected Kubernetes token carries an audience, and Vault refuses such a token when the " +
                    "role binds none, so this role admits only tokens without one: legacy token Secrets, which never expire. Set " +
                    'boundAudiences to the audience the service\'s projected token is issued for (ServiceAccess: audience, e.g. "vault"), ' +
                    "never the API server's.",
            },
        ];
        assert.deepEqual(await check(jwtRoleType, withoutAudiences), expected);
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundAudiences: [] })), expected);
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundAudiences: [""] })), expected);
    });

    it("rejects a role bound to no ServiceAccount", async () => {
        const { boundSubject: _s, boundClaims: _c, ...unbound } = jwtRole();
        assert.deepEqual(await check(jwtRoleType, unbound), [
            {
                policy: "vault-jwt-role-scope",
                message:
                    'boundSubject is not set and boundClaims does not bind "/kubernetes.io/namespace", "/kubernetes.io/serviceaccount/name", ' +
                    "so the token of any ServiceAccount in any namespace could log in with a token for the bound audience and receive this " +
                    'role\'s policies. Bind the service\'s account: boundClaims "/kubernetes.io/namespace", "/kubernetes.io/serviceaccount/name" ' +
                    '(as ServiceAccess does), or boundSubject "system:serviceaccount:<namespace>:<name>".',
            },
        ]);
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundSubject: "", boundClaims: {} })), await check(jwtRoleType, unbound));
    });

    it("rejects a role bound by namespace alone or by name alone", async () => {
        const byNamespace = await check(
            jwtRoleType,
            jwtRole({ boundSubject: undefined, boundClaims: { "/kubernetes.io/namespace": "my-app" } }),
        );
        assert.deepEqual(policyNames(byNamespace), ["vault-jwt-role-scope"]);
        assert.match(
            byNamespace[0].message,
            /^boundSubject is not set and boundClaims does not bind "\/kubernetes.io\/serviceaccount\/name", so any ServiceAccount in the bound namespaces \(including "default"\) could log in/,
        );
        const byName = await check(
            jwtRoleType,
            jwtRole({ boundSubject: undefined, boundClaims: { "/kubernetes.io/serviceaccount/name": "my-app" } }),
        );
        assert.deepEqual(policyNames(byName), ["vault-jwt-role-scope"]);
        assert.match(
            byName[0].message,
            /^boundSubject is not set and boundClaims does not bind "\/kubernetes.io\/namespace", so a ServiceAccount of the bound name in any namespace \(including namespaces created later\) could log in/,
        );
    });

    it("rejects a tokenMaxTtl above the jwt-mode bound, which the policy pack config can raise", async () => {
        assert.deepEqual(await check(jwtRoleType, jwtRole({ tokenMaxTtl: 86400 })), [
            {
                policy: "vault-jwt-role-scope",
                message:
                    "tokenMaxTtl is 86400s, above the 3600s allowed for jwt roles. With the jwt method Vault cannot learn that a pod or " +
                    "ServiceAccount was deleted: its Kubernetes token keeps logging in until it expires, and each Vault token issued meanwhile " +
                    "lasts up to tokenMaxTtl, so access can outlive the account by both. Lower tokenMaxTtl to at most 3600s (and keep the " +
                    "pods' projected-token expirationSeconds short), or raise maxJwtModeTokenMaxTtlSeconds in the policy pack config if a " +
                    "longer revocation gap is intended.",
            },
        ]);
        const config = { "vault-jwt-role-scope": { maxJwtModeTokenMaxTtlSeconds: 86400 } };
        assert.deepEqual(await check(jwtRoleType, jwtRole({ tokenMaxTtl: 86400 }), { config }), []);
        // A kubernetes role may keep the general bound; unset is vault-role-token-ttl's finding alone.
        assert.deepEqual(await check(types.role, role({ tokenMaxTtl: 86400 })), []);
        assert.deepEqual(policyNames(await check(jwtRoleType, jwtRole({ tokenMaxTtl: 0 }))), ["vault-role-token-ttl"]);
    });

    it("counts a subject unknown at preview as bound, and leaves oidc roles alone", async () => {
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundSubject: unknownValue, boundClaims: {} })), []);
        assert.deepEqual(await check(jwtRoleType, jwtRole({ roleType: unknownValue })), []);
        const { roleType: _r, boundAudiences: _a, boundClaims: _c, boundSubject: _s, ...oidc } = jwtRole({ tokenMaxTtl: 86400 });
        assert.deepEqual(await check(jwtRoleType, oidc), []);
        assert.deepEqual(await check(jwtRoleType, { ...oidc, roleType: "oidc" }), []);
    });
});
