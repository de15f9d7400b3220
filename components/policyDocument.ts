/**
 * Typed Vault policy rules and their rendering to a JSON policy document (Vault accepts JSON as
 * well as HCL), so no policy text is ever assembled by string concatenation.
 *
 * kv-v2 awareness: on a kv-v2 mount, Vault checks API paths `<mount>/<prefix>/<key>` (prefix one of
 * data, metadata, delete, undelete, destroy, subkeys), while users (and the `vault kv` CLI) think in
 * logical paths `<mount>/<key>`. A rule written with the logical path is expanded to the API paths
 * Vault really checks, capability by capability:
 *
 * | rule capability on `<mount>/<key>` | rendered                                                          |
 * | ---------------------------------- | ----------------------------------------------------------------- |
 * | create, read, update, patch        | `<mount>/data/<key>`: the same capability                         |
 * | list                               | `<mount>/metadata/<key>`: list                                    |
 * | sudo                               | `<mount>/data/<key>` and `<mount>/metadata/<key>`: sudo           |
 * | deny                               | every prefix (data, metadata, delete, undelete, destroy, subkeys) |
 * | delete                             | rejected: ambiguous, use one of the kv-v2 actions below           |
 * | delete-versions (soft, undoable)   | `<mount>/data/<key>`: delete; `<mount>/delete/<key>`: update      |
 * | undelete-versions                  | `<mount>/undelete/<key>`: update                                  |
 * | destroy-versions (permanent)       | `<mount>/destroy/<key>`: update                                   |
 * | delete-metadata (permanent, all)   | `<mount>/metadata/<key>`: delete                                  |
 * | read-metadata                      | `<mount>/metadata/<key>`: read                                    |
 *
 * `read` stays on data/ only, as before (a rule renders nothing it does not name, and `read-metadata`
 * must not reveal a secret's key names), so nothing but `deny` reaches subkeys/ or the mount's config
 * endpoint: grant those with `apiPath: true`, e.g. {path: "secret/subkeys/app/*", apiPath: true,
 * capabilities: ["read"]}. The kv-v2 actions are valid only on logical kv-v2 paths;
 * the rendered document only ever holds real Vault capabilities.
 *
 * Which paths are logical: `apiPath: true` marks a Vault API path, rendered exactly as written (no
 * kv-v2 actions then); `apiPath: false` marks a logical path, always expanded (so `secret/data/x` is a
 * folder named "data"). Unset, a path on a kv-v2 mount is logical, unless its first segment after the
 * mount is an API name (config, data, metadata, delete, undelete, destroy, subkeys): that is ambiguous
 * and rejected. Paths on no kv-v2 mount (a kv-v1 mount such as the guide's `my-app/*`, `sys/...`) are
 * always rendered as written: `apiPath: true` is accepted there and changes nothing, while
 * `apiPath: false` (like a kv-v2 action) is rejected, since nothing could expand it.
 */

export const capabilityNames = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny"] as const;
export type Capability = (typeof capabilityNames)[number];

/** Spelled-out kv-v2 actions, valid only on logical paths of a kv-v2 mount (see the table above). */
export const kvV2Actions = ["delete-versions", "undelete-versions", "destroy-versions", "delete-metadata", "read-metadata"] as const;
export type KvV2Action = (typeof kvV2Actions)[number];

/** Everything a rule may list: Vault capabilities and, on logical kv-v2 paths, kv-v2 actions. */
export const RuleCapability = {
    create: "create",
    read: "read",
    update: "update",
    patch: "patch",
    delete: "delete",
    list: "list",
    sudo: "sudo",
    deny: "deny",
    deleteVersions: "delete-versions",
    undeleteVersions: "undelete-versions",
    destroyVersions: "destroy-versions",
    deleteMetadata: "delete-metadata",
    readMetadata: "read-metadata",
} as const;
export type RuleCapability = (typeof RuleCapability)[keyof typeof RuleCapability];
export const ruleCapabilityNames = Object.values(RuleCapability);

