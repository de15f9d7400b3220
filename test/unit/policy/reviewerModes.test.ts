import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { before, describe, it } from "node:test";
import { PolicyResourceOptions, ResourceValidationArgs, unknownCheckingProxy } from "@pulumi/policy";
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend } from "../../../components/kubernetesAuthBackend";
import { ReviewerMode } from "../../../components/reviewerMode";
import { ServiceAccess } from "../../../components/serviceAccess";
import { TokenReviewRole } from "../../../components/tokenReviewRole";
import { policies } from "../../../policy/policies";
import { installMocks, promiseOf, Registered, settle, testCa, testJwt, unwrapSecrets } from "../../support/mocks";

// What the components register in each reviewer mode, run through every policy of the pack (the
// rules themselves are tested case by case in the other files of this folder, one per policy/rules/ file).

const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const cluster = { kubernetesHost: "https://10.0.0.1:6443", kubernetesCaCert: testCa };

/** Every policy's findings on one registered resource, as "policy: message" (secret inputs unwrapped, as the engine hands them). */
async function findings(r: Registered): Promise<string[]> {
    const found: string[] = [];
    const opts: PolicyResourceOptions = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    for (const policy of policies) {
        if (!("validateResource" in policy) || policy.validateResource === undefined) continue;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const validate of validations) {
            const args: ResourceValidationArgs = {
                type: r.type,
                props: unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>),
                urn: `urn:pulumi:dev::vault-k8s-auth::${r.type}::${r.name}`,
                name: r.name,
                opts,
                stackTags: new Map(),
                isType: () => false,
                asType: () => undefined,
                getConfig: <T extends object>() => ({}) as T,
                notApplicable: (reason?: string) => {
                    throw new Error(`notApplicable: ${reason}`);
                },
            };
            await validate(args, (message) => found.push(`${policy.name}: ${message}`));
        }
    }
    return found;
}

describe("the policy pack over each reviewer mode's resources", () => {
    let registered: Registered[];
    const byType = (type: string) => registered.filter((r) => r.custom && r.type === type);

    before(async () => {
        registered = await installMocks();
        const providers = { kubernetes: new k8s.Provider("cluster", {}), vault: new vault.Provider("vault", {}) };
        const service = (name: string) => ({
            namespace: name,
            mount: { path: name },
            rules: [{ path: `${name}/*`, capabilities: ["read" as const] }],
            tokenTtl: 600,
            tokenMaxTtl: 3600,
        });

        const secret = new KubernetesAuthBackend("secret", { ...cluster, path: "k8s-secret", tokenReviewerJwt: testJwt }, { providers });
        new ServiceAccess("a", { ...service("a"), authPath: secret.path }, { providers });

        const clientJwt = new KubernetesAuthBackend(
            "client",
            { ...cluster, path: "k8s-client", reviewerMode: ReviewerMode.ClientJwt },
            { providers },
        );
        const tokenReview = new TokenReviewRole("token-review", {}, { providers });
        const clientArgs = {
            authPath: clientJwt.path,
            reviewerMode: ReviewerMode.ClientJwt,
            tokenReviewClusterRole: tokenReview.clusterRoleName,
        };
        new ServiceAccess("b", { ...service("b"), ...clientArgs }, { providers });

        const jwt = new KubernetesAuthBackend(
            "jwt",
            { reviewerMode: ReviewerMode.Jwt, path: "k8s-jwt", pemKeys: [publicKey], issuer: "https://issuer" },
            { providers },
        );
        const jwtArgs = { authPath: jwt.path, reviewerMode: ReviewerMode.Jwt, audience: "vault" };
        new ServiceAccess("c", { ...service("c"), ...jwtArgs }, { providers });
        // Two accounts: no boundSubject, the claims alone bind them.
        new ServiceAccess("d", { ...service("d"), ...jwtArgs, boundServiceAccountNames: ["d", "d-worker"] }, { providers });
        new ServiceAccess("e", { ...service("e"), ...jwtArgs, tokenMaxTtl: 86400 }, { providers });
        await Promise.all([secret.path, clientJwt.path, jwt.path].map(promiseOf));
        await settle();
    });

    it("registers an auth config per TokenReview mode (client-jwt without a reviewer JWT), and jwt roles in jwt mode", () => {
        const configs = byType("vault:kubernetes/authBackendConfig:AuthBackendConfig");
        assert.deepEqual(configs.map((c) => [c.name, "tokenReviewerJwtWo" in c.inputs, "tokenReviewerJwt" in c.inputs]).sort(), [
            ["client-config", false, false],
            ["secret-config", true, false],
        ]);
        assert.deepEqual(
            byType("vault:jwt/authBackendRole:AuthBackendRole")
                .map((r) => r.name)
                .sort(),
            ["c-role", "d-role", "e-role"],
        );
    });

    it("finds nothing in secret, client-jwt and jwt mode with a tokenMaxTtl within the jwt-mode bound", async () => {
        for (const r of registered.filter((x) => x.custom && x.name !== "e-role")) {
            assert.deepEqual(await findings(r), [], `${r.type} ${r.name}`);
        }
    });

    it("rejects a jwt-mode role whose tokenMaxTtl widens the revocation gap beyond the bound", async () => {
        const found = await findings(byType("vault:jwt/authBackendRole:AuthBackendRole").find((r) => r.name === "e-role")!);
        assert.equal(found.length, 1);
        assert.match(found[0], /^vault-jwt-role-scope: tokenMaxTtl is 86400s, above the 3600s allowed for jwt roles\./);
    });
});
