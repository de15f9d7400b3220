// TEST-HARNESS STAND-IN for the official Pulumi `vault` resource plugin.
// Helpers for the property values the Pulumi engine sends: secret wrappers,
// unknown (preview) sentinels, and the zero-value normalisation used by diff.

/** Engine's wire encoding of a secret: {[SECRET_SIG_KEY]: SECRET_SIG, value: X}. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Engine's wire encoding of a value not known yet (only during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

interface SecretWrapper {
    [SECRET_SIG_KEY]: string;
    value: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isSecret(v: unknown): v is SecretWrapper {
    return isObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): SecretWrapper {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Deeply strips secret wrappers, giving the plain value to send to Vault. */
export function unwrap(v: unknown): unknown {
    if (isSecret(v)) {
        return unwrap(v.value);
    }
    if (Array.isArray(v)) {
        return v.map(unwrap);
    }
    if (isObject(v)) {
        const out: Props = {};
        for (const [k, x] of Object.entries(v)) {
            out[k] = unwrap(x);
        }
        return out;
    }
    return v;
}

export function unwrapProps(p: Props | undefined): Props {
    return (unwrap(p ?? {}) as Props) ?? {};
}

/** Whether `test` holds for `v` or anything nested in it. */
function someDeep(v: unknown, test: (x: unknown) => boolean): boolean {
    if (test(v)) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some((x) => someDeep(x, test));
    }
    if (isObject(v)) {
        return Object.values(v).some((x) => someDeep(x, test));
    }
    return false;
}

export function containsSecret(v: unknown): boolean {
    return someDeep(v, isSecret);
}

export function containsUnknown(v: unknown): boolean {
    return someDeep(v, (x) => x === UNKNOWN);
}

/** protobuf Struct.fromJavaScript rejects `undefined`: drop it from objects, null it in arrays. */
export function clean(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map((x) => (x === undefined ? null : clean(x)));
    }
    if (isObject(v)) {
        const out: Props = {};
        for (const [k, x] of Object.entries(v)) {
            if (x !== undefined) {
                out[k] = clean(x);
            }
        }
        return out;
    }
    return v;
}

export type Kind = "string" | "bool" | "int" | "list" | "set" | "map" | "object";

export interface FieldSpec {
    kind: Kind;
    /** A change replaces the resource (Terraform ForceNew). */
    forceNew?: boolean;
    /** Optional+Computed: when the program leaves it unset, whatever Vault reports is accepted. */
    computed?: boolean;
    /** Sent to Vault but never stored in outputs and never diffed (Terraform write-only). */
    writeOnly?: boolean;
    required?: boolean;
    /** Default filled in by check, like the bridge applies Terraform schema defaults. */
    default?: unknown;
    /** The stand-in does not implement it: setting it to a non-zero value fails check. */
    unsupported?: boolean;
}

export type Fields = Record<string, FieldSpec>;

/**
 * Normalises a value for comparison. Unset equals the type's zero value, as in the
 * Terraform SDK the official plugin is built on, so Vault reporting `token_ttl: 0`
 * for an unset tokenTtl is not drift.
 */
export function normalize(kind: Kind, v: unknown): unknown {
    switch (kind) {
        case "string":
            return v === undefined || v === null ? "" : String(v);
        case "bool":
            return v === true;
        case "int":
            return v === undefined || v === null || v === "" ? 0 : Number(v);
        case "list":
            return Array.isArray(v) ? v.map((x) => String(x)) : [];
        case "set":
            return Array.isArray(v) ? [...new Set(v.map((x) => String(x)))].sort() : [];
        case "map": {
            if (!isObject(v)) {
                return [];
            }
            return Object.keys(v)
                .sort()
                .map((k) => [k, String(v[k])]);
        }
        case "object":
            return isObject(v) ? v : {};
    }
}

export function isZero(kind: Kind, v: unknown): boolean {
    return JSON.stringify(normalize(kind, v)) === JSON.stringify(normalize(kind, undefined));
}

export function sameValue(kind: Kind, oldV: unknown, newV: unknown): boolean {
    if (kind === "object") {
        // Nested blocks (AuthBackend.tune): only the keys the program sets are compared.
        const o = normalize("object", oldV) as Props;
        const n = normalize("object", newV) as Props;
        return Object.keys(n).every((k) => n[k] === undefined || JSON.stringify(o[k] ?? null) === JSON.stringify(n[k] ?? null));
    }
    return JSON.stringify(normalize(kind, oldV)) === JSON.stringify(normalize(kind, newV));
}

export function str(v: unknown): string | undefined {
    return v === undefined || v === null ? undefined : String(v);
}

export function trimSlashes(s: string): string {
    return s.replace(/^\/+|\/+$/g, "");
}
