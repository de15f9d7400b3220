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

import { InvalidInputError } from "./invalidInput";
import { mountsCollide } from "./validation";
import { comparePriority, formatPattern, intersectPatterns, parsePattern, patternContains, samplePath } from "./policyPatterns";
import {
    Capability,
    capabilityNames,
    KvV2Action,
    kvV2Actions,
    PolicyRule,
    PolicyStanza,
    RuleCapability,
    ruleCapabilityNames,
} from "./policyRules";

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

/**
 * What makes a path's shape one Vault would read otherwise than it looks, or never match: `*` only
 * ends a path, `+` is a whole segment, no empty, `.` or `..` segment, no control character.
 */
function pathShapeError(path: string): string | undefined {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(path)) return "contains a control character; remove it.";
    const body = path.endsWith("*") ? path.slice(0, -1) : path;
    if (body.includes("*"))
        return 'has "*" before its end, where Vault reads it as a plain character; "*" only ends a path (e.g. "app/*").';
    const segments = body.split("/");
    const last = segments.length - 1;
    for (const [i, s] of segments.entries()) {
        if (s.includes("+") && s !== "+") {
            return `has "+" inside the segment "${s}${i === last && path.endsWith("*") ? "*" : ""}"; "+" matches one whole segment (e.g. "app/+/config"), write it alone between slashes.`;
        }
        if (s === "" && !(i === last && path.endsWith("*") && i > 0)) {
            return i === last
                ? 'ends with "/", which no request path matches; write "…/*" for everything under it, or drop the "/".'
                : 'has an empty segment ("//"); write a single "/".';
        }
        if (s === "." || s === "..") return `has a "${s}" segment, which Vault does not resolve; write the path it stands for.`;
    }
    return undefined;
}

/**
 * An API path on a kv-v2 mount that matches nothing Vault checks, or several endpoints at once: the
 * same findings as the policy pack's vault-policy-kv-v2-paths, so nothing rendered is flagged there.
 */
