import { ResourceValidationArgs, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { clusterRoleBindingType, readIfKnown, shown } from "./common";

export const serviceAccountType = "kubernetes:core/v1:ServiceAccount";
export const reviewerRole = "system:auth-delegator";
/**
 * Label that marks a binding (or its ServiceAccount) as the Vault token reviewer's, whatever it binds.
 * TokenReviewer sets it on both.
 */
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
 *   - carry the label app.kubernetes.io/component=vault-token-reviewer (as TokenReviewer's does), or
 *   - be named "...auth-delegator" (metadata.name or Pulumi name; how TokenReviewer names its binding).
 * (The stack check adds a fourth way: a subject that is a ServiceAccount of the stack with that label.)
 * Values unknown at preview (e.g. a name built from outputs) count as not matching.
 */
export function reviewerBindingReason(props: ResourceValidationArgs["props"], resourceName: string): string | undefined {
    const subjects: Subject[] = Array.isArray(props.subjects) ? props.subjects : [];
    if (!subjects.some((s) => readIfKnown(() => s?.kind) === "ServiceAccount")) return undefined;
    if (readIfKnown(() => props.roleRef?.name) === reviewerRole) return `it binds ${reviewerRole}`;
    if (readIfKnown(() => props.metadata?.labels?.[reviewerLabel.key]) === reviewerLabel.value) {
        return `it is labelled ${reviewerLabel.key}=${reviewerLabel.value}`;
    }
    const metadataName = readIfKnown(() => props.metadata?.name);
    for (const name of [metadataName, resourceName]) {
        if (typeof name === "string" && name.endsWith("auth-delegator")) return `its name "${name}" marks it as the reviewer's`;
    }
    return undefined;
}

/** A ServiceAccount subject as "namespace/name" (a subject's namespace defaults to "default"), or undefined if not known. */
function accountKey(namespace: unknown, name: unknown): string | undefined {
    return typeof name === "string" ? `${typeof namespace === "string" && namespace !== "" ? namespace : "default"}/${name}` : undefined;
}

/** Reports what is wrong with a binding known to be the reviewer's (`reason` says why it counts as one). */
function checkReviewerBinding(
    props: ResourceValidationArgs["props"],
    resourceName: string,
    reason: string,
    reportViolation: (message: string) => void,
): void {
    const binding = `ClusterRoleBinding "${shown(readIfKnown(() => props.metadata?.name) ?? resourceName)}"`;
    const roleRef = props.roleRef ?? {};
    if (roleRef.kind !== "ClusterRole" || roleRef.name !== reviewerRole) {
        reportViolation(
            `${binding} is the Vault token reviewer's binding (${reason}) but binds ${roleRef.kind === undefined ? "(no kind)" : shown(roleRef.kind)} ` +
                `"${shown(roleRef.name ?? "")}". The reviewer needs only TokenReview and SubjectAccessReview: set roleRef to ` +
                `ClusterRole "${reviewerRole}" and grant anything else through a separate binding for a separate account.`,
        );
    }
    const subjects: Subject[] = Array.isArray(props.subjects) ? props.subjects : [];
    if (subjects.length !== 1) {
        const listed = subjects.map((s) => {
            const namespace = readIfKnown(() => s?.namespace);
            return `${readIfKnown(() => s?.kind) ?? "?"} ${namespace ? `${namespace}/` : ""}${readIfKnown(() => s?.name) ?? "?"}`;
        });
        reportViolation(
            `${binding} is the Vault token reviewer's binding (${reason}) but has ${subjects.length} subjects (${listed.join(", ")}). ` +
                `Bind exactly one ServiceAccount, the one whose JWT Vault holds; give every other account its own binding.`,
        );
    }
}

/**
 * At the end of the preview, over the whole stack: a binding that is none of the above but binds a
 * ServiceAccount of this stack labelled as the reviewer (TokenReviewer labels its account) is the
 * reviewer's binding too. Values unknown at preview count as not matching.
 */
const validateStack: StackValidation = (args, reportViolation) => {
    const reviewers = new Set(
        args.resources
            .filter(
                (r) =>
                    r.type === serviceAccountType &&
                    readIfKnown(() => r.props.metadata?.labels?.[reviewerLabel.key]) === reviewerLabel.value,
            )
            .map((r) =>
                accountKey(
                    readIfKnown(() => r.props.metadata?.namespace),
                    readIfKnown(() => r.props.metadata?.name),
                ),
            ),
    );
    for (const r of args.resources) {
        if (r.type !== clusterRoleBindingType || reviewerBindingReason(r.props, r.name) !== undefined) continue;
        const subjects: Subject[] = Array.isArray(r.props.subjects) ? r.props.subjects : [];
        const account = subjects
            .filter((s) => readIfKnown(() => s?.kind) === "ServiceAccount")
            .map((s) =>
                accountKey(
                    readIfKnown(() => s?.namespace),
                    readIfKnown(() => s?.name),
                ),
            )
            .find((key) => key !== undefined && reviewers.has(key));
        if (account === undefined) continue;
        const reason = `its subject ServiceAccount ${account} is labelled ${reviewerLabel.key}=${reviewerLabel.value}`;
        checkReviewerBinding(r.props, r.name, reason, (message) => reportViolation(message, r.urn));
    }
};

/**
 * Vault's reviewer account calls the TokenReview API for every login; system:auth-delegator grants
 * exactly that (plus SubjectAccessReview). Any other role gives a credential stored in Vault more
 * power than it needs, and extra subjects hand the reviewer's power to accounts Vault does not use.
 * Checked per binding before anything is applied, and over the stack at the end of the preview
 * (bindings recognised through their labelled subject).
 */
export const reviewerBindingScope: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
    name: "k8s-reviewer-binding-scope",
    description: "The token reviewer's ClusterRoleBinding binds exactly one ServiceAccount to ClusterRole system:auth-delegator.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== clusterRoleBindingType) return;
        const reason = reviewerBindingReason(args.props, args.name);
        if (reason !== undefined) checkReviewerBinding(args.props, args.name, reason, reportViolation);
    },
    validateStack,
};
