import * as pulumi from "@pulumi/pulumi";
import { KubernetesAuthBackend, ReviewerMode, ServiceAccess, StateEncryptionKey, TokenReviewer, TokenReviewRole } from "../components";

/**
 * The stack's outputs: what other stacks (StackReference) and `npm run verify` read. Each value
 * keeps its component's property name. None of them is secret; the reviewer JWT is never one.
 */
export interface StackOutputs {
    /** The kubernetes auth method (KubernetesAuthBackend). */
    authBackend: {
        path: string;
        accessor: string;
        /** How Vault checks service tokens, and so which auth method is mounted ("kubernetes" or "jwt"). */
        reviewerMode: ReviewerMode;
        method: string;
        kubernetesHost: string;
        /** PEM CA of the API server, as the auth method pins it (public: a team's stack compares it with its own cluster's). */
        kubernetesCaCert: string;
    };
    /**
     * The cluster side of the reviewer mode: the reviewer account (TokenReviewer, "secret" mode), or
     * the ClusterRole each service's account is bound to (TokenReviewRole, "client-jwt" mode); ""
     * where the mode has none.
     */
    reviewer: {
        namespace: string;
        serviceAccountName: string;
        secretName: string;
        clusterRoleBindingName: string;
        clusterRoleName: string;
    };
    /** The stack's kv-v2 mounts that rules may refer to (team stacks expand their rules with them). */
    kvV2Mounts: string[];
    /** The transit key for team stacks' secrets (StateEncryptionKey), or "" in both fields without one. */
    stateEncryption: { secretsProvider: string; policyName: string };
    /** Each service (ServiceAccess), by its name. */
    serviceAccess: Record<string, ServiceOutput>;
}

/** A team stack's outputs: its services, and the platform's auth method they log in at. */
export interface TeamStackOutputs {
    platformStack: string;
    authBackend: StackOutputs["authBackend"];
    serviceAccess: Record<string, ServiceOutput>;
}

export interface ServiceOutput {
    roleName: string;
    policyName: string;
    /** The rendered JSON policy. */
    policyDocument: string;
    namespace: string;
    serviceAccountName: string;
    /** Path of the service's own mount, or "" when it has none. */
    mountPath: string;
    loginExample: string;
    /** Audience the role wants, or "" for any. */
    audience: string;
    tokenNoDefaultPolicy: boolean;
}

/** The same shape with an Output at every leaf, as the program produces it. */
type Lifted<T> = [T] extends [readonly unknown[]]
    ? pulumi.Output<T>
    : [T] extends [object]
      ? { [K in keyof T]: Lifted<T[K]> }
      : pulumi.Output<T>;

/** The outputs of a team stack, in the shape of TeamStackOutputs. */
export function teamStackOutputs(
    platformStack: string,
    authBackend: StackOutputs["authBackend"],
    services: readonly (readonly [string, ServiceAccess])[],
): { platformStack: string; authBackend: StackOutputs["authBackend"]; serviceAccess: Lifted<StackOutputs["serviceAccess"]> } {
    return { platformStack, authBackend, serviceAccess: serviceOutputs(services) };
}

/** The outputs of the stack's components, in the shape of StackOutputs. */
export function stackOutputs(
    backend: KubernetesAuthBackend,
    reviewer: TokenReviewer | TokenReviewRole | undefined,
    kvV2Mounts: string[],
    stateKey: StateEncryptionKey | undefined,
    services: readonly (readonly [string, ServiceAccess])[],
): Lifted<StackOutputs> {
    return {
        authBackend: {
            path: backend.path,
            accessor: backend.accessor,
            reviewerMode: backend.reviewerMode,
            method: backend.method,
            kubernetesHost: backend.kubernetesHost,
            kubernetesCaCert: backend.kubernetesCaCert,
        },
        reviewer: reviewerOutputs(reviewer),
        kvV2Mounts: pulumi.output(kvV2Mounts),
        stateEncryption: {
            secretsProvider: stateKey ? stateKey.secretsProvider : pulumi.output(""),
            policyName: stateKey ? stateKey.policyName : pulumi.output(""),
        },
        serviceAccess: serviceOutputs(services),
    };
}

function reviewerOutputs(reviewer: TokenReviewer | TokenReviewRole | undefined): Lifted<StackOutputs["reviewer"]> {
    const none = pulumi.output("");
    return reviewer instanceof TokenReviewer
        ? {
              namespace: reviewer.namespace,
              serviceAccountName: reviewer.serviceAccountName,
              secretName: reviewer.secretName,
              clusterRoleBindingName: reviewer.clusterRoleBindingName,
              clusterRoleName: pulumi.output("system:auth-delegator"),
          }
        : {
              namespace: none,
              serviceAccountName: none,
              secretName: none,
              clusterRoleBindingName: none,
              clusterRoleName: reviewer ? reviewer.clusterRoleName : none,
          };
}

function serviceOutputs(services: readonly (readonly [string, ServiceAccess])[]): Lifted<StackOutputs["serviceAccess"]> {
    return Object.fromEntries(
        services.map(([name, s]) => [
            name,
            {
                roleName: s.roleName,
                policyName: s.policyName,
                policyDocument: s.policyDocument,
                namespace: s.namespace,
                serviceAccountName: s.serviceAccountName,
                mountPath: s.mountPath,
                loginExample: s.loginExample,
                audience: s.audience,
                tokenNoDefaultPolicy: s.tokenNoDefaultPolicy,
            },
        ]),
    );
}
