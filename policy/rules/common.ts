import { UnknownValueError } from "@pulumi/policy";

// Resource types, as the engine names them (type tokens of @pulumi/vault and @pulumi/kubernetes).
// Matching on the token keeps the pack free of the provider SDKs, which it would only load for types.
export const authBackendRoleType = "vault:kubernetes/authBackendRole:AuthBackendRole";
export const authBackendConfigType = "vault:kubernetes/authBackendConfig:AuthBackendConfig";
export const vaultPolicyType = "vault:index/policy:Policy";
export const clusterRoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

/**
 * Reads a value that may be unknown during preview: @pulumi/policy throws UnknownValueError on access
 * (and would then skip the whole check with an advisory note). Use this only where an unknown value can
 * safely count as "not set"; mandatory facts are read directly so preview says the check could not run.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

/** A property as a list of strings; anything else (unset, wrong type) as []. */
export function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Quotes each item for a message: ["a", "b"] -> '"a", "b"'. */
export function quoted(items: readonly string[]): string {
    return items.map((i) => JSON.stringify(i)).join(", ");
}
