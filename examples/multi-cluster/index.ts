import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, ServiceAccess, serviceAccessDefaults, TokenReviewer } from "../../components";
import { endpointFromKubeconfig, mergeKubeconfigs } from "../../stack/kubeconfig";

// Several clusters, one Vault: each cluster gets its own reviewer and its own kubernetes auth
// method (kubernetes-a, kubernetes-b), so a token is only ever checked against the cluster that
// issued it. The service "billing" runs in both and shares one policy: ServiceAccess on cluster A
// creates it, cluster B's role refers to it. Vault comes from VAULT_ADDR/VAULT_TOKEN.

const config = new pulumi.Config();
const clusters = { a: config.require("clusterAKubeconfig"), b: config.require("clusterBKubeconfig") };

const auth = Object.fromEntries(
    Object.entries(clusters).map(([name, file]) => {
        const kubeconfig = fs.readFileSync(file, "utf8");
        const endpoint = endpointFromKubeconfig(
            mergeKubeconfigs([{ text: kubeconfig, dir: path.dirname(file), label: file }]),
            undefined,
            file,
        );
        const provider = new k8s.Provider(`cluster-${name}`, { kubeconfig });
        const reviewer = new TokenReviewer(`reviewer-${name}`, {}, { providers: { kubernetes: provider } });
        const backend = new KubernetesAuthBackend(`kubernetes-${name}`, {
            path: `kubernetes-${name}`,
            kubernetesHost: endpoint.host,
            kubernetesCaCert: endpoint.caCert,
            tokenReviewerJwt: reviewer.reviewerJwt,
        });
        return [name, { provider, backend }];
    }),
);

// Cluster A: the service's namespace, account, kv-v2 mount, the shared policy and A's role.
const billing = new ServiceAccess(
    "billing",
    {
        namespace: "billing",
        createNamespace: true,
        mount: { path: "billing", type: "kv-v2" },
        rules: [{ path: "billing/*", capabilities: ["read", "list"] }],
        authPath: auth.a.backend.path,
        roleName: "billing",
    },
    { providers: { kubernetes: auth.a.provider } },
);

// Cluster B: the same account there, and a role on B's mount with the same policy.
const namespaceB = new k8s.core.v1.Namespace("billing-b", { metadata: { name: "billing" } }, { provider: auth.b.provider });
const accountB = new k8s.core.v1.ServiceAccount(
    "billing-b",
    { metadata: { name: "billing", namespace: namespaceB.metadata.name } },
    { provider: auth.b.provider },
);
new vault.kubernetes.AuthBackendRole("billing-b", {
    backend: auth.b.backend.path,
    roleName: "billing",
    boundServiceAccountNames: [accountB.metadata.name],
    boundServiceAccountNamespaces: [namespaceB.metadata.name],
    tokenPolicies: [billing.policyName],
    tokenTtl: serviceAccessDefaults.tokenTtl,
    tokenMaxTtl: serviceAccessDefaults.tokenMaxTtl,
});

export const authPaths = { a: auth.a.backend.path, b: auth.b.backend.path };
export const policy = billing.policyName;
