import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, ServiceAccess, TokenReviewer } from "./components";
import { resolveCluster } from "./stack/cluster";
import { parseStackConfig, readRawStackConfig, reviewerArgs, serviceArgs, StackConfig } from "./stack/config";
import { stackOutputs, teamStackOutputs } from "./stack/outputs";
import { checkSamePlatformCluster, readPlatformStack } from "./stack/platformStack";
import { vaultProviderArgs } from "./stack/vault";

// The guide's steps, in order. Config is read and checked in full first: a mistake anywhere stops
// the program before any resource is registered, so nothing is half-applied.
//
// One program, two kinds of stack: a platform stack (steps 1-4: the reviewer, the auth method and
// its services), and team stacks (config platformStack set: step 4 only, on the platform's auth
// method, read from its outputs). `npm run fleet` runs a platform stack and its teams together.
export = async () => {
    const raw = readRawStackConfig();
    const platform = raw.platformStack === undefined ? undefined : await readPlatformStack(String(raw.platformStack));
    const cfg = parseStackConfig(raw, platform?.settings);
    const cluster = resolveCluster(cfg);
    if (platform) checkSamePlatformCluster(cluster, platform);

    // Explicit providers: the cluster from the resolved kubeconfig, Vault from config or the environment.
    const k8sProvider = new k8s.Provider("cluster", { kubeconfig: cluster.kubeconfig, context: cfg.kubeContext });
    const vaultProvider = new vault.Provider("vault", vaultProviderArgs(cfg));

    if (platform) {
        const services = serviceAccess(cfg, platform.authBackend.path, k8sProvider, vaultProvider);
        return teamStackOutputs(platform.name, platform.authBackend, services);
    }

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

    // Step 4, and the outputs for team stacks and `npm run verify` (their contract: stack/outputs.ts); none is secret.
    const services = serviceAccess(cfg, backend.path, k8sProvider, vaultProvider);
    return stackOutputs(backend, tokenReviewer, cfg.kvV2Mounts, services);
};

/** Step 4: per service, a ServiceAccount, a policy and a role bound to exactly that account. */
function serviceAccess(
    cfg: StackConfig,
    authPath: KubernetesAuthBackend["path"] | string,
    k8sProvider: k8s.Provider,
    vaultProvider: vault.Provider,
) {
    return cfg.services.map(
        (s) =>
            [
                s.name,
                new ServiceAccess(s.name, serviceArgs(s, { authPath, kvV2Mounts: cfg.kvV2Mounts }), {
                    providers: { kubernetes: k8sProvider, vault: vaultProvider },
                }),
            ] as const,
    );
}
