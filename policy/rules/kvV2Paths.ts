import { ResourceValidation, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { readIfKnown, quoted, stringList } from "./common";
import { policyStanzasOf, PolicyStanza } from "./policyStanzas";

export const mountType = "vault:index/mount:Mount";

/** Policy config, e.g. {"vault-policy-kv-v2-paths": {"kvV2Mounts": ["secret"]}}. */
export interface KvV2PathsConfig {
    /** kv-v2 mounts that exist outside the stack (the stack's own kv-v2 Mounts are found by the pack). Default []. */
    kvV2Mounts: string[];
}

/** Capabilities Vault checks on <mount>/data/<key> of a kv-v2 mount (reading and writing the value). */
const dataOnly = new Set(["read", "create", "update", "patch"]);

/** The first segment of every API path of a kv-v2 mount: <mount>/<endpoint>/... */
export const kvV2Endpoints = ["data", "metadata", "delete", "undelete", "destroy", "subkeys", "config"];

/**
 * A kv-v2 path split at its API segment: "secret/data/app/*" -> mount "secret", "data", rest "app/*".
 * Recognised by a `data` or `metadata` segment after the first one (a kv-v1 key literally named
 * "data" would look the same; such a layout is rare enough to accept).
 */
export function kvV2Split(path: string): { mount: string; endpoint: "data" | "metadata"; rest: string } | undefined {
    const segments = path.trim().replace(/^\/+/, "").split("/");
    const i = segments.findIndex((s, idx) => idx >= 1 && idx < segments.length - 1 && (s === "data" || s === "metadata"));
    if (i < 0) return undefined;
    return { mount: segments.slice(0, i).join("/"), endpoint: segments[i] as "data" | "metadata", rest: segments.slice(i + 1).join("/") };
}

/** Known kv-v2 mounts, each with how the pack knows it is one (the messages say it). */
export type KvV2Mounts = Map<string, string>;

/** A mount as a config lists it, without surrounding whitespace or slashes. */
const mountPathOf = (p: string) => p.trim().replace(/^\/+|\/+$/g, "");

/**
 * The kv-v2 mounts known without the stack: the pack config's kvV2Mounts. (A document's own data/
 * paths are not taken as proof: a kv v1 mount may have a folder named "data", and a mandatory rule
 * must not block a correct policy on a guess.)
 */
export function documentKvV2Mounts(_stanzas: readonly PolicyStanza[], config: Partial<KvV2PathsConfig>): KvV2Mounts {
    const mounts: KvV2Mounts = new Map();
    for (const m of stringList(config.kvV2Mounts)) mounts.set(mountPathOf(m), "listed in the policy pack config's kvV2Mounts");
    return mounts;
}

/** The kv-v2 mounts created in the stack: Mount resources of type kv-v2, or kv with options.version 2. */
export function stackKvV2Mounts(resources: readonly { type: string; props: Record<string, unknown> }[]): KvV2Mounts {
    const mounts: KvV2Mounts = new Map();
    for (const r of resources) {
        if (r.type !== mountType) continue;
        const options = () => r.props.options as { version?: unknown } | undefined;
        const [path, type, version] = [
            readIfKnown(() => r.props.path),
            readIfKnown(() => r.props.type),
            readIfKnown(() => options()?.version),
        ];
        if (typeof path === "string" && (type === "kv-v2" || (type === "kv" && String(version) === "2"))) {
            mounts.set(mountPathOf(path), "a kv-v2 Mount in this stack");
        }
    }
    return mounts;
}

/** The API paths a stanza's capabilities belong on, for a message: `"read" on "m/data/k"`, ... */
function apiPathsFor(mount: string, rest: string, capabilities: readonly string[]): string {
    const data = capabilities.filter((c) => dataOnly.has(c));
    const other = capabilities.filter((c) => !dataOnly.has(c) && c !== "list" && c !== "deny");
    const paths: string[] = [];
    if (data.length > 0) paths.push(`${quoted(data)} on "${mount}/data/${rest}"`);
    if (capabilities.includes("list")) paths.push(`"list" on "${mount}/metadata/${rest}"`);
    if (capabilities.includes("deny")) paths.push(`"deny" on "${mount}/+/${rest}" (every endpoint)`);
    if (other.length > 0)
        paths.push(`${quoted(other)} on the endpoint of the action meant (data/, metadata/, delete/, undelete/ or destroy/)`);
    return paths.join(", ");
}

/**
 * What is wrong with one stanza on a kv-v2 mount (each message says how to fix it). On a known kv-v2
 * mount, Vault checks only API paths <mount>/<endpoint>/...: a stanza whose first segment after the
 * mount is no endpoint matches nothing, and one whose first segment is a wildcard (`*`, `+`) grants
 * its capabilities on several endpoints at once. On an endpoint, list belongs on metadata/ (list
 * alone on data/ matches nothing). A path with a data/ or metadata/ segment counts as kv-v2 even
 * when its mount is not known.
 */
export function kvV2Findings({ path, capabilities }: PolicyStanza, mounts: KvV2Mounts): string[] {
    if (capabilities.length === 0) return [];
    const p = mountPathOf(path);
    const mount = [...mounts.keys()].filter((m) => p.startsWith(`${m}/`)).sort((a, b) => b.length - a.length)[0];
    let split = kvV2Split(path);
    if (mount !== undefined) {
        const [first, ...rest] = p.slice(mount.length + 1).split("/");
        const how = mounts.get(mount);
        const wildcard = first.includes("*") || first.includes("+");
        const reached = kvV2Endpoints.filter(
            (e) => first === "+" || (first.endsWith("*") ? e.startsWith(first.slice(0, -1)) : e === first),
        );
        // The key path the stanza meant: all of it when the first segment is a key, else what follows the wildcard.
        const restPath = reached.length === 0 ? [first, ...rest].join("/") : first.endsWith("*") ? "*" : rest.join("/");
        if (reached.length === 0) {
            return [
                `path "${path}" is on kv-v2 mount "${mount}" (${how}), where Vault checks only API paths (${mount}/data/..., ` +
                    `${mount}/metadata/..., ...), so this stanza matches nothing and its ${quoted(capabilities)} neither grant nor deny. ` +
                    `Write the API paths instead: ${apiPathsFor(mount, restPath, capabilities)}.`,
            ];
        }
        if (wildcard && reached.length > 1) {
            if (capabilities.every((c) => c === "deny")) return [];
            return [
                `path "${path}" is on kv-v2 mount "${mount}" (${how}) but names no API endpoint: "${first}" matches ` +
                    `${reached.map((e) => `${e}/`).join(", ")} alike, so ${quoted(capabilities)} apply on all of them, not just where meant ` +
                    `(e.g. update also destroys versions through destroy/, delete also erases every version through metadata/). ` +
                    `Write the API paths instead: ${apiPathsFor(mount, restPath, capabilities)}.`,
            ];
        }
        split = first === "data" || first === "metadata" ? { mount, endpoint: first, rest: rest.join("/") } : undefined;
    }
    if (split === undefined) return [];
    const { mount: m, endpoint, rest } = split;
    if (endpoint === "data" && capabilities.every((c) => c === "list")) {
        return [
            `path "${path}" grants only "list", but on a kv-v2 mount Vault checks list on ${m}/metadata/..., never on data/, ` +
                `so this stanza matches nothing. Grant "list" on path "${m}/metadata/${rest}" instead.`,
        ];
    }
    // Reads and writes alone on metadata/ are not flagged: they are `vault kv metadata get` and
    // `metadata put`/`patch` (the renderer's read-metadata, for one), a policy meant that way.
    return [];
}

/** Before apply, per Policy resource: the kv-v2 mounts its own document and the pack config reveal. */
const validateResource: ResourceValidation = (args, reportViolation) => {
    const stanzas = policyStanzasOf(args);
    const mounts = documentKvV2Mounts(stanzas, args.getConfig<Partial<KvV2PathsConfig>>());
    for (const stanza of stanzas) kvV2Findings(stanza, mounts).forEach((m) => reportViolation(m));
};

/**
 * At the end of the preview, over the whole stack: also the kv-v2 Mounts the stack creates, so a
 * policy written with `vault kv`-style paths for them is caught. Reports only what the per-resource
 * check could not see. Values unknown at preview count as absent.
 */
const validateStack: StackValidation = (args, reportViolation) => {
    const stackMounts = stackKvV2Mounts(args.resources);
    if (stackMounts.size === 0) return;
    const config = args.getConfig<Partial<KvV2PathsConfig>>();
    for (const r of args.resources) {
        const stanzas = readIfKnown(() => policyStanzasOf(r)) ?? [];
        const own = documentKvV2Mounts(stanzas, config);
        const all = new Map([...stackMounts, ...own]);
        for (const stanza of stanzas) {
            const seen = new Set(kvV2Findings(stanza, own));
            kvV2Findings(stanza, all)
                .filter((m) => !seen.has(m))
                .forEach((m) => reportViolation(m, r.urn));
        }
    }
};

/**
 * A stanza that can never match what a service does on a kv-v2 mount shows up as a 403 at run time,
 * not at deploy time: list on data/, reads on metadata/, a `vault kv`-style path without an API
 * endpoint. Checked per Policy resource before anything is applied, and once more over the stack's
 * kv-v2 Mounts at the end of the preview (a policy pack's stack check; `pulumi up` previews first
 * unless --skip-preview).
 */
export const policyKvV2Paths: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
    name: "vault-policy-kv-v2-paths",
    description:
        "Vault policies put kv-v2 capabilities on the endpoint Vault checks them on: list on metadata/, read/write on data/, never a path without an API endpoint.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            kvV2Mounts: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "kv-v2 mounts that exist outside the stack (the stack's own kv-v2 Mounts are found by the pack).",
            },
        },
    },
    validateResource,
    validateStack,
};