export interface PolicyRule {
    /** Path the rule grants, without a leading "/", e.g. "my-app/*" or, on a kv-v2 mount, "secret/my-app/*". */
    readonly path: string;
    /** Capabilities on that path, e.g. ["read", "list"]; on a logical kv-v2 path also kv-v2 actions. */
    readonly capabilities: RuleCapability[];
    /**
     * true: the path is a Vault API path, rendered as written. false: a logical kv-v2 path, always
     * expanded. Unset: logical on a kv-v2 mount (an error when ambiguous), as written elsewhere.
     * Default: unset.
     * @default unset
     */
    readonly apiPath?: boolean;
}

/** One `path` stanza of the rendered document, as Vault evaluates it. */
export interface PolicyPath {
    path: string;
    capabilities: Capability[];
}

/** The API prefixes of a kv-v2 mount that address one key. */
const kvV2ApiPrefixes = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"] as const;
type KvV2ApiPrefix = (typeof kvV2ApiPrefixes)[number];
/** First segments after a kv-v2 mount that name an API endpoint: ambiguous in a rule without apiPath. */
const kvV2ApiSegments: readonly string[] = [...kvV2ApiPrefixes, "config"];

/** What each rule capability on a logical kv-v2 path becomes: [API prefix, Vault capability] pairs. */
const kvV2Expansion: Record<RuleCapability, readonly (readonly [KvV2ApiPrefix, Capability])[]> = {
    create: [["data", "create"]],
    read: [["data", "read"]],
    update: [["data", "update"]],
    patch: [["data", "patch"]],
    delete: [], // rejected by the checks: ambiguous
    list: [["metadata", "list"]],
    sudo: [
        ["data", "sudo"],
        ["metadata", "sudo"],
    ],
    deny: kvV2ApiPrefixes.map((p) => [p, "deny"] as const),
    "delete-versions": [
        ["data", "delete"],
        ["delete", "update"],
    ],
    "undelete-versions": [["undelete", "update"]],
    "destroy-versions": [["destroy", "update"]],
    "delete-metadata": [["metadata", "delete"]],
    "read-metadata": [["metadata", "read"]],
};

const isKvV2Action = (c: string): c is KvV2Action => (kvV2Actions as readonly string[]).includes(c);
const isRuleCapability = (c: string): c is RuleCapability => (ruleCapabilityNames as readonly string[]).includes(c);

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, "");
const kvV2ActionList = kvV2Actions.join(", ");

/** The kv-v2 mount a path lives on (the longest match), if any. */
function kvV2MountOf(path: string, kvV2Mounts: readonly string[]): string | undefined {
    return kvV2Mounts
        .map(trimSlashes)
        .filter((m) => m !== "" && (path === m || path.startsWith(`${m}/`)))
        .sort((a, b) => b.length - a.length)[0];
}

/** How a rule's path is read: as written (on no kv-v2 mount, or an API path on one) or as a logical kv-v2 path. */
type Reading = { kind: "not-kv-v2" } | { kind: "api"; mount: string } | { kind: "logical"; mount: string; key: string };

/** The reading of a well-formed path, or the errors that make it unreadable. */
function readPath(at: string, rule: PolicyRule, kvV2Mounts: readonly string[]): Reading | string[] {
    const mount = kvV2MountOf(rule.path, kvV2Mounts);
    if (mount === undefined) {
        if (rule.apiPath === false) {
            return [
                `${at}.apiPath: false asks for kv-v2 expansion, but "${rule.path}" is on no kv-v2 mount; list its mount in kvV2Mounts if it is kv-v2, or remove apiPath.`,
            ];
        }
        return { kind: "not-kv-v2" };
    }
    if (rule.apiPath === true) return { kind: "api", mount };
    const key = rule.path.slice(mount.length + 1);
    const first = key.split("/")[0];
    if (rule.apiPath === undefined && kvV2ApiSegments.includes(first)) {
        return [
            `${at}.path: "${rule.path}" starts with "${first}" right after the kv-v2 mount "${mount}", which is also a kv-v2 API endpoint; set apiPath: true if you mean the API path, rendered as written, or apiPath: false if "${first}" is a folder or secret of yours (then "${mount}/data/${key}" and so on).`,
        ];
    }
    if (key === "") {
        return [
            `${at}.path: "${rule.path}" is the kv-v2 mount "${mount}" itself, not a secret in it; write "${mount}/*" for every secret on the mount, or set apiPath: true to grant on "${rule.path}" as written.`,
        ];
    }
    return { kind: "logical", mount, key };
}