function kvV2ApiPathErrors(at: string, rule: PolicyRule, mount: string): string[] {
    const [first, ...rest] = rule.path.slice(mount.length + 1).split("/");
    const key = rest.join("/") || "<key>";
    const caps = rule.capabilities;
    if (first === "+" || first.includes("*")) {
        if (caps.every((c) => c === "deny")) return [];
        return [
            `${at}.path: "${rule.path}" (apiPath: true) matches several API endpoints of the kv-v2 mount "${mount}" at once with "${first}", so ${caps.join(", ")} would apply on data/, metadata/, destroy/… alike; name the endpoint, or remove apiPath and write the logical path "${mount}/${key}".`,
        ];
    }
    if (!kvV2ApiSegments.includes(first)) {
        return [
            `${at}.path: "${rule.path}" (apiPath: true) is on the kv-v2 mount "${mount}", where Vault checks only API paths (${mount}/data/…, ${mount}/metadata/…), so it matches nothing; remove apiPath to have it expanded, or write the API path.`,
        ];
    }
    if (first === "data" && caps.every((c) => c === "list")) {
        return [
            `${at}.capabilities: "list" on "${rule.path}" matches nothing: Vault checks list on kv-v2 metadata/; write "${mount}/metadata/${key}".`,
        ];
    }
    return [];
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
        const shape = pathShapeError(rule.path);
        if (shape) errors.push(`${at}.path: "${rule.path}" ${shape}`);
        pathOk = shape === undefined;
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
    if (reading.kind === "api") errors.push(...kvV2ApiPathErrors(at, rule, reading.mount));
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
 * @internal
 */
export function checkPolicyRules(field: string, rules: PolicyRule[], kvV2Mounts: readonly string[] = []): string[] {
    if (rules.length === 0) {
        return [`${field}: must have at least one rule; a policy that grants nothing gives the service nothing to do.`];
    }
    return readRules(rules, kvV2Mounts, field).problems;
}

/**
 * Checks a list of kv-v2 mounts as Vault would mount them: a mount equal to another, or nested in
 * another (one a path-prefix of the other, e.g. "secret" and "secret/team"), is refused by Vault
 * with "path is already in use".
 * @internal
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
            } else if (mountsCollide(a, b)) {
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
function expandValid(rule: PolicyRule, kvV2Mounts: readonly string[]): PolicyStanza[] {
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

function refuseToRender(problems: readonly string[]): void {
    if (problems.length > 0) throw new InvalidInputError("cannot render the policy", problems);
}

/**
 * The path stanzas Vault will evaluate for one rule. Throws on a rule checkPolicyRules rejects.
 * @internal
 */
export function expandRule(rule: PolicyRule, kvV2Mounts: readonly string[]): PolicyStanza[] {
    refuseToRender(ruleErrors("rule", rule, kvV2Mounts));
    return expandValid(rule, kvV2Mounts);
}

/**
 * The problems of rules, and when they have none, what they render to: each rule's own checks
 * first, then the fold's refusals (policyPaths). checkPolicyRules reports the problems before
 * anything is registered; the component renders the stanzas of rules it has checked.
 */
function readRules(
    rules: readonly PolicyRule[],
    kvV2Mounts: readonly string[],
    field: string,
): { problems: string[]; stanzas: PolicyStanza[] } {
    const problems = rules.flatMap((rule, i) => ruleErrors(`${field}[${i}]`, rule, kvV2Mounts));
    return problems.length > 0 ? { problems, stanzas: [] } : foldRules(rules, kvV2Mounts, field);
}

/**
 * Renders what a list of rules means: on every path, the union of what the rules that match it
 * grant, and nothing where any of them denies. Vault itself applies only the highest-priority
 * pattern of a policy that matches a path, so the renderer folds: where patterns overlap it adds
 * their intersection, and every pattern gets the grants of all the patterns that contain it (or
 * deny). Where Vault would still let a broader pattern win over a narrower one with other grants,
 * or the overlap is no Vault pattern, the rules are refused with the reason.
 *
 * Throws, listing every problem, on rules checkPolicyRules rejects or mounts checkKvV2Mounts rejects;
 * `field` names the rules in those messages. The same rules always render the same document.
 * @internal
 */
export function policyPaths(rules: readonly PolicyRule[], kvV2Mounts: readonly string[], field = "rules"): PolicyStanza[] {
    refuseToRender(checkKvV2Mounts("kvV2Mounts", kvV2Mounts));
    const { problems, stanzas } = readRules(rules, kvV2Mounts, field);
    refuseToRender(problems);
    return stanzas;
}

/** The fold policyPaths describes, of rules that passed their own checks: the stanzas, or why they cannot be folded. */
function foldRules(
    rules: readonly PolicyRule[],
    kvV2Mounts: readonly string[],
    field: string,
): { problems: string[]; stanzas: PolicyStanza[] } {
    // The rules' own stanzas, the same path's grants merged, each with the rules it came from.
    const own = new Map<string, { caps: Set<Capability>; from: Set<number> }>();
    rules.forEach((rule, i) => {
        for (const p of expandValid(rule, kvV2Mounts)) {
            const entry = own.get(p.path) ?? { caps: new Set<Capability>(), from: new Set<number>() };
            p.capabilities.forEach((c) => entry.caps.add(c));
            entry.from.add(i);
            own.set(p.path, entry);
        }
    });
    const { patterns, errors, tooMany } = closeUnderOverlap([...own.keys()], (a, b) => sameGrants(own.get(a)?.caps, own.get(b)?.caps));
    if (tooMany) {
        return {
            problems: [`${field}: the rules overlap into more than ${maxStanzas} patterns; split them over fewer, less entangled paths.`],
            stanzas: [],
        };
    }
    const grantsOn = (pattern: string): Set<Capability> => {
        const caps = new Set<Capability>();
        for (const [outer, entry] of own) if (patternContains(outer, pattern)) entry.caps.forEach((c) => caps.add(c));
        return caps.has("deny") ? new Set(["deny"]) : caps;
    };
    const stanzas = new Map(patterns.map((p) => [p, grantsOn(p)]));
    const rulesOf = (pattern: string) =>
        [...own].filter(([outer]) => patternContains(outer, pattern) || patternContains(pattern, outer)).flatMap(([, e]) => [...e.from]);
    const describe = (indices: number[]) => [...new Set(indices)].sort((a, b) => a - b).map((i) => `${field}[${i}] "${rules[i].path}"`);
    const refusals = errors.map(
        ({ a, b }) =>
            `${describe([...rulesOf(a), ...rulesOf(b)]).join(" and ")}: their patterns "${a}" and "${b}" overlap on paths no Vault pattern can name, so their grants cannot be combined there; make one of them name whole segments (e.g. "+" or a literal instead of a partial "…*"), or keep them apart.`,
    );
    // A narrower pattern with other grants than a broader one it lies in must win where both match.
    for (const [inner, innerCaps] of stanzas) {
        for (const [outer, outerCaps] of stanzas) {
            if (inner === outer || !patternContains(outer, inner) || sameGrants(innerCaps, outerCaps)) continue;
            if (comparePriority(outer, inner) > 0) {
                refusals.push(
                    `${describe([...rulesOf(inner), ...rulesOf(outer)]).join(" and ")}: on "${samplePath(inner)}" Vault applies the broader pattern "${outer}" (${[...outerCaps].join(", ") || "nothing"}) over "${inner}" (${[...innerCaps].join(", ")}), by its priority rules, so these rules cannot mean the union of their grants there; write the narrower rule with a wildcard no earlier than the broader one's, or grant the same on both.`,
                );
            }
        }
    }
    if (refusals.length > 0) return { problems: [...new Set(refusals)], stanzas: [] };
    return {
        problems: [],
        stanzas: [...stanzas]
            .filter(([, caps]) => caps.size > 0)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([path, caps]) => ({ path, capabilities: caps.has("deny") ? ["deny"] : capabilityNames.filter((c) => caps.has(c)) })),
    };
}

