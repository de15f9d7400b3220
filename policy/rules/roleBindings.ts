import { ResourceValidationPolicy } from "@pulumi/policy";
import { authBackendRoleType, quoted, stringList } from "./common";

/**
 * A Kubernetes auth role must name the exact ServiceAccount(s) and namespace(s) that may log in.
 * A "*" (or glob) widens the role to accounts nobody reviewed; the "default" ServiceAccount is what
 * every pod without an explicit serviceAccountName runs as, so binding it hands the role to all of them.
 */
export const roleBoundServiceAccounts: ResourceValidationPolicy = {
    name: "vault-role-bound-service-accounts",
    description: "Kubernetes auth roles bind named ServiceAccounts in named namespaces: no wildcards, never `default`.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== authBackendRoleType) return;
        const names = stringList(args.props.boundServiceAccountNames);
        const namespaces = stringList(args.props.boundServiceAccountNamespaces);

        const wildNames = names.filter((n) => n.includes("*"));
        if (wildNames.length > 0) {
            reportViolation(
                `boundServiceAccountNames contains ${quoted(wildNames)}: any matching ServiceAccount in the bound namespaces could log in ` +
                    `and receive this role's policies. List the service's own ServiceAccount name(s) instead.`,
            );
        }
        const wildNamespaces = namespaces.filter((n) => n.includes("*"));
        if (wildNamespaces.length > 0) {
            reportViolation(
                `boundServiceAccountNamespaces contains ${quoted(wildNamespaces)}: a ServiceAccount with a bound name in any matching ` +
                    `namespace (including namespaces created later) could log in. List the service's namespace(s) instead.`,
            );
        }
        if (names.includes("default")) {
            reportViolation(
                `boundServiceAccountNames includes "default": every pod in the bound namespaces that sets no serviceAccountName runs as ` +
                    `"default" and would receive this role's policies. Create a dedicated ServiceAccount for the service and bind that.`,
            );
        }
    },
};