/** Every problem of one rule, each as `<at>.<prop>: <what is wrong>; <how to fix>`. */
function ruleErrors(at: string, rule: PolicyRule, kvV2Mounts: readonly string[]): string[] {
    const errors: string[] = [];
    let pathOk = false;
    if (typeof rule.path !== "string" || rule.path.trim() === "") {
        errors.push(`${at}.path: is empty; give the Vault path the rule grants, e.g. "secret/my-app/*".`);
    } else if (rule.path.startsWith("/")) {
        errors.push(`${at}.path: "${rule.path}" starts with "/"; Vault paths are relative, write "${rule.path.replace(/^\/+/, "")}".`);
    } else if (/\s/.test(rule.path)) {
        errors.push(`${at}.path: "${rule.path}" contains whitespace; Vault paths cannot, remove it.`);
    } else {
        pathOk = true;
    }
    if (rule.apiPath !== undefined && typeof rule.apiPath !== "boolean") {
        errors.push(
            `${at}.apiPath: ${JSON.stringify(rule.apiPath)} is not a boolean; set true (a Vault API path, rendered as written) or false (a logical kv-v2 path, expanded), or leave it out.`,
        );
        pathOk = false;
    }
    const reading = pathOk ? readPath(at, rule, kvV2Mounts) : [];
    if (Array.isArray(reading)) errors.push(...reading);

    if (!Array.isArray(rule.capabilities) || rule.capabilities.length === 0) {
        errors.push(
            `${at}.capabilities: is empty; list at least one of ${capabilityNames.join(", ")} (on a logical kv-v2 path also ${kvV2ActionList}).`,
        );
        return errors;
    }
    for (const c of rule.capabilities) {
        if (!isRuleCapability(c)) {
            errors.push(
                `${at}.capabilities: "${c}" is not a Vault capability or kv-v2 action; use one of ${capabilityNames.join(", ")}, or on a logical kv-v2 path ${kvV2ActionList}.`,
            );
        }
    }
    if (rule.capabilities.includes("deny") && rule.capabilities.length > 1) {
        errors.push(`${at}.capabilities: "deny" overrides every other capability on the path; list it alone.`);
    }
    if (Array.isArray(reading)) return errors; // kv-v2 actions need a readable path: its errors come first
    for (const c of rule.capabilities.filter(isKvV2Action)) {
        if (reading.kind === "not-kv-v2") {
            errors.push(
                `${at}.capabilities: "${c}" is a kv-v2 action, valid only on a logical path of a kv-v2 mount, and "${rule.path}" is on no kv-v2 mount; list its mount in kvV2Mounts if it is kv-v2, or use Vault capabilities (${capabilityNames.join(", ")}).`,
            );
        } else if (reading.kind === "api") {
            const [first, ...rest] = rule.path.slice(reading.mount.length + 1).split("/");
            const logical =
                kvV2ApiSegments.includes(first) && rest.length > 0 ? `${reading.mount}/${rest.join("/")}` : `${reading.mount}/<key>`;
            errors.push(
                `${at}.capabilities: "${c}" is a kv-v2 action, valid only on a logical path, and apiPath: true renders "${rule.path}" as written; grant Vault capabilities on the API path instead, or remove apiPath and write the logical path, e.g. "${logical}".`,
            );
        }
    }
    if (reading.kind === "logical" && rule.capabilities.includes("delete")) {
        errors.push(
            `${at}.capabilities: "delete" on the kv-v2 path "${rule.path}" is ambiguous (soft delete of the latest version, of chosen versions, permanent destroy, or every version with the metadata); use delete-versions (soft, undoable), undelete-versions, destroy-versions (permanent, chosen versions) or delete-metadata (permanent, every version and the metadata), or set apiPath: true and grant "delete" on the API path, e.g. "${reading.mount}/data/${reading.key}".`,
        );
    }
    return errors;
}

/**
 * Checks a policy's rules: paths, capabilities, kv-v2 actions and apiPath. Pass the kv-v2 mounts the
 * rules refer to (as to renderPolicy): without them no path is on a kv-v2 mount, and kv-v2 actions
 * and apiPath: false are errors.
 */
export function checkPolicyRules(field: string, rules: PolicyRule[], kvV2Mounts: readonly string[] = []): string[] {
    const errors: string[] = [];
    if (rules.length === 0) {
        errors.push(`${field}: must have at least one rule; a policy that grants nothing gives the service nothing to do.`);
    }
    rules.forEach((rule, i) => errors.push(...ruleErrors(`${field}[${i}]`, rule, kvV2Mounts)));
    return errors;
}

