import fc from "fast-check";
import { ResourceValidationArgs } from "@pulumi/policy";
import { policyKvV2Paths } from "../../policy/rules/kvV2Paths";
import { renderPolicy } from "../../components/policyDocument";
import { PolicyRule } from "../../components/policyRules";
import { allowedOn, grantsOf } from "../../scripts/verify/expectedAccess";

/**
 * Generated rule sets within what the components accept, the probe paths around them, and what the
 * rules promise there. The policy suites (test/unit/components/policySemantics.test.ts against a model of
 * Vault, test/integration/policyServer.test.ts against the real servers) share them.
 */

/** The mounts rule sets live on: two kv-v2 and one kv (version 1). */
export const kvV2Mounts = ["kv2", "team/kv2"];
const allMounts = [...kvV2Mounts, "kv1"];
/** Segment names: stems shared ("app", "app2"), and names kv-v2 also uses for its endpoints. */
const names = ["app", "app2", "team", "config", "x"];
const kvV2Prefixes = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"];

const logicalKvV2Capabilities = [
    "create",
    "read",
    "update",
    "patch",
    "list",
    "sudo",
    "delete-versions",
    "undelete-versions",
    "destroy-versions",
    "delete-metadata",
    "read-metadata",
] as const;
const plainCapabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"] as const;

/** A path under a mount: 1-3 segments of names or "+", maybe ending in "*" (as a segment or a stem). */
const keyArb = fc
    .tuple(fc.array(fc.oneof(fc.constantFrom(...names), fc.constant("+")), { minLength: 1, maxLength: 3 }), fc.constantFrom("", "/*", "*"))
    .map(([segments, end]) => {
        if (end === "*" && segments[segments.length - 1] === "+") return segments.join("/");
        return segments.join("/") + end;
    });

const capabilitiesArb = (choices: readonly string[]) =>
    fc.oneof(
        { weight: 1, arbitrary: fc.constant(["deny"]) },
        { weight: 4, arbitrary: fc.subarray([...choices], { minLength: 1, maxLength: 3 }) },
    );

/** One rule: a logical kv-v2 path, an API path on a kv-v2 mount, or a path on the kv mount. */
const ruleArb: fc.Arbitrary<PolicyRule> = fc.oneof(
    fc.record({
        path: fc.tuple(fc.constantFrom(...kvV2Mounts), keyArb).map(([m, k]) => `${m}/${k}`),
        capabilities: capabilitiesArb(logicalKvV2Capabilities),
        apiPath: fc.constant(false),
    }),
    fc.record({
        path: fc.tuple(fc.constantFrom(...kvV2Mounts), fc.constantFrom(...kvV2Prefixes), keyArb).map(([m, p, k]) => `${m}/${p}/${k}`),
        capabilities: capabilitiesArb(plainCapabilities),
        apiPath: fc.constant(true),
    }),
    fc.record({
        path: keyArb.map((k) => `kv1/${k}`),
        capabilities: capabilitiesArb(plainCapabilities),
    }),
) as fc.Arbitrary<PolicyRule>;

/** A rule set of 1-5 rules, often on the same mount so that they overlap and compete. */
export const ruleSetArb = fc.array(ruleArb, { minLength: 1, maxLength: 5 });

/**
 * Concrete paths around a rule set: each pattern's wildcards filled with every name (and with
 * nothing, a deeper path, a stem's sibling), every kv-v2 endpoint of each key, the parents, and paths
 * just outside the mounts.
 */
export function probePaths(rules: readonly PolicyRule[]): string[] {
    const out = new Set<string>();
    for (const rule of rules) {
        const mount = kvV2Mounts.find((m) => rule.path.startsWith(`${m}/`));
        const keyPatterns =
            mount && rule.apiPath !== true ? kvV2Prefixes.map((p) => `${mount}/${p}/${rule.path.slice(mount.length + 1)}`) : [rule.path];
        for (const pattern of keyPatterns) {
            for (const name of names) {
                const filled = pattern
                    .split("/")
                    .map((s) => (s === "+" ? name : s))
                    .join("/");
                const stem = filled.endsWith("*") ? filled.slice(0, -1) : filled;
                for (const tail of filled.endsWith("*") ? ["", "2", `${name}`, `/${name}`] : [""]) out.add(stem + tail);
                out.add(stem.replace(/\/[^/]*$/, "")); // the parent
                out.add(`${stem}2`); // a sibling sharing the stem
            }
        }
    }
    for (const m of allMounts) out.add(`${m}x/data/app`);
    return [...out].filter((p) => p !== "" && !p.endsWith("/") && !p.includes("//")).sort();
}

