import * as pulumi from "@pulumi/pulumi";
import { defaultReviewerMode } from "../components/reviewerMode";
import { tokenReviewerDefaults } from "../components/tokenReviewer";
import { ClusterSource } from "./cluster";
import { PlatformSettings } from "./configSchema";
import { StackOutputs } from "./outputs";

/** What a team stack reads from its platform stack: the auth method, and the settings teams share. */
export interface PlatformStack {
    /** org/project/stack, as config platformStack names it. */
    name: string;
    authBackend: StackOutputs["authBackend"];
    settings: PlatformSettings;
}

/**
 * Reads the platform stack's outputs through a StackReference, before the team's stack registers
 * anything else: its services are checked against the platform's auth path and mounts first.
 */
export async function readPlatformStack(name: string): Promise<PlatformStack> {
    const ref = new pulumi.StackReference(name);
    const value = async <K extends keyof StackOutputs>(key: K): Promise<StackOutputs[K]> => {
        const v = (await ref.getOutputDetails(key)).value as StackOutputs[K] | undefined;
        if (v === undefined) {
            throw new pulumi.RunError(
                `platformStack: ${name} has no output "${key}"; run \`pulumi up\` of the platform stack first (a team stack runs on its outputs).`,
            );
        }
        return v;
    };
    const [authBackend, reviewer, kvV2Mounts] = await Promise.all([value("authBackend"), value("reviewer"), value("kvV2Mounts")]);
    // A platform stack from before reviewer modes reports none: it is in the guide's mode.
    const reviewerMode = authBackend.reviewerMode ?? defaultReviewerMode;
    // Outside "secret" mode the platform has no reviewer namespace (""): the key's default stands in, unused.
    const reviewerNamespace = reviewer.namespace || tokenReviewerDefaults.namespace;
    return { name, authBackend, settings: { authPath: authBackend.path, kvV2Mounts, reviewerNamespace, reviewerMode } };
}

/**
 * A team's services must run in the cluster whose tokens the platform's Vault reviews: anywhere
 * else they could never log in. Compares the API server and CA of the team's kubeconfig with the
 * platform's, before anything is registered.
 */
export function checkSamePlatformCluster(cluster: ClusterSource, platform: PlatformStack): void {
    const own = cluster.known;
    if (!own) return; // not reachable: a team stack's cluster always comes from a kubeconfig (clusterStack is a platform key)
    const { kubernetesHost, kubernetesCaCert } = platform.authBackend;
    const differences: string[] = [];
    if (own.host.replace(/\/+$/, "") !== kubernetesHost.replace(/\/+$/, ""))
        differences.push(`API server ${own.host} (the platform's: ${kubernetesHost})`);
    if (own.caCert !== undefined && own.caCert.trim() !== kubernetesCaCert.trim()) differences.push("a different CA certificate");
    if (differences.length > 0) {
        throw new pulumi.RunError(
            `refusing to deploy: this stack's kubeconfig is not the cluster whose tokens ${platform.name}'s Vault reviews ` +
                `(${differences.join(", ")}), so its services could never log in. ` +
                `Point KUBECONFIG (or config kubeconfig) at the platform's cluster, or set platformStack to the platform stack of this cluster.`,
        );
    }
}
