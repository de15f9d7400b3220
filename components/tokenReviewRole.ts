import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkKubernetesName, knownNow } from "./validation";
import { throwIfInvalid } from "./invalidInput";

/** The defaults of TokenReviewRoleArgs, written once. */
export const tokenReviewRoleDefaults = { name: "vault-token-review" } as const;

/**
 * Marks the ClusterRole, so that tools (`kubectl get -l`, the policy pack) recognise it whatever its name.
 * @internal
 */
export const tokenReviewRoleLabels = { "app.kubernetes.io/component": "vault-token-review" };

export interface TokenReviewRoleArgs {
    /**
     * Name of the ClusterRole. Default: "vault-token-review".
     * @default "vault-token-review"
     */
    readonly name?: pulumi.Input<string>;
}

/**
 * The cluster side of reviewerMode `client-jwt`: a ClusterRole that allows exactly `create` on
 * `tokenreviews`. Each ServiceAccess binds its own account to it, because Vault presents the
 * service's own token to the TokenReview API.
 *
 * The ClusterRole is deliberately not `system:auth-delegator`. That role also allows creating
 * SubjectAccessReviews, which would let every service ask what any user may do in the cluster.
 */
export class TokenReviewRole extends pulumi.ComponentResource {
    /** Name of the ClusterRole, for ServiceAccessArgs.tokenReviewClusterRole. */
    public readonly clusterRoleName: pulumi.Output<string>;

    constructor(name: string, args: TokenReviewRoleArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(checkKubernetesName("name", knownNow(args.name)), `TokenReviewRole "${name}"`);
        super("vault-k8s-auth:index:TokenReviewRole", name, {}, opts);
        const role = new k8s.rbac.v1.ClusterRole(
            `${name}-cluster-role`,
            {
                metadata: { name: args.name ?? tokenReviewRoleDefaults.name, labels: tokenReviewRoleLabels },
                rules: [{ apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] }],
            },
            { parent: this },
        );
        this.clusterRoleName = role.metadata.name;
        this.registerOutputs({ clusterRoleName: this.clusterRoleName });
    }
}
