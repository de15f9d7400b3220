import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check } from "../../support/policyPackHarness";
import { jwtRole, jwtRoleType, messages, policyNames, role, types } from "../../support/policyPackFixtures";

// policy/rules/roleBindings.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

describe("vault-role-bound-service-accounts", () => {
    it("passes a role bound to one named ServiceAccount in one namespace", async () => {
        assert.deepEqual(await check(types.role, role()), []);
    });

    it("rejects a wildcard ServiceAccount name", async () => {
        assert.deepEqual(await check(types.role, role({ boundServiceAccountNames: ["*"] })), [
            {
                policy: "vault-role-bound-service-accounts",
                message:
                    'boundServiceAccountNames contains "*": any matching ServiceAccount in the bound namespaces could log in and receive ' +
                    "this role's policies. List the service's own ServiceAccount name(s) instead.",
            },
        ]);
    });

    it("rejects a wildcard or glob namespace", async () => {
        assert.deepEqual(messages(await check(types.role, role({ boundServiceAccountNamespaces: ["my-app", "team-*"] }))), [
            'boundServiceAccountNamespaces contains "team-*": a ServiceAccount with a bound name in any matching namespace ' +
                "(including namespaces created later) could log in. List the service's namespace(s) instead.",
        ]);
    });

    it("rejects the default ServiceAccount", async () => {
        assert.deepEqual(messages(await check(types.role, role({ boundServiceAccountNames: ["my-app", "default"] }))), [
            'boundServiceAccountNames includes "default": every pod in the bound namespaces that sets no serviceAccountName runs as ' +
                '"default" and would receive this role\'s policies. Create a dedicated ServiceAccount for the service and bind that.',
        ]);
    });

    it("reports every problem of one role", async () => {
        const violations = await check(
            types.role,
            role({ boundServiceAccountNames: ["default", "app-*"], boundServiceAccountNamespaces: ["*"] }),
        );
        assert.deepEqual(policyNames(violations), Array(3).fill("vault-role-bound-service-accounts"));
        assert.match(violations[0].message, /^boundServiceAccountNames contains "app-\*"/);
        assert.match(violations[1].message, /^boundServiceAccountNamespaces contains "\*"/);
        assert.match(violations[2].message, /^boundServiceAccountNames includes "default"/);
    });

    it("checks a jwt role's claims: wildcards under boundClaimsType glob, and the default account", async () => {
        const claims = { "/kubernetes.io/namespace": "my-app,team-*", "/kubernetes.io/serviceaccount/name": "*, default" };
        const violations = await check(jwtRoleType, jwtRole({ boundClaims: claims, boundClaimsType: "glob", boundSubject: undefined }));
        assert.deepEqual(messages(violations), [
            'boundClaims "/kubernetes.io/serviceaccount/name" (boundClaimsType "glob") contains "*": any matching ServiceAccount in the ' +
                "bound namespaces could log in and receive this role's policies. List the service's own ServiceAccount name(s) instead.",
            'boundClaims "/kubernetes.io/namespace" (boundClaimsType "glob") contains "team-*": a ServiceAccount with a bound name in any ' +
                "matching namespace (including namespaces created later) could log in. List the service's namespace(s) instead.",
            'boundClaims "/kubernetes.io/serviceaccount/name" includes "default": every pod in the bound namespaces that sets no ' +
                'serviceAccountName runs as "default" and would receive this role\'s policies. Create a dedicated ServiceAccount for the ' +
                "service and bind that.",
        ]);
        // With boundClaimsType "string" (the default), "*" is matched literally.
        assert.deepEqual(await check(jwtRoleType, jwtRole({ boundClaims: { ...claims, "/kubernetes.io/serviceaccount/name": "*" } })), []);
    });

    it("rejects a jwt role bound to a default account by its subject", async () => {
        const violations = await check(
            jwtRoleType,
            jwtRole({ boundSubject: "system:serviceaccount:my-app:default", boundClaims: { sub: "system:serviceaccount:ops:default" } }),
        );
        assert.deepEqual(messages(violations), [
            'boundSubject is "system:serviceaccount:my-app:default": every pod in namespace "my-app" that sets no serviceAccountName ' +
                'runs as "default" and would receive this role\'s policies. Create a dedicated ServiceAccount for the service and bind that.',
            'boundClaims "sub" is "system:serviceaccount:ops:default": every pod in namespace "ops" that sets no serviceAccountName ' +
                'runs as "default" and would receive this role\'s policies. Create a dedicated ServiceAccount for the service and bind that.',
        ]);
    });
});
