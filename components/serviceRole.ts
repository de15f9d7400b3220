import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { defaultReviewerMode, ReviewerMode } from "./reviewerMode";
import { serviceAccessDefaults, ServiceAccessArgs } from "./serviceAccessArgs";
import { tokenReviewRoleDefaults, tokenReviewRoleLabels } from "./tokenReviewRole";

/**
 * What the role of a service is, whatever the mode.
 * @internal
 */
export interface ServiceRole {
    roleName: pulumi.Output<string>;
    audience: pulumi.Output<string>;
    tokenNoDefaultPolicy: pulumi.Output<boolean>;
}

/** The two role types: a mode switch turns one into the other at the same Vault path. */
const roleTypes = { kubernetes: "vault:kubernetes/authBackendRole:AuthBackendRole", jwt: "vault:jwt/authBackendRole:AuthBackendRole" };

/**
 * The Vault role a service logs in as, bound to exactly its ServiceAccount(s): a `kubernetes` role,
 * or in "jwt" mode a `jwt` role bound by the token's claims. In "client-jwt" mode the account also
 * gets the right to create TokenReviews, since Vault presents its token to the API server.
 *
 * A mode switch replaces the role with one of the other type at the same path. Each type aliases
 * the other and is deleted before it is replaced: a create-then-delete would erase the new role.
 * In a team stack the platform's `up` has already removed the old mount and its roles.
 * @internal
 */
export function serviceRole(
    name: string,
    args: ServiceAccessArgs,
    policyName: pulumi.Output<string>,
    authPath: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
): ServiceRole {
    const mode = args.reviewerMode ?? defaultReviewerMode;
    const saName = args.serviceAccountName ?? name;
    const names = args.boundServiceAccountNames ?? [saName];
    const namespaces = args.boundServiceAccountNamespaces ?? [args.namespace];
    const common = {
        backend: authPath,
        roleName: args.roleName ?? name,
        tokenPolicies: [policyName],
        tokenTtl: args.tokenTtl ?? serviceAccessDefaults.tokenTtl,
        tokenMaxTtl: args.tokenMaxTtl ?? serviceAccessDefaults.tokenMaxTtl,
        tokenType: args.tokenType ?? serviceAccessDefaults.tokenType,
        tokenNoDefaultPolicy: args.tokenNoDefaultPolicy ?? serviceAccessDefaults.tokenNoDefaultPolicy,
    };
    // The other type's role is this one's former self (alias), replaced, never updated: an update
    // writes only the changed fields, to a path where the old mount took the role's other fields
    // with it. The trigger records the method; roleType (jwt) catches a role recorded before it.
    const roleOpts = (other: keyof typeof roleTypes): pulumi.CustomResourceOptions => ({
        ...opts,
        aliases: [{ type: roleTypes[other] }],
        deleteBeforeReplace: true,
        replacementTrigger: other === "jwt" ? "kubernetes" : "jwt",
        replaceOnChanges: other === "kubernetes" ? ["roleType"] : [],
    });

    if (mode === ReviewerMode.Jwt) {
        const wildcards = [...names, ...namespaces].some((v) => v.includes("*"));
        const single = names.length === 1 && namespaces.length === 1 && !wildcards;
        const role = new vault.jwt.AuthBackendRole(
            `${name}-role`,
            {
                ...common,
                roleType: "jwt",
                userClaim: "sub",
                boundAudiences: [args.audience!],
                // Pointers into the token's kubernetes.io claim: names and namespaces are matched independently, as in the kubernetes method.
                boundClaims: { "/kubernetes.io/namespace": namespaces.join(","), "/kubernetes.io/serviceaccount/name": names.join(",") },
                boundClaimsType: wildcards ? "glob" : "string",
                boundSubject: single ? `system:serviceaccount:${namespaces[0]}:${names[0]}` : undefined,
            },
            roleOpts("kubernetes"),
        );
        return {
            roleName: role.roleName,
            audience: role.boundAudiences.apply((a) => a?.[0] ?? ""),
            tokenNoDefaultPolicy: role.tokenNoDefaultPolicy.apply((v) => v ?? false),
        };
    }

    if (mode === ReviewerMode.ClientJwt) {
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-token-review`,
            {
                // Auto-named: two services that share an account (allowSharedServiceAccount) get a binding each.
                metadata: { labels: tokenReviewRoleLabels },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: args.tokenReviewClusterRole ?? tokenReviewRoleDefaults.name,
                },
                subjects: namespaces.flatMap((namespace) => names.map((n) => ({ kind: "ServiceAccount", name: n, namespace }))),
            },
            { parent: opts.parent, dependsOn: opts.dependsOn },
        );
    }

    const role = new vault.kubernetes.AuthBackendRole(
        `${name}-role`,
        {
            ...common,
            boundServiceAccountNames: names,
            boundServiceAccountNamespaces: namespaces,
            audience: args.audience,
            aliasNameSource: args.aliasNameSource,
        },
        roleOpts("jwt"),
    );
    return {
        roleName: role.roleName,
        audience: role.audience.apply((a) => a ?? ""),
        tokenNoDefaultPolicy: role.tokenNoDefaultPolicy.apply((v) => v ?? false),
    };
}
