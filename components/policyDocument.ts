/**
 * Typed Vault policy rules and their rendering to a JSON policy document (Vault accepts JSON as
 * well as HCL), so no policy text is ever assembled by string concatenation.
 *
 * kv-v2 awareness: on a kv-v2 mount, Vault checks `<mount>/data/<key>` for reads and writes and
 * `<mount>/metadata/<key>` for listing, while users (and the `vault kv` CLI) think in logical paths
 * `<mount>/<key>`. A rule written with the logical path is expanded to the paths Vault really checks.
 * Rules on anything else (a kv-v1 mount such as the guide's `my-app/*`, `sys/...`) stay as written.
 */

export const capabilityNames = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny"] as const;
export type Capability = (typeof capabilityNames)[number];

export interface PolicyRule {
    /** Path the rule grants, without a leading "/", e.g. "my-app/*" or, on a kv-v2 mount, "secret/my-app/*". */
    path: string;
    /** Capabilities on that path, e.g. ["read", "list"]. */
    capabilities: Capability[];
}

/** One `path` stanza of the rendered document, as Vault evaluates it. */
export interface PolicyPath {
    path: string;
    capabilities: Capability[];
}

/** Capabilities that act on a kv-v2 secret's data; the rest of a rule goes to its metadata. */
const kvV2DataCapabilities: ReadonlySet<Capability> = new Set(["create", "read", "update", "patch", "delete", "sudo", "deny"]);
const kvV2MetadataCapabilities: ReadonlySet<Capability> = new Set(["list", "sudo", "deny"]);
/** Second path segments that already address a kv-v2 API endpoint: such rules are left as written. */
const kvV2ApiSegments = new Set(["data", "metadata", "delete", "undelete", "destroy", "subkeys", "config"]);

export function checkPolicyRules(field: string, rules: PolicyRule[]): string[] {
    const errors: string[] = [];
    if (rules.length === 0) {
        errors.push(`${field}: must have at least one rule; a policy that grants nothing gives the service nothing to do.`);
    }
    rules.forEach((rule, i) => {
        const at = `${field}[${i}]`;
        if (typeof rule.path !== "string" || rule.path.trim() === "") {
            errors.push(`${at}.path: is empty; give the Vault path the rule grants, e.g. "secret/my-app/*".`);
        } else if (rule.path.startsWith("/")) {
            errors.push(`${at}.path: "${rule.path}" starts with "/"; Vault paths are relative, write "${rule.path.replace(/^\/+/, "")}".`);
        } else if (/\s/.test(rule.path)) {
            errors.push(`${at}.path: "${rule.path}" contains whitespace; Vault paths cannot.`);
        }
        if (!Array.isArray(rule.capabilities) || rule.capabilities.length === 0) {
            errors.push(`${at}.capabilities: is empty; list at least one of ${capabilityNames.join(", ")}.`);
            return;
        }
        for (const c of rule.capabilities) {
            if (!(capabilityNames as readonly string[]).includes(c)) {
                errors.push(`${at}.capabilities: "${c}" is not a Vault capability; use one of ${capabilityNames.join(", ")}.`);
            }
        }
        if (rule.capabilities.includes("deny") && rule.capabilities.length > 1) {
            errors.push(`${at}.capabilities: "deny" overrides every other capability on the path; list it alone.`);
        }
    });
    return errors;
}

/** The kv-v2 mount a path lives on (the longest match), if any. */
function kvV2MountOf(path: string, kvV2Mounts: readonly string[]): string | undefined {
    return kvV2Mounts.filter((m) => path === m || path.startsWith(`${m}/`)).sort((a, b) => b.length - a.length)[0];
}

/** The path stanzas Vault will evaluate for one rule. */
export function expandRule(rule: PolicyRule, kvV2Mounts: readonly string[]): PolicyPath[] {
    const mount = kvV2MountOf(rule.path, kvV2Mounts);
    if (mount === undefined) {
        return [{ path: rule.path, capabilities: [...rule.capabilities] }];
    }
    const rest = rule.path.slice(mount.length + 1);
    if (kvV2ApiSegments.has(rest.split("/")[0])) {
        return [{ path: rule.path, capabilities: [...rule.capabilities] }];
    }
    const data = rule.capabilities.filter((c) => kvV2DataCapabilities.has(c));
    const metadata = rule.capabilities.filter((c) => kvV2MetadataCapabilities.has(c));
    const expanded: PolicyPath[] = [];
    if (data.length > 0) expanded.push({ path: `${mount}/data/${rest}`, capabilities: data });
    if (metadata.length > 0) expanded.push({ path: `${mount}/metadata/${rest}`, capabilities: metadata });
    return expanded;
}

/** Expands, merges duplicate paths and sorts, so the same rules always render the same document. */
export function policyPaths(rules: readonly PolicyRule[], kvV2Mounts: readonly string[]): PolicyPath[] {
    const merged = new Map<string, Set<Capability>>();
    for (const rule of rules) {
        for (const p of expandRule(rule, kvV2Mounts)) {
            const caps = merged.get(p.path) ?? new Set<Capability>();
            p.capabilities.forEach((c) => caps.add(c));
            merged.set(p.path, caps);
        }
    }
    return [...merged.keys()].sort().map((path) => {
        const caps = merged.get(path)!;
        // "deny" wins over anything else Vault would see on the same path.
        const ordered = caps.has("deny") ? (["deny"] as Capability[]) : capabilityNames.filter((c) => caps.has(c));
        return { path, capabilities: ordered };
    });
}

/** The policy as Vault's JSON policy syntax: {"path": {"<path>": {"capabilities": [...]}}}. */
export function renderPolicy(rules: readonly PolicyRule[], kvV2Mounts: readonly string[]): string {
    const document = {
        path: Object.fromEntries(policyPaths(rules, kvV2Mounts).map((p) => [p.path, { capabilities: p.capabilities }])),
    };
    return JSON.stringify(document, null, 2);
}