/** At most this many stanzas: rules that overlap more than this are refused, not rendered slowly. */
const maxStanzas = 1000;

function sameGrants(a: Set<Capability> | undefined, b: Set<Capability> | undefined): boolean {
    return a !== undefined && b !== undefined && a.size === b.size && [...a].every((c) => b.has(c));
}

/**
 * The patterns and every intersection of overlapping ones, repeated until nothing new appears.
 * Overlaps no pattern can name are reported, unless both sides grant the same.
 */
function closeUnderOverlap(
    start: string[],
    grantSame: (a: string, b: string) => boolean,
): { patterns: string[]; errors: { a: string; b: string }[]; tooMany: boolean } {
    const patterns = [...new Set(start)];
    const known = new Set(patterns);
    const errors: { a: string; b: string }[] = [];
    for (let j = 1; j < patterns.length; j++) {
        for (let i = 0; i < j; i++) {
            const overlap = intersectPatterns(parsePattern(patterns[i]), parsePattern(patterns[j]));
            if (overlap === "none") continue;
            if (overlap === "inexpressible") {
                if (!grantSame(patterns[i], patterns[j])) errors.push({ a: patterns[i], b: patterns[j] });
                continue;
            }
            const p = formatPattern(overlap);
            if (known.has(p)) continue;
            if (patterns.length >= maxStanzas) return { patterns, errors, tooMany: true };
            known.add(p);
            patterns.push(p);
        }
    }
    return { patterns, errors, tooMany: false };
}

/**
 * The policy as Vault's JSON policy syntax: {"path": {"<path>": {"capabilities": [...]}}}. Throws like policyPaths.
 * @internal
 */
export function renderPolicy(rules: readonly PolicyRule[], kvV2Mounts: readonly string[], field = "rules"): string {
    return documentOf(policyPaths(rules, kvV2Mounts, field));
}

/**
 * The document of rules the caller has checked (checkPolicyRules, checkKvV2Mounts): ServiceAccess
 * renders its validated args with it, without checking them again. The fold's refusals come with
 * the fold: rules it cannot fold still throw, rather than render an empty document.
 * @internal
 */
export function renderCheckedPolicy(rules: readonly PolicyRule[], kvV2Mounts: readonly string[]): string {
    const { problems, stanzas } = foldRules(rules, kvV2Mounts, "rules");
    refuseToRender(problems);
    return documentOf(stanzas);
}

function documentOf(stanzas: readonly PolicyStanza[]): string {
    return JSON.stringify({ path: Object.fromEntries(stanzas.map((p) => [p.path, { capabilities: p.capabilities }])) }, null, 2);
}
