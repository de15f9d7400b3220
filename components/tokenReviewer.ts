import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkKubernetesName, checkNamespace, FieldOf, knownNow } from "./validation";
import { throwIfInvalid } from "./invalidInput";

/** The defaults of TokenReviewerArgs, written once (the stack's config schema uses them too). */
export const tokenReviewerDefaults = { namespace: "vault-auth", createNamespace: true, serviceAccountName: "vault-auth" } as const;

/**
 * Marks the reviewer's ServiceAccount and ClusterRoleBinding, so that tools (the policy pack's
 * k8s-reviewer-binding-scope rule, `kubectl get -l`) recognise them whatever their names.
 */
const reviewerLabels = { "app.kubernetes.io/component": "vault-token-reviewer" };

export interface TokenReviewerArgs {
    /**
     * Namespace of the reviewer ServiceAccount, kept out of "default". Default: "vault-auth".
     * @default "vault-auth"
     */
    readonly namespace?: pulumi.Input<string>;
    /**
     * Create the namespace (true) or use one that already exists (false). Default: true.
     * @default true
     */
    readonly createNamespace?: boolean;
    /**
     * Name of the ServiceAccount Vault uses to call the TokenReview API. Default: "vault-auth".
     * @default "vault-auth"
     */
    readonly serviceAccountName?: pulumi.Input<string>;
}

/**
 * The cluster side of Vault's Kubernetes auth: a ServiceAccount that may call the TokenReview API
 * (bound to ClusterRole system:auth-delegator) and a long-lived token Secret for it, which Vault
 * presents as its reviewer JWT.
 *
 * Since Kubernetes 1.24 no token Secret is made for a ServiceAccount automatically; the token
 * controller fills the Secret created here a moment after it exists. The kubernetes provider waits
 * briefly for that, and the JWT output is checked again before anything downstream sees it: an empty
 * JWT fails the deployment with an error that names the Secret instead of reaching Vault.
 */
export class TokenReviewer extends pulumi.ComponentResource {
    /** Namespace of the reviewer ServiceAccount. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the reviewer ServiceAccount. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** ClusterRoleBinding granting it system:auth-delegator. */
    public readonly clusterRoleBindingName: pulumi.Output<string>;
    /** The long-lived token Secret that holds its JWT. */
    public readonly secretName: pulumi.Output<string>;
    /**
     * The reviewer ServiceAccount's JWT, as a secret, for KubernetesAuthBackend. Read from the token
     * Secret on every refresh, so a token the controller regenerated is seen. Deliberately not
     * registered as a component output: it reaches state only encrypted, inside the Secret's data.
     */
    public readonly reviewerJwt: pulumi.Output<string>;
    /** The cluster CA certificate (PEM) the token Secret carries. */
    public readonly caCert: pulumi.Output<string>;

    constructor(name: string, args: TokenReviewerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(validateTokenReviewerArgs(args), `TokenReviewer "${name}"`);
        super("vault-k8s-auth:index:TokenReviewer", name, {}, opts);

        const namespaceName = args.namespace ?? tokenReviewerDefaults.namespace;
        const saName = args.serviceAccountName ?? tokenReviewerDefaults.serviceAccountName;

        const namespace =
            (args.createNamespace ?? tokenReviewerDefaults.createNamespace)
                ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName } }, { parent: this })
                : undefined;
        const nsName = namespace ? namespace.metadata.name : pulumi.output(namespaceName);

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: saName, namespace: nsName, labels: reviewerLabels } },
            { parent: this },
        );

        const binding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-auth-delegator`,
            {
                // ":" cannot occur in a namespace or ServiceAccount name, so no two accounts share a binding name.
                metadata: {
                    name: pulumi.interpolate`vault-token-reviewer:${nsName}:${serviceAccount.metadata.name}`,
                    labels: reviewerLabels,
                },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
                subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: nsName }],
            },
            { parent: this },
        );

        const secret = new k8s.core.v1.Secret(
            `${name}-token`,
            {
                metadata: {
                    name: pulumi.interpolate`${serviceAccount.metadata.name}-token`,
                    namespace: nsName,
                    annotations: { "kubernetes.io/service-account.name": serviceAccount.metadata.name },
                },
                type: "kubernetes.io/service-account-token",
            },
            // The token controller writes data.token/ca.crt: never let the provider reset them.
            { parent: this, dependsOn: [serviceAccount], ignoreChanges: ["data", "stringData"] },
        );

        const secretRef = pulumi.interpolate`${nsName}/${secret.metadata.name}`;
        const data = pulumi.all([secret.data, secretRef]).apply(([d, ref]) => filledTokenData(d, ref));

        this.namespace = nsName;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.clusterRoleBindingName = binding.metadata.name;
        this.secretName = secret.metadata.name;
        this.reviewerJwt = pulumi.secret(data.apply((d) => decodeBase64(d.token)));
        this.caCert = pulumi.unsecret(data.apply((d) => decodeBase64(d["ca.crt"])));

        this.registerOutputs({
            namespace: this.namespace,
            serviceAccountName: this.serviceAccountName,
            clusterRoleBindingName: this.clusterRoleBindingName,
            secretName: this.secretName,
            caCert: this.caCert,
        });
    }
}

/**
 * Every problem of the args, under the names `fieldOf` gives (the argument names by default).
 * @internal
 */
export function validateTokenReviewerArgs(args: TokenReviewerArgs, fieldOf: FieldOf<keyof TokenReviewerArgs> = (k) => k): string[] {
    return [
        ...checkNamespace(fieldOf("namespace"), knownNow(args.namespace)),
        ...checkKubernetesName(fieldOf("serviceAccountName"), knownNow(args.serviceAccountName)),
    ];
}

/**
 * The token Secret's data once the token controller has filled it. Throws, naming the Secret and the
 * likely cause, when it is still empty: an empty JWT must never reach Vault.
 * @internal
 */
export function filledTokenData(data: Record<string, string> | undefined, secretRef: string): Record<string, string> {
    if (!data?.token) {
        throw new Error(
            `Secret ${secretRef} has no data.token: the ServiceAccount token controller did not fill it in time. ` +
                `Check that kube-controller-manager runs with --service-account-private-key-file and the serviceaccount-token controller, ` +
                `and that the Secret's annotation names an existing ServiceAccount; then run \`pulumi up\` again.`,
        );
    }
    return data;
}

function decodeBase64(value: string | undefined): string {
    return value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");
}
