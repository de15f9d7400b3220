import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesAuthBackend, ReviewerMode, ServiceAccess, StateEncryptionKey, TokenReviewer, TokenReviewRole } from "./components";
import { resolveCluster, serviceAccountIssuer } from "./stack/cluster";
import { parseStackConfig, readRawStackConfig } from "./stack/config";
import { reviewerArgs, serviceArgs } from "./stack/configChecks";
import { StackConfig } from "./stack/configSchema";
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

    // Steps 1-3 as the reviewer mode has them (docs/reviewer-modes.md). "secret" is the guide's:
    // the reviewer ServiceAccount, its auth-delegator binding and its token Secret, whose JWT Vault
    // presents to TokenReview. "client-jwt": a ClusterRole each service's account is bound to, since
    // Vault presents the service's own token. "jwt": nothing in the cluster; Vault checks signatures
    // against the cluster's keys, read from the API server on every run.
    const reviewer =
        cfg.reviewerMode === ReviewerMode.Secret
            ? new TokenReviewer("reviewer", reviewerArgs(cfg), { providers: { kubernetes: k8sProvider } })
            : cfg.reviewerMode === ReviewerMode.ClientJwt
              ? new TokenReviewRole("token-review", {}, { providers: { kubernetes: k8sProvider } })
              : undefined;
    const issuer = cfg.reviewerMode === ReviewerMode.Jwt ? serviceAccountIssuer(cfg, cluster) : undefined;

    // Step 3: the auth method, wired from the cluster's outputs (and the reviewer's JWT in "secret" mode).
    const backend = new KubernetesAuthBackend(
        "kubernetes",
        {
            reviewerMode: cfg.reviewerMode,
            path: cfg.authPath,
            kubernetesHost: cluster.host,
            kubernetesCaCert: cluster.caCert ?? (reviewer instanceof TokenReviewer ? reviewer.caCert : undefined),
            tokenReviewerJwt: reviewer instanceof TokenReviewer ? reviewer.reviewerJwt : undefined,
            writeOnlyJwt: cfg.writeOnlyReviewerJwt,
            // With an issuer, "iss" is validated; without one, it is not (legacy Secret tokens and
            // TokenRequest tokens carry different issuers).
            issuer: issuer?.issuer ?? cfg.issuer,
            disableLocalCaJwt: cfg.disableLocalCaJwt,
            pemKeys: issuer?.keys ?? cfg.pemKeys,
        },
        { providers: { vault: vaultProvider } },
    );

    // Step 4, and the outputs for team stacks and `npm run verify` (their contract: stack/outputs.ts); none is secret.
    // For team stacks' secrets: a transit key, and a policy that may only encrypt and decrypt with it.
    const stateKey =
        cfg.stateEncryptionKey === undefined
            ? undefined
            : new StateEncryptionKey("state-encryption", { name: cfg.stateEncryptionKey }, { providers: { vault: vaultProvider } });

    const tokenReviewClusterRole = reviewer instanceof TokenReviewRole ? reviewer.clusterRoleName : undefined;
    const services = serviceAccess(cfg, backend.path, k8sProvider, vaultProvider, tokenReviewClusterRole);
    return stackOutputs(backend, reviewer, cfg.kvV2Mounts, stateKey, services);
};

/** Step 4: per service, a ServiceAccount, a policy and a role bound to exactly that account. */
function serviceAccess(
    cfg: StackConfig,
    authPath: KubernetesAuthBackend["path"] | string,
    k8sProvider: k8s.Provider,
    vaultProvider: vault.Provider,
    tokenReviewClusterRole?: pulumi.Output<string>,
) {
    const stackWide = { authPath, kvV2Mounts: cfg.kvV2Mounts, reviewerMode: cfg.reviewerMode, tokenReviewClusterRole };
    return cfg.services.map(
        (s) =>
            [
                s.name,
                new ServiceAccess(s.name, serviceArgs(s, stackWide), {
                    providers: { kubernetes: k8sProvider, vault: vaultProvider },
                }),
            ] as const,
    );
}
