import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, ServiceAccess, TokenReviewer } from "./components";
import { resolveCluster } from "./stack/cluster";
import { readStackConfig, reviewerArgs, serviceArgs } from "./stack/config";
import { stackOutputs } from "./stack/outputs";
import { vaultProviderArgs } from "./stack/vault";

// The guide's steps, in order. Config is read and checked in full first: a mistake anywhere stops
// the program before any resource is registered, so nothing is half-applied.
const cfg = readStackConfig();
const cluster = resolveCluster(cfg);
const vaultConnection = vaultProviderArgs(cfg);

// Explicit providers: the cluster from the resolved kubeconfig, Vault from config or the environment.
const k8sProvider = new k8s.Provider("cluster", { kubeconfig: cluster.kubeconfig, context: cfg.kubeContext });
const vaultProvider = new vault.Provider("vault", vaultConnection);

// Steps 1-2: the reviewer ServiceAccount, its auth-delegator binding and its token Secret.
const tokenReviewer = new TokenReviewer("reviewer", reviewerArgs(cfg), { providers: { kubernetes: k8sProvider } });

// Step 3: the kubernetes auth method, wired from the cluster's outputs and the reviewer's JWT.
const backend = new KubernetesAuthBackend(
    "kubernetes",
    {
        path: cfg.authPath,
        kubernetesHost: cluster.host,
        kubernetesCaCert: cluster.caCert ?? tokenReviewer.caCert,
        tokenReviewerJwt: tokenReviewer.reviewerJwt,
        writeOnlyJwt: cfg.writeOnlyReviewerJwt,
        // With an issuer, "iss" is validated; without one, it is not (legacy Secret tokens and
        // TokenRequest tokens carry different issuers).
        issuer: cfg.issuer,
        disableLocalCaJwt: cfg.disableLocalCaJwt,
        pemKeys: cfg.pemKeys,
    },
    { providers: { vault: vaultProvider } },
);

// Step 4: per service, a ServiceAccount, a policy and a role bound to exactly that account.
const services = cfg.services.map(
    (s) =>
        [
            s.name,
            new ServiceAccess(s.name, serviceArgs(s, { authPath: backend.path, kvV2Mounts: cfg.kvV2Mounts }), {
                providers: { kubernetes: k8sProvider, vault: vaultProvider },
            }),
        ] as const,
);

// Outputs for other stacks and for `npm run verify` (their contract: stack/outputs.ts); none is secret.
const outputs = stackOutputs(backend, tokenReviewer, services);
export const authBackend = outputs.authBackend;
export const reviewer = outputs.reviewer;
export const serviceAccess = outputs.serviceAccess;
