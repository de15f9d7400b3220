import { ResourceValidationPolicy } from "@pulumi/policy";
import { quoted } from "./common";
import { policyStanzasOf } from "./policyDocument";

/** Capabilities Vault checks on <mount>/data/<key> of a kv-v2 mount (reading and writing the value). */
const dataOnly = new Set(["read", "create", "update", "patch"]);

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

/**
 * kv-v2 checks `list` on <mount>/metadata/... and reads/writes of a secret's value on <mount>/data/....
 * A stanza that grants only the other side's capabilities can never match what the service does,
 * which shows up as a 403 at run time, not at deploy time.
 */
export const policyKvV2Paths: ResourceValidationPolicy = {
    name: "vault-policy-kv-v2-paths",
    description: "Vault policies put kv-v2 capabilities on the endpoint Vault checks them on: list on metadata/, read/write on data/.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const { path, capabilities } of policyStanzasOf(args)) {
            const kv = kvV2Split(path);
            if (kv === undefined || capabilities.length === 0) continue;
            if (kv.endpoint === "data" && capabilities.every((c) => c === "list")) {
                const target = `${kv.mount}/metadata/${kv.rest}`;
                reportViolation(
                    `path "${path}" grants only "list", but on a kv-v2 mount Vault checks list on ${kv.mount}/metadata/..., never on data/, ` +
                        `so this stanza matches nothing. Grant "list" on path "${target}" instead.`,
                );
            }
            if (kv.endpoint === "metadata" && capabilities.every((c) => dataOnly.has(c))) {
                const target = `${kv.mount}/data/${kv.rest}`;
                reportViolation(
                    `path "${path}" grants only ${quoted(capabilities)}, but on a kv-v2 mount Vault checks reading and writing a secret's ` +
                        `value on ${kv.mount}/data/... (on metadata/ these only touch version metadata). Grant them on path "${target}" instead.`,
                );
            }
        }
    },
};
