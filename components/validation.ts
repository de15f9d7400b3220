import { createPublicKey } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Input validation shared by the components and the stack config loader.
 *
 * Every check returns a list of messages (empty when valid) instead of throwing, so that a caller can
 * report every problem of a config at once, before a single resource is registered. Each message
 * names the field and says how to fix it.
 */

/**
 * Names a field the way its user wrote it: a program's argument names by default, a stack's config
 * keys when the stack validates (e.g. "reviewerNamespace" for TokenReviewer's `namespace`).
 * @internal
 */
export type FieldOf<K extends string> = (key: K) => string;

/** A Kubernetes DNS-1123 label: namespace names. */
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes DNS-1123 subdomain: ServiceAccount and Secret names. */
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Vault role names become path segments: no slashes, no spaces. */
const vaultRoleName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Vault lower-cases policy names on write; an upper-case name would show a diff on every preview. */
const vaultPolicyName = /^[a-z0-9][a-z0-9_.-]*$/;
/** A mount path: one or more segments, no leading or trailing slash. */
const vaultMountPath = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

/** Mount points Vault reserves for itself. */
const reservedMounts = ["sys", "auth", "cubbyhole", "identity", "token"];

/**
 * Returns the value when it is known now; `undefined` for Outputs and Promises (checked later, at deployment).
 * @internal
 */
export function knownNow<T>(value: pulumi.Input<T> | undefined): T | undefined {
    if (value === undefined || pulumi.Output.isInstance(value) || value instanceof Promise) {
        return undefined;
    }
    return value as T;
}

/** @internal */
export function checkNamespace(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    if (value.length > 63 || !dns1123Label.test(value)) {
        return [
            `${field}: "${value}" is not a valid Kubernetes namespace name; use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. "vault-auth").`,
        ];
    }
    return [];
}

/** @internal */
export function checkKubernetesName(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    if (value.length > 253 || !dns1123Subdomain.test(value)) {
        return [
            `${field}: "${value}" is not a valid Kubernetes object name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. "my-app").`,
        ];
    }
    return [];
}

/** @internal */
export function checkRoleName(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    if (value.length > 128 || !vaultRoleName.test(value)) {
        return [
            `${field}: "${value}" is not a valid Vault role name; use letters, digits, '_', '.' and '-' only (no '/' or spaces), starting with a letter or digit.`,
        ];
    }
    return [];
}

/** @internal */
export function checkPolicyName(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    if (value === "root" || value === "default") {
        return [
            `${field}: "${value}" is a built-in Vault policy and must not be overwritten; choose another name, e.g. the service's name.`,
        ];
    }
    if (value.length > 128 || !vaultPolicyName.test(value)) {
        return [
            `${field}: "${value}" is not a valid Vault policy name; use lower-case letters, digits, '_', '.' and '-' (Vault lower-cases policy names, so upper case would never converge).`,
        ];
    }
    return [];
}

/** @internal */
export function checkMountPath(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    if (!vaultMountPath.test(value)) {
        return [
            `${field}: "${value}" is not a valid Vault mount path; use segments of letters, digits, '_', '.' and '-' separated by '/', with no leading or trailing '/' (e.g. "kubernetes" or "k8s/prod").`,
        ];
    }
    const first = value.split("/")[0];
    if (reservedMounts.includes(first)) {
        return [`${field}: "${value}" is under "${first}/", which Vault reserves for itself; choose another path.`];
    }
    return [];
}

/**
 * Two mount paths collide when they are equal or one is a prefix segment of the other (Vault: "path is already in use").
 * @internal
 */
export function mountsCollide(a: string, b: string): boolean {
    return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * The pairs (i < j, in order) of paths that collide (mountsCollide), found through each path's
 * parents rather than by comparing every pair: near-linear for a fleet's thousand mounts.
 * @internal
 */
export function collidingPaths(paths: readonly string[]): [number, number][] {
    const parents = (p: string) =>
        p
            .split("/")
            .map((_, k, parts) => parts.slice(0, k).join("/"))
            .slice(1);
    const at = new Map<string, number[]>(); // a path → the mounts there
    const under = new Map<string, number[]>(); // a path → the mounts below it
    paths.forEach((p, i) => {
        at.set(p, [...(at.get(p) ?? []), i]);
        for (const parent of parents(p)) under.set(parent, [...(under.get(parent) ?? []), i]);
    });
    const pairs: [number, number][] = [];
    paths.forEach((p, j) => {
        const others = [...(at.get(p) ?? []), ...parents(p).flatMap((q) => at.get(q) ?? []), ...(under.get(p) ?? [])];
        for (const i of new Set(others)) if (i < j && mountsCollide(paths[i], p)) pairs.push([i, j]);
    });
    return pairs.sort(([a, b], [c, d]) => a - c || b - d);
}

/** @internal */
export function checkHttpsUrl(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return [`${field}: "${value}" is not a URL; give the API server's address as https://HOST[:PORT].`];
    }
    if (url.protocol !== "https:") {
        return [`${field}: "${value}" must use https:// (Vault talks to the Kubernetes API over TLS); give https://HOST[:PORT].`];
    }
    return [];
}

