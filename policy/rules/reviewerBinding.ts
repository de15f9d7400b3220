import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { clusterRoleBindingType, known } from "./common";

export const reviewerRole = "system:auth-delegator";
/** Label that marks a binding as the Vault token reviewer's, whatever it binds. */
export const reviewerLabel = { key: "app.kubernetes.io/component", value: "vault-token-reviewer" };

interface Subject {
    kind?: string;
    name?: string;
    namespace?: string;
}

/**
 * Why a ClusterRoleBinding counts as the Vault token reviewer's binding, or undefined. It must have a
 * ServiceAccount subject, and either
 *   - bind ClusterRole system:auth-delegator (whoever holds it can review tokens), or
 *   - carry the label app.kubernetes.io/component=vault-token-reviewer, or
 *   - be named "...auth-delegator" (metadata.name or Pulumi name; how TokenReviewer names its binding).
 * Values unknown at preview (e.g. a name built from outputs) count as not matching.
 */
export function reviewerBindingReason(props: ResourceValidationArgs["props"], resourceName: string): string | undefined {
    const subjects: Subject[] = Array.isArray(props.subjects) ? props.subjects : [];
    if (!subjects.some((s) => known(() => s.kind) === "ServiceAccount")) return undefined;
    if (known(() => props.roleRef?.name) === reviewerRole) return `it binds ${reviewerRole}`;
    if (known(() => props.metadata?.labels?.[reviewerLabel.key]) === reviewerLabel.value) {
        return `it is labelled ${reviewerLabel.key}=${reviewerLabel.value}`;
    }
    const metadataName = known(() => props.metadata?.name);
    for (const name of [metadataName, resourceName]) {
        if (typeof name === "string" && name.endsWith("auth-delegator")) return `its name "${name}" marks it as the reviewer's`;
    }
    return undefined;
}

/**
 * Vault's reviewer account calls the TokenReview API for every login; system:auth-delegator grants
 * exactly that (plus SubjectAccessReview). Any other role gives a credential stored in Vault more
 * power than it needs, and extra subjects hand the reviewer's power to accounts Vault does not use.
 */
export const reviewerBindingScope: ResourceValidationPolicy = {
    name: "k8s-reviewer-binding-scope",
    description: "The token reviewer's ClusterRoleBinding binds exactly one ServiceAccount to ClusterRole system:auth-delegator.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== clusterRoleBindingType) return;
        const reason = reviewerBindingReason(args.props, args.name);
        if (reason === undefined) return;
        const binding = `ClusterRoleBinding "${known(() => args.props.metadata?.name) ?? args.name}"`;

        const roleRef = args.props.roleRef ?? {};
        if (roleRef.kind !== "ClusterRole" || roleRef.name !== reviewerRole) {
            reportViolation(
                `${binding} is the Vault token reviewer's binding (${reason}) but binds ${roleRef.kind ?? "(no kind)"} ` +
                    `"${roleRef.name ?? ""}". The reviewer needs only TokenReview and SubjectAccessReview: set roleRef to ` +
                    `ClusterRole "${reviewerRole}" and grant anything else through a separate binding for a separate account.`,
            );
        }
        const subjects: Subject[] = args.props.subjects;
        if (subjects.length !== 1) {
            const listed = subjects.map((s) => {
                const namespace = known(() => s.namespace);
                return `${known(() => s.kind) ?? "?"} ${namespace ? `${namespace}/` : ""}${known(() => s.name) ?? "?"}`;
            });
            reportViolation(
                `${binding} is the Vault token reviewer's binding (${reason}) but has ${subjects.length} subjects (${listed.join(", ")}). ` +
                    `Bind exactly one ServiceAccount, the one whose JWT Vault holds; give every other account its own binding.`,
            );
        }
    },
};