/**
 * What the rules promise on a path, stated from docs/configuration.md alone: the kv-v2 expansion table, then
 * the union of every matching rule's grants, nothing where one denies. Sorted, ["deny"] for nothing.
 */
export function promised(rules: readonly PolicyRule[], path: string): string[] {
    const caps = new Set<string>();
    for (const rule of rules) {
        const mount = kvV2Mounts.find((m) => rule.path.startsWith(`${m}/`));
        const logical = mount !== undefined && rule.apiPath !== true;
        const patterns: [string, string][] = logical
            ? rule.capabilities.flatMap((c) =>
                  (c === "deny" ? kvV2Prefixes.map((p) => [p, "deny"]) : (kvV2Table[c] ?? [])).map(
                      ([prefix, cap]) => [`${mount}/${prefix}/${rule.path.slice(mount!.length + 1)}`, cap] as [string, string],
                  ),
              )
            : rule.capabilities.map((c) => [rule.path, c]);
        for (const [pattern, cap] of patterns) if (matches(pattern, path)) caps.add(cap);
    }
    return caps.size === 0 || caps.has("deny") ? ["deny"] : [...caps].sort();
}

/** docs/configuration.md's kv-v2 table: what each rule capability on a logical path grants, endpoint by endpoint. */
const kvV2Table: Record<string, [string, string][]> = {
    create: [["data", "create"]],
    read: [["data", "read"]],
    update: [["data", "update"]],
    patch: [["data", "patch"]],
    list: [["metadata", "list"]],
    sudo: [
        ["data", "sudo"],
        ["metadata", "sudo"],
    ],
    "delete-versions": [
        ["data", "delete"],
        ["delete", "update"],
    ],
    "undelete-versions": [["undelete", "update"]],
    "destroy-versions": [["destroy", "update"]],
    "delete-metadata": [["metadata", "delete"]],
    "read-metadata": [["metadata", "read"]],
};

/** Vault's documented matching: "+" one non-empty segment, a trailing "*" any suffix. Kept apart from the renderer's. */
function matches(pattern: string, path: string): boolean {
    const re = pattern
        .replace(/\*$/, "\u0000")
        .split("/")
        .map((s) => (s === "+" ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/")
        .replace("\u0000", ".*");
    return new RegExp(`^${re}$`).test(path);
}

/** What verify's oracle (scripts/verify/expectedAccess.ts) expects on a path for the same rules. */
export function oracle(rules: readonly PolicyRule[], path: string): string[] {
    const grants = grantsOf({ name: "generated", rules: rules as { path: string; capabilities: string[] }[] }, kvV2Mounts);
    return allowedOn(path, grants);
}

/** The rendered document, or the refusal's message. */
export function tryRender(rules: readonly PolicyRule[]): { document?: string; refusal?: string } {
    try {
        return { document: renderPolicy(rules, kvV2Mounts) };
    } catch (e) {
        return { refusal: (e as Error).message };
    }
}

/** What the policy pack's kv-v2 rule says of a rendered document, with the generator's kv-v2 mounts in its config. */
export function packKvV2Violations(document: string): string[] {
    const violations: string[] = [];
    const args = {
        type: "vault:index/policy:Policy",
        props: { name: "generated", policy: document },
        getConfig: () => ({ kvV2Mounts }),
    } as unknown as ResourceValidationArgs;
    const validate = policyKvV2Paths.validateResource as (a: ResourceValidationArgs, report: (m: string) => void) => void;
    validate(args, (message) => violations.push(message));
    return violations;
}