const pemCertificate = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

/** @internal */
export function checkPemCertificates(field: string, value: string | undefined): string[] {
    if (value === undefined) return [];
    const blocks = value
        .trim()
        .split(/(?<=-----END CERTIFICATE-----)\s*/)
        .filter((b) => b.length > 0);
    if (blocks.length === 0 || !blocks.every((b) => pemCertificate.test(b))) {
        return [
            `${field}: is not a PEM certificate; give the decoded CA text starting with "-----BEGIN CERTIFICATE-----" (a kubeconfig's certificate-authority-data is base64 of it).`,
        ];
    }
    return [];
}

/**
 * PEM public keys or certificates, each parsed for real (Vault would reject the config at apply time).
 * @internal
 */
export function checkPemKeys(field: string, values: readonly unknown[] | undefined): string[] {
    if (values === undefined) return [];
    return values.flatMap((v, i) => {
        if (typeof v !== "string") return []; // an Output: checked by Vault at apply time
        if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v)) {
            return [
                `${field}[${i}]: is a PRIVATE key, which must never be in stack config (pemKeys is not secret); give its public half (openssl pkey -pubout), and replace the key if it was committed.`,
            ];
        }
        try {
            if (!/^-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(v.trim())) throw new Error("not a public key");
            createPublicKey(v);
            return [];
        } catch {
            return [
                `${field}[${i}]: is not a PEM public key or certificate; give the text starting with "-----BEGIN PUBLIC KEY-----" (e.g. the API server's --service-account-key-file).`,
            ];
        }
    });
}

/** @internal */
export function checkRequired(field: string, value: unknown, hint: string): string[] {
    return value === undefined || value === null || value === "" ? [`${field}: is missing; ${hint}`] : [];
}

/**
 * Bound names or namespaces: not empty, and no "*" unless the caller opted in.
 * @internal
 */
export function checkBoundList(field: string, values: string[] | undefined, allowWildcards: boolean): string[] {
    if (values === undefined) return [];
    if (values.length === 0 || values.some((v) => v.trim() === "")) {
        return [`${field}: must list at least one non-empty value; a role bound to nothing lets no one log in.`];
    }
    const wild = values.filter((v) => v.includes("*"));
    if (wild.length > 0 && !allowWildcards) {
        return [
            `${field}: "${wild.join('", "')}" contains "*", which lets every matching account log in with this role; list the exact names, or set allowWildcards: true if that is really intended.`,
        ];
    }
    return [];
}

/**
 * Whether a bound value (possibly a glob with "*") and another can match the same account.
 * @internal
 */
export function boundValuesOverlap(a: string, b: string): boolean {
    const toRegex = (glob: string) => new RegExp(`^${glob.split("*").map(escapeRegex).join(".*")}$`);
    if (!a.includes("*")) return b.includes("*") ? toRegex(b).test(a) : a === b;
    if (!b.includes("*")) return toRegex(a).test(b);
    // Two globs share a match exactly when their heads (before the first "*") and their tails
    // (after the last) agree: "team-*" and "*-api" share "team-api", "team-*" and "ops-*" nothing.
    const head = (g: string) => g.slice(0, g.indexOf("*"));
    const tail = (g: string) => g.slice(g.lastIndexOf("*") + 1);
    const [ha, hb, ta, tb] = [head(a), head(b), tail(a), tail(b)];
    return (ha.startsWith(hb) || hb.startsWith(ha)) && (ta.endsWith(tb) || tb.endsWith(ta));
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** @internal */
export function checkTtls([ttlField, maxTtlField]: [string, string], ttl: number | undefined, maxTtl: number | undefined): string[] {
    const errors: string[] = [];
    for (const [field, value] of [
        [ttlField, ttl],
        [maxTtlField, maxTtl],
    ] as const) {
        if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
            errors.push(`${field}: ${value} is not a positive whole number of seconds; use e.g. 3600.`);
        }
    }
    if (errors.length === 0 && ttl !== undefined && maxTtl !== undefined && ttl > maxTtl) {
        errors.push(`${ttlField}: ${ttl}s is above tokenMaxTtl ${maxTtl}s; lower tokenTtl or raise tokenMaxTtl.`);
    }
    return errors;
}

/** @internal */
export function checkOneOf(field: string, value: string | undefined, allowed: readonly string[]): string[] {
    if (value === undefined || allowed.includes(value)) return [];
    return [`${field}: "${value}" is not one of ${allowed.map((a) => `"${a}"`).join(", ")}.`];
}

/**
 * Reports values that appear more than once.
 * @internal
 */
export function checkUnique(field: string, values: string[]): string[] {
    const seen = new Set<string>();
    const dups = new Set<string>();
    for (const v of values) (seen.has(v) ? dups : seen).add(v);
    return [...dups].map((d) => `${field}: "${d}" is used more than once; each must be unique.`);
}
