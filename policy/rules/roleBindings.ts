import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    authBackendRoleType,
    claimValues,
    isJwtLoginRole,
    readIfKnown,
    namespaceClaim,
    quoted,
    serviceAccountNameClaim,
    objectField,
    stringList,
} from "./common";

/** What a role binds, under the field names its messages use. */
interface Bound {
    names: string[];
    namesField: string;
    namespaces: string[];
    namespacesField: string;
    /** Whether "*" in a name or namespace is a wildcard. */
    globs: boolean;
    /** Whole subjects (system:serviceaccount:<namespace>:<name>) a jwt role binds, by field. */
    subjects: [field: string, subject: string][];
}

/**
 * A kubernetes role's boundServiceAccountNames/Namespaces, or a jwt role's claims. A jwt role's "*" is a
 * wildcard only with boundClaimsType "glob"; one unknown at preview counts as "string" (the pack runs
 * again at `up`). Which claims a jwt role must bind at all is vault-jwt-role-scope's concern.
 */
function boundOf(args: ResourceValidationArgs): Bound | undefined {
    if (args.type === authBackendRoleType) {
        return {
            names: stringList(args.props.boundServiceAccountNames),
            namesField: "boundServiceAccountNames",
            namespaces: stringList(args.props.boundServiceAccountNamespaces),
            namespacesField: "boundServiceAccountNamespaces",
            globs: true,
            subjects: [],
        };
    }
    if (!isJwtLoginRole(args.type, args.props)) return undefined;
    const claims = objectField(args.props, "boundClaims");
    const subject = readIfKnown(() => args.props.boundSubject);
    return {
        names: claimValues(claims[serviceAccountNameClaim]),
        namesField: `boundClaims "${serviceAccountNameClaim}"`,
        namespaces: claimValues(claims[namespaceClaim]),
        namespacesField: `boundClaims "${namespaceClaim}"`,
        globs: readIfKnown(() => args.props.boundClaimsType) === "glob",
        subjects: [
            ...(typeof subject === "string" ? [["boundSubject", subject] as [string, string]] : []),
            ...claimValues(claims.sub).map((s): [string, string] => ['boundClaims "sub"', s]),
        ],
    };
}

/**
 * A Kubernetes auth role (or a jwt role, reviewerMode "jwt") must name the exact ServiceAccount(s) and
 * namespace(s) that may log in. A "*" (or glob) widens the role to accounts nobody reviewed; the
 * "default" ServiceAccount is what every pod without an explicit serviceAccountName runs as, so
 * binding it hands the role to all of them.
 */
export const roleBoundServiceAccounts: ResourceValidationPolicy = {
    name: "vault-role-bound-service-accounts",
    description: "Kubernetes and jwt auth roles bind named ServiceAccounts in named namespaces: no wildcards, never `default`.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const bound = boundOf(args);
        if (bound === undefined) return;
        const glob = args.type === authBackendRoleType ? "" : ' (boundClaimsType "glob")';

        const wildNames = bound.globs ? bound.names.filter((n) => n.includes("*")) : [];
        if (wildNames.length > 0) {
            reportViolation(
                `${bound.namesField}${glob} contains ${quoted(wildNames)}: any matching ServiceAccount in the bound namespaces could log in ` +
                    `and receive this role's policies. List the service's own ServiceAccount name(s) instead.`,
            );
        }
        const wildNamespaces = bound.globs ? bound.namespaces.filter((n) => n.includes("*")) : [];
        if (wildNamespaces.length > 0) {
            reportViolation(
                `${bound.namespacesField}${glob} contains ${quoted(wildNamespaces)}: a ServiceAccount with a bound name in any matching ` +
                    `namespace (including namespaces created later) could log in. List the service's namespace(s) instead.`,
            );
        }
        if (bound.names.includes("default")) {
            reportViolation(
                `${bound.namesField} includes "default": every pod in the bound namespaces that sets no serviceAccountName runs as ` +
                    `"default" and would receive this role's policies. Create a dedicated ServiceAccount for the service and bind that.`,
            );
        }
        for (const [field, subject] of bound.subjects) {
            const [, namespace, name] = /^system:serviceaccount:([^:]*):([^:]*)$/.exec(subject) ?? [];
            if (name !== "default") continue;
            reportViolation(
                `${field} is ${JSON.stringify(subject)}: every pod in namespace "${namespace}" that sets no serviceAccountName runs as ` +
                    `"default" and would receive this role's policies. Create a dedicated ServiceAccount for the service and bind that.`,
            );
        }
    },
};