/**
 * Checks a list of kv-v2 mounts as Vault would mount them: a mount equal to another, or nested in
 * another (one a path-prefix of the other, e.g. "secret" and "secret/team"), is refused by Vault
 * with "path is already in use".
 */
export function checkKvV2Mounts(field: string, kvV2Mounts: readonly string[]): string[] {
    const errors: string[] = [];
    const mounts = kvV2Mounts.map((m) => (typeof m === "string" ? trimSlashes(m) : ""));
    mounts.forEach((b, j) => {
        for (let i = 0; i < j; i++) {
            const a = mounts[i];
            if (a === "" || b === "") continue;
            if (a === b) {
                errors.push(`${field}[${j}]: "${kvV2Mounts[j]}" is listed twice (also ${field}[${i}]); remove one.`);
            } else if (b.startsWith(`${a}/`) || a.startsWith(`${b}/`)) {
                const [outer, inner] = b.startsWith(`${a}/`) ? [a, b] : [b, a];
                errors.push(
                    `${field}[${j}]: "${kvV2Mounts[j]}" and ${field}[${i}] "${kvV2Mounts[i]}" are nested ("${inner}" lies under "${outer}"), which Vault refuses ("path is already in use"); list only the mount that exists, or move one of them to a path outside the other.`,
                );
            }
        }
    });
    return errors;
}

/** Expands a rule already known to be valid. */
function expandValid(rule: PolicyRule, kvV2Mounts: readonly string[]): PolicyPath[] {
    const reading = readPath("rule", rule, kvV2Mounts) as Reading;
    if (reading.kind !== "logical") {
        return [{ path: rule.path, capabilities: capabilityNames.filter((c) => rule.capabilities.includes(c)) }];
    }
    const byPrefix = new Map<KvV2ApiPrefix, Set<Capability>>();
    for (const c of rule.capabilities) {
        for (const [prefix, capability] of kvV2Expansion[c]) {
            byPrefix.set(prefix, (byPrefix.get(prefix) ?? new Set()).add(capability));
        }
    }
    return kvV2ApiPrefixes
        .filter((p) => byPrefix.has(p))
        .map((p) => ({
            path: `${reading.mount}/${p}/${reading.key}`,
            capabilities: capabilityNames.filter((c) => byPrefix.get(p)!.has(c)),
        }));
}

function throwIfErrors(errors: string[]): void {
    if (errors.length > 0) throw new Error(`cannot render the policy:\n  - ${errors.join("\n  - ")}`);
}

/** The path stanzas Vault will evaluate for one rule. Throws on a rule checkPolicyRules rejects. */
export function expandRule(rule: PolicyRule, kvV2Mounts: readonly string[]): PolicyPath[] {
    throwIfErrors(ruleErrors("rule", rule, kvV2Mounts));
    return expandValid(rule, kvV2Mounts);
}

/**
 * Expands, merges duplicate paths and sorts, so the same rules always render the same document.
 * Throws, listing every problem, on rules checkPolicyRules rejects or mounts checkKvV2Mounts rejects;
 * `field` names the rules in those messages.
 */
export function policyPaths(rules: readonly PolicyRule[], kvV2Mounts: readonly string[], field = "rules"): PolicyPath[] {
    throwIfErrors([
        ...checkKvV2Mounts("kvV2Mounts", kvV2Mounts),
        ...rules.flatMap((rule, i) => ruleErrors(`${field}[${i}]`, rule, kvV2Mounts)),
    ]);
    const merged = new Map<string, Set<Capability>>();
    for (const rule of rules) {
        for (const p of expandValid(rule, kvV2Mounts)) {
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

/** The policy as Vault's JSON policy syntax: {"path": {"<path>": {"capabilities": [...]}}}. Throws like policyPaths. */
export function renderPolicy(rules: readonly PolicyRule[], kvV2Mounts: readonly string[], field = "rules"): string {
    const document = {
        path: Object.fromEntries(policyPaths(rules, kvV2Mounts, field).map((p) => [p.path, { capabilities: p.capabilities }])),
    };
    return JSON.stringify(document, null, 2);
}
