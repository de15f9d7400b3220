import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { asJson, setField, slots } from "../../support/jsonMutation";
import { check, checkStack } from "../../support/policyPackHarness";

// The policy pack on generated bad input: resources of every type it checks, their props mutated
// at random (wrong types, missing and extra fields, junk policies in JSON and HCL, path tricks).
// Another team's program can send anything: every policy must answer with violations or none,
// each a sentence that says what is wrong, never an exception.

/** A well-formed resource of each type the pack reads. */
const bases: Record<string, Record<string, unknown>> = {
    "vault:kubernetes/authBackendRole:AuthBackendRole": {
        backend: "kubernetes",
        roleName: "a",
        boundServiceAccountNames: ["a"],
        boundServiceAccountNamespaces: ["a"],
        tokenPolicies: ["a"],
        tokenTtl: 3600,
        tokenMaxTtl: 7200,
    },
    "vault:jwt/authBackendRole:AuthBackendRole": {
        backend: "kubernetes",
        roleName: "a",
        roleType: "jwt",
        userClaim: "sub",
        boundAudiences: ["vault"],
        boundClaims: { "/kubernetes.io/namespace": "a", "/kubernetes.io/serviceaccount/name": "a" },
        tokenTtl: 600,
        tokenMaxTtl: 3600,
    },
    "vault:kubernetes/authBackendConfig:AuthBackendConfig": {
        backend: "kubernetes",
        kubernetesHost: "https://10.0.0.1:6443",
        kubernetesCaCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        tokenReviewerJwtWo: "x",
    },
    "vault:index/policy:Policy": { name: "a", policy: JSON.stringify({ path: { "secret/data/a/*": { capabilities: ["read"] } } }) },
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": {
        metadata: { name: "vault-token-reviewer:vault-auth:vault-auth" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [{ kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" }],
    },
    "kubernetes:core/v1:ServiceAccount": {
        metadata: { name: "vault-auth", namespace: "vault-auth", labels: { "app.kubernetes.io/component": "vault-token-reviewer" } },
    },
    "vault:index/mount:Mount": { path: "secret", type: "kv", options: { version: "2" } },
};

const junk = fc.oneof(
    fc.anything({ maxDepth: 2 }).map(asJson),
    fc.constantFrom(
        "",
        "*",
        "sys/*",
        "a//b",
        "../x",
        "+/+",
        "\u0000",
        'path "x" { capabilities = ["sudo"] }',
        "{",
        '{"path": 3}',
        "-1",
        1e12,
    ),
);

const resourceArb = fc
    .tuple(fc.constantFrom(...Object.keys(bases)), fc.array(fc.tuple(fc.nat(), fc.option(junk)), { minLength: 1, maxLength: 3 }))
    .map(([type, edits]) => {
        const props = structuredClone(bases[type]);
        for (const [at, value] of edits) {
            const all = slots(props);
            if (all.length === 0) break;
            const [container, key] = all[at % all.length];
            if (value === null && Array.isArray(container)) container.splice(Number(key), 1);
            else if (value === null) delete (container as Record<string, unknown>)[key];
            else setField(container, key, value);
        }
        return { type, props };
    });

describe("the policy pack on generated bad input", () => {
    // A failure prints its seed and the shrunk resource; VAULT_K8S_AUTH_INPUT_SEED=<seed> replays it.
    const seed = Number(process.env.VAULT_K8S_AUTH_INPUT_SEED ?? Date.now() % 2 ** 31);
    it(`answers every mutated resource with violations or none, never an exception (seed ${seed})`, async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(resourceArb, { minLength: 1, maxLength: 4 }), async (resources) => {
                for (const r of resources) {
                    for (const v of await check(r.type, r.props))
                        assert.doesNotMatch(v.message, /undefined|\[object Object\]|NaN/, v.message);
                }
                const stack = await checkStack(resources.map((r, i) => ({ ...r, name: `r${i}` })));
                for (const v of stack) assert.doesNotMatch(v.message, /undefined|\[object Object\]|NaN/, v.message);
            }),
            { numRuns: Number(process.env.VAULT_K8S_AUTH_INPUT_RUNS ?? 500), seed, includeErrorInReport: true },
        );
    });

    // Found by the generator (issue 21): each threw before, kept as fixed examples.
    it("reads boundClaims that is no object, null subjects and a roleRef kind that is no string", async () => {
        const jwt = { ...bases["vault:jwt/authBackendRole:AuthBackendRole"], boundClaims: "" };
        assert.match(
            (await check("vault:jwt/authBackendRole:AuthBackendRole", jwt)).map((v) => v.message).join("\n"),
            /boundSubject is not set/,
        );
        const binding = bases["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"];
        for (const props of [
            { ...binding, subjects: [null] },
            { ...binding, roleRef: { kind: {}, name: "system:auth-delegator" }, metadata: { name: {} } },
        ]) {
            const messages = (await check("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", props)).map((v) => v.message);
            for (const m of messages) assert.doesNotMatch(m, /\[object Object\]/, m);
        }
    });
});
