import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, readServiceAccountIssuer, ServiceAccess, serviceAccessDefaults, TokenReviewer } from "../../components";
import { apiServerAccess, mergeKubeconfigs } from "../../stack/kubeconfig";

// Several clusters, one Vault: each cluster gets its own auth method (kubernetes-a, kubernetes-b),
// so a token is only ever checked against the cluster that issued it. Cluster A in the guide's way
// ("secret": a reviewer account whose JWT Vault presents to A's TokenReview API), cluster B in
// reviewerMode "jwt": Vault checks B's tokens against B's signing keys, read here from B's API
// server, and never reaches B itself. The service "billing" runs in both and shares one policy:
// ServiceAccess on cluster A creates it, cluster B's role refers to it. Vault comes from
// VAULT_ADDR/VAULT_TOKEN.

const config = new pulumi.Config();
const clusters = { a: config.require("clusterAKubeconfig"), b: config.require("clusterBKubeconfig") };
/** The audience cluster B's pods request their Vault token for (a projected token). */
export const audienceB = "vault";

const cluster = (name: keyof typeof clusters) => {
    const file = clusters[name];
    const kubeconfig = fs.readFileSync(file, "utf8");
    const access = apiServerAccess(mergeKubeconfigs([{ text: kubeconfig, dir: path.dirname(file), label: file }]), undefined, file);
    return { kubeconfig, access, provider: new k8s.Provider(`cluster-${name}`, { kubeconfig }) };
};
const a = cluster("a");
const b = cluster("b");

const reviewerA = new TokenReviewer("reviewer-a", {}, { providers: { kubernetes: a.provider } });
const backendA = new KubernetesAuthBackend("kubernetes-a", {
    path: "kubernetes-a",
    kubernetesHost: a.access.host,
    kubernetesCaCert: a.access.caCert,
    tokenReviewerJwt: reviewerA.reviewerJwt,
});
// Read on every `up`: a signing key B adds reaches Vault with the next one.
const issuerB = pulumi.output(readServiceAccountIssuer(b.access));
const backendB = new KubernetesAuthBackend("kubernetes-b", {
    reviewerMode: "jwt",
    path: "kubernetes-b",
    pemKeys: issuerB.keys,
    issuer: issuerB.issuer,
});

// Cluster A: the service's namespace, account, kv-v2 mount, the shared policy and A's role.
const billing = new ServiceAccess(
    "billing",
    {
        namespace: "billing",
        createNamespace: true,
        mount: { path: "billing", type: "kv-v2" },
        rules: [{ path: "billing/*", capabilities: ["read", "list"] }],
        authPath: backendA.path,
        roleName: "billing",
    },
    { providers: { kubernetes: a.provider } },
);

// Cluster B: the same account there, and a jwt role on B's mount bound to exactly that account and
// audience, with the same policy.
const namespaceB = new k8s.core.v1.Namespace("billing-b", { metadata: { name: "billing" } }, { provider: b.provider });
const accountB = new k8s.core.v1.ServiceAccount(
    "billing-b",
    { metadata: { name: "billing", namespace: namespaceB.metadata.name } },
    { provider: b.provider },
);
new vault.jwt.AuthBackendRole("billing-b", {
    backend: backendB.path,
    roleName: "billing",
    roleType: "jwt",
    userClaim: "sub",
    boundAudiences: [audienceB],
    boundSubject: pulumi.interpolate`system:serviceaccount:${namespaceB.metadata.name}:${accountB.metadata.name}`,
    tokenPolicies: [billing.policyName],
    tokenTtl: serviceAccessDefaults.tokenTtl,
    // Vault cannot see B delete an account: keep what a token grants short (policy pack: vault-jwt-role-scope).
    tokenMaxTtl: serviceAccessDefaults.tokenTtl,
});

export const authPaths = { a: backendA.path, b: backendB.path };
export const policy = billing.policyName;
