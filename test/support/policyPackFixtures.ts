import { Violation } from "./policyPackHarness";

/**
 * Resources for the policy pack's unit tests (test/unit/policy/), shared by the tests of several rules:
 * the types the pack checks, a kubernetes and a jwt role as ServiceAccess renders them, Vault policy
 * documents, and short views of the violations `check` returns.
 */

export const types = {
    role: "vault:kubernetes/authBackendRole:AuthBackendRole",
    config: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    policy: "vault:index/policy:Policy",
    binding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    mount: "vault:index/mount:Mount",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
};

// Not in `types`: the dev stack (secret mode) registers no jwt role.
export const jwtRoleType = "vault:jwt/authBackendRole:AuthBackendRole";

export const messages = (violations: Violation[]) => violations.map((v) => v.message);
export const policyNames = (violations: Violation[]) => violations.map((v) => v.policy);

export const role = (over: Record<string, unknown> = {}) => ({
    backend: "kubernetes",
    roleName: "my-app",
    boundServiceAccountNames: ["my-app"],
    boundServiceAccountNamespaces: ["my-app"],
    tokenPolicies: ["my-app"],
    tokenTtl: 3600,
    tokenMaxTtl: 86400,
    ...over,
});

// A jwt role as ServiceAccess renders it in reviewerMode "jwt".
export const jwtRole = (over: Record<string, unknown> = {}) => ({
    backend: "kubernetes",
    roleName: "my-app",
    roleType: "jwt",
    userClaim: "sub",
    boundAudiences: ["vault"],
    boundClaims: { "/kubernetes.io/namespace": "my-app", "/kubernetes.io/serviceaccount/name": "my-app" },
    boundClaimsType: "string",
    boundSubject: "system:serviceaccount:my-app:my-app",
    tokenPolicies: ["my-app"],
    tokenTtl: 600,
    tokenMaxTtl: 3600,
    ...over,
});

export const vaultPolicy = (document: string) => ({ name: "my-app", policy: document });
export const jsonPolicy = (paths: Record<string, string[]>) =>
    vaultPolicy(JSON.stringify({ path: Object.fromEntries(Object.entries(paths).map(([p, c]) => [p, { capabilities: c }])) }, null, 2));
