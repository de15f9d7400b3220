import assert from "node:assert/strict";
import { generateKeyPairSync } from "crypto";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, validateKubernetesAuthBackendArgs } from "../../../components/kubernetesAuthBackend";
import { ServiceAccess } from "../../../components/serviceAccess";
import { TokenReviewRole } from "../../../components/tokenReviewRole";
import { parseStackConfig } from "../../../stack/config";
import { find, installMocks, promiseOf, Registered, secretInput, settle, testCa } from "../../support/mocks";
import { rejects, svc } from "../../support/stackConfigCases";

// The graph each reviewer mode registers (under mocks), and the inputs each refuses before anything is registered.
const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();

describe("reviewer modes: config", () => {
    it("defaults to the guide's mode, and names the modes when given another", () => {
        assert.equal(parseStackConfig({}).reviewerMode, "secret");
        rejects({ reviewerMode: "token" }, /reviewerMode: "token" is not a reviewer mode; use one of secret, client-jwt, jwt/);
    });

    it("client-jwt refuses an audience the API server would not take as a bearer, and globs RBAC cannot bind", () => {
        rejects(
            { reviewerMode: "client-jwt", services: [svc("a", { audience: "vault" })] },
            /services\[0\] \(a\)\.audience: "vault" cannot work with reviewerMode "client-jwt": Vault presents the service's own token to the TokenReview API/,
        );
        rejects(
            { reviewerMode: "client-jwt", services: [svc("a", { boundServiceAccountNames: ["a-*"], allowWildcards: true })] },
            /services\[0\] \(a\)\.boundServiceAccountNames: reviewerMode "client-jwt" binds each account .* RBAC cannot bind a glob/,
        );
        assert.equal(parseStackConfig({ reviewerMode: "client-jwt", services: [svc("a")] }).services.length, 1);
    });

    it("jwt requires an audience per service and refuses the kubernetes-only aliasNameSource", () => {
        rejects(
            { reviewerMode: "jwt", services: [svc("a")] },
            /services\[0\] \(a\)\.audience: is missing; reviewerMode "jwt" checks only the token's signature/,
        );
        rejects(
            { reviewerMode: "jwt", services: [svc("a", { audience: "vault", aliasNameSource: "serviceaccount_name" })] },
            /services\[0\] \(a\)\.aliasNameSource: applies to the kubernetes auth method only/,
        );
    });

    it("KubernetesAuthBackend asks for the reviewer JWT in secret mode only, and for keys and issuer in jwt mode", () => {
        const cluster = { kubernetesHost: "https://10.0.0.1:6443", kubernetesCaCert: testCa };
        assert.match(validateKubernetesAuthBackendArgs(cluster).join("\n"), /tokenReviewerJwt: is missing/);
        assert.match(
            validateKubernetesAuthBackendArgs({ ...cluster, reviewerMode: "client-jwt", tokenReviewerJwt: "x" }).join("\n"),
            /tokenReviewerJwt: not used with reviewerMode "client-jwt", which keeps no reviewer credential in Vault; remove it/,
        );
        assert.deepEqual(validateKubernetesAuthBackendArgs({ ...cluster, reviewerMode: "client-jwt" }), []);
        const jwt = validateKubernetesAuthBackendArgs({ reviewerMode: "jwt", pemKeys: [] }).join("\n");
        assert.match(jwt, /pemKeys: is missing; reviewerMode "jwt" checks token signatures against these keys alone/);
        assert.match(jwt, /issuer: is missing; reviewerMode "jwt" needs the cluster's service-account issuer/);
        assert.deepEqual(validateKubernetesAuthBackendArgs({ reviewerMode: "jwt", pemKeys: [publicKey], issuer: "https://issuer" }), []);
    });
});

describe("reviewer modes: the graph", () => {
    let registered: Registered[];
    const ofType = (t: string) => registered.filter((r) => r.type === t);

    before(async () => {
        registered = await installMocks();
        const providers = { kubernetes: new k8s.Provider("cluster", {}), vault: new vault.Provider("vault", {}) };
        const role = new TokenReviewRole("token-review", {}, { providers });
        const common = { namespace: "a", rules: [{ path: "a/*", capabilities: ["read" as const] }], mount: { path: "a" } };
        new ServiceAccess("a", { ...common, reviewerMode: "client-jwt", tokenReviewClusterRole: role.clusterRoleName }, { providers });
        const jwtBackend = new KubernetesAuthBackend(
            "jwt",
            { reviewerMode: "jwt", path: "k8s-jwt", pemKeys: [publicKey], issuer: "https://issuer" },
            { providers },
        );
        new ServiceAccess(
            "b",
            {
                ...common,
                namespace: "b",
                mount: { path: "b" },
                rules: [{ path: "b/*", capabilities: ["read"] }],
                authPath: jwtBackend.path,
                reviewerMode: "jwt",
                audience: "vault",
            },
            { providers },
        );
        await promiseOf(jwtBackend.path);
        await settle();
    });

    it("client-jwt: a ClusterRole allowing exactly create on tokenreviews, and each service's account bound to it", () => {
        const clusterRole = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        assert.deepEqual(clusterRole.inputs.rules, [
            { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
        ]);
        const binding = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "a-token-review");
        assert.equal(binding.inputs.roleRef.name, "vault-token-review");
        assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "a", namespace: "a" }]);
        assert.equal(find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", "a-role").inputs.audience, undefined);
    });

    it("jwt: the jwt method at the path, configured with the keys and issuer, and a role bound to exactly the account and audience", () => {
        const mount = find(registered, "vault:index/authBackend:AuthBackend", "jwt-auth");
        assert.deepEqual([mount.inputs.type, mount.inputs.path], ["jwt", "k8s-jwt"]);
        const config = find(registered, "vault:generic/endpoint:Endpoint", "jwt-jwt-config");
        assert.equal(config.inputs.path, "auth/k8s-jwt/config");
        assert.deepEqual(JSON.parse(secretInput(config.inputs.dataJson) as string), {
            jwt_validation_pubkeys: [publicKey],
            bound_issuer: "https://issuer",
            jwt_supported_algs: ["RS256", "ES256"],
        });
        assert.equal(ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig").length, 0);
        const role = find(registered, "vault:jwt/authBackendRole:AuthBackendRole", "b-role");
        assert.deepEqual(
            [role.inputs.backend, role.inputs.roleType, role.inputs.userClaim, role.inputs.boundAudiences, role.inputs.boundSubject],
            ["k8s-jwt", "jwt", "sub", ["vault"], "system:serviceaccount:b:b"],
        );
        assert.deepEqual(role.inputs.boundClaims, { "/kubernetes.io/namespace": "b", "/kubernetes.io/serviceaccount/name": "b" });
    });
});
