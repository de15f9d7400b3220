import * as pulumi from "@pulumi/pulumi";
import { isDeepStrictEqual } from "util";
import { z } from "zod";
import { InvalidInputError } from "../components/invalidInput";
import { PlacedService, serviceSetChecks, stackChecks } from "./configChecks";
import {
    configTypeOf,
    declaredDefault,
    platformKeys,
    PlatformSettings,
    stackConfigSchema,
    StackConfig,
    serviceConfigSchema,
} from "./configSchema";

/**
 * Reading the stack's configuration: the raw values as the engine holds them, parsed against the
 * schema (configSchema.ts) and checked (configChecks.ts), every problem reported at once under the
 * key the user wrote, before the program registers its first resource.
 */

/**
 * Parses raw config values (as `pulumi config` holds them: strings, booleans, parsed JSON) and
 * returns the typed config, or throws one error that lists every problem with its field and fix.
 * A team stack's raw config is parsed with its platform's settings in place of the platform keys.
 */
export function parseStackConfig(raw: Record<string, unknown>, platform?: PlatformSettings): StackConfig {
    const { config, errors } = checkStackConfig(raw, platform);
    if (!config) throw new InvalidInputError("invalid stack config", errors);
    return config;
}

/**
 * The typed config and no errors, or every problem found: each service is parsed on its own, so one
 * service's malformed field does not hide the value checks of the stack and of the other services.
 */
export function checkStackConfig(
    raw: Record<string, unknown>,
    platform?: PlatformSettings,
    /** false: the caller checks the services as a set, with those of other stacks (a fleet). */
    serviceChecks = true,
): { config?: StackConfig; services: PlacedService[]; errors: string[] } {
    const errors: string[] = [];
    if (raw.platformStack !== undefined) {
        // Pulumi.yaml declares a default for every key, so an unset key arrives with it: only another value was set.
        for (const key of platformKeys.filter((k) => raw[k] !== undefined && !isDeepStrictEqual(raw[k], declaredDefault(k)))) {
            errors.push(
                `${key}: belongs to the platform stack (${String(raw.platformStack)}); a team stack reads it from the platform's outputs. Remove it from this stack's config.`,
            );
        }
        if (platform) raw = { ...raw, ...platform };
    }
    const top = stackConfigSchema.extend({ services: z.array(z.unknown()).default([]) }).safeParse(raw);
    if (!top.success) errors.push(...top.error.issues.map((i) => describeIssue(i)));
    const rawServices = Array.isArray(raw.services) ? (raw.services as unknown[]) : [];
    const services = rawServices.flatMap((s, index) => {
        const parsed = serviceConfigSchema.safeParse(s);
        if (!parsed.success) errors.push(...parsed.error.issues.map((i) => describeIssue(i, ["services", index])));
        return parsed.success ? [{ service: parsed.data, at: `services[${index}] (${parsed.data.name})` }] : [];
    });
    if (!top.success) return { services, errors: [...new Set(errors)] };
    const config = { ...top.data, services: services.map((s) => s.service) };
    errors.push(...stackChecks(config), ...(serviceChecks ? serviceSetChecks(config, services) : []));
    return errors.length > 0 ? { services, errors: [...new Set(errors)] } : { config, services, errors: [] };
}

function describeIssue(issue: z.core.$ZodIssue, under: PropertyKey[] = []): string {
    const field = [...under, ...issue.path].reduce<string>(
        (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        "",
    );
    if (issue.code === "unrecognized_keys") {
        const where = field ? `${field}: ` : "";
        return `${where}unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling against Pulumi.yaml (Vault would silently ignore a misspelt option).`;
    }
    return `${field || "config"}: ${plainIssue(issue)}`;
}

/** What a config value of each type looks like, for messages. */
const typeExamples: Record<string, string> = {
    string: "a string",
    array: "a list ([a, b, …])",
    object: "an object of named fields (see docs/configuration.md)",
    boolean: "true or false",
    number: "a number",
};

/** zod's messages, said with the fix: which type the key takes, or that it is missing. */
function plainIssue(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_type") {
        const received = /received (\w+)/.exec(issue.message)?.[1] ?? "something else";
        if (received === "undefined") return `is missing; add it (docs/configuration.md lists every key and field).`;
        const got = received === "array" ? "a list" : received === "object" ? "an object" : received;
        return `must be ${typeExamples[issue.expected] ?? issue.expected}, not ${got}; write it so.`;
    }
    if (issue.code === "too_small" && issue.origin === "string") return "is empty; give a value.";
    // The schema's one union is a duration.
    if (issue.code === "invalid_union") return 'must be a number of seconds or a duration such as "90s", "15m", "1h", "7d".';
    return issue.message;
}

/**
 * This project's config as the Pulumi engine holds it, each key read as its schema types it; a key
 * the schema does not know is kept (as a string), for the parser to report.
 */
export function readRawStackConfig(config = new pulumi.Config()): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${config.name}:`;
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        const schema = stackConfigSchema.shape[key as keyof typeof stackConfigSchema.shape];
        const type = schema ? configTypeOf(schema).type : "string"; // an unknown key: reported by the schema
        const value =
            type === "array" || type === "object" ? config.getObject(key) : type === "boolean" ? config.getBoolean(key) : config.get(key);
        // Pulumi.yaml declares "" as the default of optional strings: it means "not set".
        if (value !== "") raw[key] = value;
    }
    return raw;
}
