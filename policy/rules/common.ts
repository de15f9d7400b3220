import { ResourceValidationArgs, UnknownValueError } from "@pulumi/policy";

// Resource types, as the engine names them (type tokens of @pulumi/vault and @pulumi/kubernetes).
// Matching on the token keeps the pack free of the provider SDKs, which it would only load for types.
export const authBackendRoleType = "vault:kubernetes/authBackendRole:AuthBackendRole";
export const jwtAuthBackendRoleType = "vault:jwt/authBackendRole:AuthBackendRole";
export const authBackendConfigType = "vault:kubernetes/authBackendConfig:AuthBackendConfig";
export const vaultPolicyType = "vault:index/policy:Policy";
export const clusterRoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

// The claims of a Kubernetes service-account token a jwt role binds an account with (JSON pointers).
export const namespaceClaim = "/kubernetes.io/namespace";
export const serviceAccountNameClaim = "/kubernetes.io/serviceaccount/name";

/**
 * Whether a jwt auth role takes service-account tokens: roleType "jwt". An "oidc" role (Vault's default
 * when roleType is unset) logs people in through a browser and refuses a token at login. A roleType
 * unknown at preview counts as "jwt".
 */
export function isJwtLoginRole(type: string, props: ResourceValidationArgs["props"]): boolean {
    if (type !== jwtAuthBackendRoleType || !("roleType" in props)) return false;
    const roleType = readIfKnown(() => props.roleType);
    return roleType === undefined || roleType === "jwt";
}

/** Whether a role is one services log in to with their token: a kubernetes role, or a jwt role of roleType "jwt". */
export function isServiceRole(type: string, props: ResourceValidationArgs["props"]): boolean {
    return type === authBackendRoleType || isJwtLoginRole(type, props);
}

/**
 * Whether a property is set to something non-empty. A value unknown at preview counts as set: the
 * pack runs again at `up`, when it is known.
 */
export function isSet(object: ResourceValidationArgs["props"], key: string): boolean {
    // Another program may send anything where an object belongs: a string, a number, null.
    if (typeof object !== "object" || object === null || !(key in object)) return false;
    try {
        const value = object[key];
        return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
    } catch (e) {
        if (e instanceof UnknownValueError) return true;
        throw e;
    }
}

/** A bound claim's values: a comma-separated string (as @pulumi/vault takes them) or a list; anything else as []. */
export function claimValues(value: unknown): string[] {
    const values = typeof value === "string" ? value.split(",") : stringList(value);
    return values.map((v) => v.trim()).filter((v) => v !== "");
}

/**
 * Reads a value that may be unknown during preview: @pulumi/policy throws UnknownValueError on access
 * (and would then skip the whole check with an advisory note). Use this only where an unknown value can
 * safely count as "not set"; mandatory facts are read directly so preview says the check could not run.
 */
export function readIfKnown<T>(read: () => T): T | undefined {
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

/** A field that should hold an object (e.g. boundClaims), or {} when it holds anything else. */
export function objectField(props: ResourceValidationArgs["props"], key: string): Record<string, unknown> {
    const value = props[key] as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A value as a message shows it: a string as it is, anything else (another program may send anything) as JSON. */
export function shown(value: unknown): string {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
