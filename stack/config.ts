import * as pulumi from "@pulumi/pulumi";
import { isDeepStrictEqual } from "util";
import { z } from "zod";
import { RuleCapability } from "../components/policyDocument";
import {
    checkKubernetesAuthBackendValues,
    KubernetesAuthBackendArgs,
    kubernetesAuthBackendDefaults,
} from "../components/kubernetesAuthBackend";
import { validateStateEncryptionKeyArgs } from "../components/stateEncryptionKey";
import { TokenReviewerArgs, tokenReviewerDefaults, validateTokenReviewerArgs } from "../components/tokenReviewer";
import { bindingOf, checkBindingOverlaps } from "../components/roleBindings";
import { defaultReviewerMode, ReviewerMode } from "../components/reviewerMode";
import {
    AliasNameSource,
    MountType,
    ServiceAccessArgs,
    ServiceField,
    TokenType,
    validateServiceAccessArgs,
} from "../components/serviceAccessArgs";
import { InvalidInputError } from "../components/invalidInput";
import { collidingPaths, FieldOf, mountsCollide } from "../components/validation";

/**
 * The stack's configuration: its shape (zod, strict, so a misspelt key is an error rather than a
 * silently ignored option) and the checks that span several services. Everything is checked before
 * the program registers its first resource.
 */

/** A duration: whole seconds, or a string such as "90s", "15m", "1h", "7d". */
const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
    if (typeof v === "number") return v;
    const m = /^(\d+)(s|m|h|d)?$/.exec(v.trim());
    if (!m) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a duration; use seconds or e.g. "15m", "1h", "7d"` });
        return z.NEVER;
    }
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? "s") as "s" | "m" | "h" | "d"];
});

/** One of an enum's values, with an error that lists them. */
const oneOf = <T extends Record<string, string>>(values: T, what: string) =>
    z.enum(values, {
        error: (i) =>
            i.input === undefined
                ? `is missing; use one of ${Object.values(values).join(", ")}`
                : `${typeof i.input === "string" ? `"${i.input}"` : JSON.stringify(i.input)} is not ${what}; use one of ${Object.values(values).join(", ")}`,
    });

const rule = z.strictObject({
    path: z.string(),
    capabilities: z.array(oneOf(RuleCapability, "a Vault capability")),
    apiPath: z.boolean().optional(),
});

const service = z.strictObject({
    name: z.string().min(1).describe("Names the component, and by default the role, the policy and the ServiceAccount."),
    namespace: z.string(),
    createNamespace: z.boolean().optional(),
    serviceAccountName: z.string().optional(),
    createServiceAccount: z.boolean().optional(),
    boundServiceAccountNames: z.array(z.string()).optional(),
    boundServiceAccountNamespaces: z.array(z.string()).optional(),
    allowWildcards: z.boolean().optional(),
    allowDefaultServiceAccount: z.boolean().optional(),
    allowSharedServiceAccount: z.boolean().optional(),
    allowPathsOutsideMounts: z.boolean().optional(),
    allowSudo: z.boolean().optional(),
    deleteDataOnRemoval: z.boolean().optional(),
    formerNames: z.array(z.string()).optional(),
    roleName: z.string().optional(),
    policyName: z.string().optional(),
    rules: z.array(rule),
    mount: z
        .strictObject({ path: z.string(), type: oneOf(MountType, "a mount type").optional(), description: z.string().optional() })
        .optional(),
    tokenTtl: duration.optional(),
    tokenMaxTtl: duration.optional(),
    audience: z.string().optional(),
    tokenType: oneOf(TokenType, "a Vault token type").optional(),
    tokenNoDefaultPolicy: z.boolean().optional(),
    aliasNameSource: oneOf(AliasNameSource, "an alias name source").optional(),
});

// Each key's description is written here once: Pulumi.yaml's declarations and the tables of docs/configuration.md
// are generated from it (npm run docs:config; a unit test keeps them in step).
const stackConfig = z.strictObject({
    kubeconfig: z
        .string()
        .optional()
        .describe(
            "Kubeconfig contents of the cluster (set it with --secret). Unset: the ambient kubeconfig ($KUBECONFIG or ~/.kube/config).",
        ),
    kubeContext: z.string().optional().describe("Context of the kubeconfig to use. Unset: its current-context."),
    platformStack: z
        .string()
        .optional()
        .describe(
            "A platform stack (org/project/stack) whose auth method this stack's services use: set, this is a team stack (services only; the platform's keys are read from its outputs).",
        ),
    clusterStack: z
        .string()
        .optional()
        .describe('A stack (org/project/stack) whose "kubeconfig" output names the cluster; wins over kubeconfig.'),
    kubernetesHost: z
        .string()
        .optional()
        .describe("API server address as Vault reaches it (https://HOST:PORT); wins over the kubeconfig's. Unset: from the kubeconfig."),
    kubernetesCaCert: z
        .string()
        .optional()
        .describe("PEM CA of the API server; wins over the kubeconfig's. Unset: from the kubeconfig, else the token Secret's ca.crt."),
    reviewerMode: oneOf(ReviewerMode, "a reviewer mode")
        .default(defaultReviewerMode)
        .describe(
            'How Vault checks service tokens: "secret" (a reviewer account\'s token Secret, TokenReview), "client-jwt" (each service\'s own token, TokenReview; no reviewer credential), "jwt" (signatures against the cluster\'s keys; no TokenReview, no path from Vault to the cluster).',
        ),
    reviewerNamespace: z
        .string()
        .default(tokenReviewerDefaults.namespace)
        .describe('Namespace of the reviewer ServiceAccount ("secret" mode).'),
    createReviewerNamespace: z
        .boolean()
        .default(tokenReviewerDefaults.createNamespace)
        .describe("Create the reviewer namespace (false: use an existing one)."),
    reviewerServiceAccount: z
        .string()
        .default(tokenReviewerDefaults.serviceAccountName)
        .describe('The ServiceAccount whose token Vault presents to the TokenReview API ("secret" mode).'),
    authPath: z
        .string()
        .default(kubernetesAuthBackendDefaults.path)
        .describe("Mount path of the kubernetes auth method; logins go to /v1/auth/<authPath>/login."),
    issuer: z
        .string()
        .optional()
        .describe(
            'Expected "iss" of service tokens; setting it turns issuer validation on (off without it: legacy Secret tokens and TokenRequest tokens carry different issuers).',
        ),
    disableLocalCaJwt: z
        .boolean()
        .default(kubernetesAuthBackendDefaults.disableLocalCaJwt)
        .describe("Ignore Vault's own pod CA and JWT: right when Vault runs outside the cluster."),
    pemKeys: z
        .array(z.string())
        .optional()
        .describe(
            "PEM public keys (checked as such) that service-token signatures must match; Vault still calls TokenReview for every login.",
        ),
    writeOnlyReviewerJwt: z
        .boolean()
        .default(kubernetesAuthBackendDefaults.writeOnlyJwt)
        .describe("Send the reviewer JWT through the provider's write-only field, re-sent on every change of any auth-config field."),
    stateEncryptionKey: z
        .string()
        .optional()
        .describe(
            'A Vault transit key the platform creates (engine "transit") to encrypt team stacks\' secrets (their secrets provider hashivault://<key>), with a policy pulumi-state-<key> that allows only encrypting and decrypting with it. Unset: none.',
        ),
    vaultAddress: z.string().optional().describe("Vault/OpenBao address. Unset: $VAULT_ADDR."),
    vaultToken: z
        .string()
        .optional()
        .describe(
            "Vault token for Pulumi (set it with --secret). Unset: $VAULT_TOKEN or ~/.vault-token, read by the provider and never stored.",
        ),
    vaultSkipChildToken: z
        .boolean()
        .default(false)
        .describe("Use the token as it is instead of a short-lived child token (which needs auth/token/create)."),
    kvV2Mounts: z
        .array(z.string())
        .default([])
        .describe("Existing kv-v2 mounts that service rules refer to (rules on them are expanded to the kv-v2 API paths)."),
    services: z.array(service).default([]).describe("The services, each with the fields below."),
});

export type StackConfig = z.infer<typeof stackConfig>;
export type ServiceConfig = z.infer<typeof service>;

/**
 * Compile-time: a service's config fields are exactly ServiceAccessArgs' own fields (less the
 * stack-wide ones, plus its name); serviceArgs below checks that their types fit. A field added to
 * one and not the other fails the build.
 */
type StackWideArgs = "authPath" | "kvV2Mounts" | "reviewerMode" | "tokenReviewClusterRole";
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const serviceFieldsMatchArgs: SameKeys<Omit<ServiceConfig, "name">, Omit<ServiceAccessArgs, StackWideArgs>> = true;
void serviceFieldsMatchArgs;

/** The schemas themselves: Pulumi.yaml's declarations and the tables of docs/configuration.md are generated from them. */
export const stackConfigSchema = stackConfig;
export const serviceConfigSchema = service;

/** Every key the project reads; anything else under the project's namespace is a typo. */
export const configKeys = Object.keys(stackConfig.shape);
/** Every field of a service. */
export const serviceConfigKeys = Object.keys(service.shape);

/** The component args of one configured service: its own fields plus the stack-wide ones. */
export function serviceArgs(s: ServiceConfig, cfg: Pick<ServiceAccessArgs, StackWideArgs>): ServiceAccessArgs {
    const { name: _name, ...rest } = s;
    return {
        ...rest,
        authPath: cfg.authPath,
        kvV2Mounts: cfg.kvV2Mounts,
        reviewerMode: cfg.reviewerMode,
        tokenReviewClusterRole: cfg.tokenReviewClusterRole,
    };
}

/** The TokenReviewer args the config describes. */
export function reviewerArgs(cfg: StackConfig): TokenReviewerArgs {
    return {
        namespace: cfg.reviewerNamespace,
        createNamespace: cfg.createReviewerNamespace,
        serviceAccountName: cfg.reviewerServiceAccount,
    };
}

/** The config key of each TokenReviewer argument (errors are reported under these). */
const reviewerKeys: Record<keyof TokenReviewerArgs, string> = {
    namespace: "reviewerNamespace",
    createNamespace: "createReviewerNamespace",
    serviceAccountName: "reviewerServiceAccount",
};
/** The auth backend's arguments keep their names in config, but these two. */
const backendKeys: Partial<Record<keyof KubernetesAuthBackendArgs, string>> = { path: "authPath", writeOnlyJwt: "writeOnlyReviewerJwt" };

/**
 * The keys a team stack (platformStack set) takes from its platform stack instead: the reviewer, the
 * auth method and the stack-wide mounts belong to the platform, and every team must see the same.
 */
export const platformKeys = [
    "clusterStack",
    "reviewerMode",
    "kubernetesHost",
    "kubernetesCaCert",
    "reviewerNamespace",
    "createReviewerNamespace",
    "reviewerServiceAccount",
    "authPath",
    "issuer",
    "disableLocalCaJwt",
    "pemKeys",
    "writeOnlyReviewerJwt",
    "kvV2Mounts",
    "stateEncryptionKey",
] as const satisfies readonly (keyof StackConfig)[];

/** What a team stack takes from its platform stack's outputs (see platformKeys). */
export type PlatformSettings = Pick<StackConfig, "authPath" | "kvV2Mounts" | "reviewerNamespace" | "reviewerMode">;

/** A service as checked across a stack (or a fleet): the parsed service and where the user wrote it. */
export interface PlacedService {
    service: ServiceConfig;
    /** E.g. `services[2] (billing)`, or `fleet/teams/ops.yaml: services[0] (api)` in a fleet. */
    at: string;
}

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
    const top = stackConfig.extend({ services: z.array(z.unknown()).default([]) }).safeParse(raw);
    if (!top.success) errors.push(...top.error.issues.map((i) => describeIssue(i)));
    const rawServices = Array.isArray(raw.services) ? (raw.services as unknown[]) : [];
    const services = rawServices.flatMap((s, index) => {
        const parsed = service.safeParse(s);
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

/** A service's config fields, reported under where it was written; the stack-wide keys as they are. */
function serviceFields(at: string): FieldOf<ServiceField> {
    const stackWide: ServiceField[] = ["kvV2Mounts", "authPath", "reviewerMode", "tokenReviewClusterRole"];
    return (k) => (stackWide.includes(k) ? k : `${at}.${k}`);
}

/** Checks of the stack's own values: the reviewer's and the auth method's, under the stack's keys. */
function stackChecks(cfg: StackConfig): string[] {
    const errors = [
        ...validateTokenReviewerArgs(reviewerArgs(cfg), (k) => reviewerKeys[k]),
        ...checkKubernetesAuthBackendValues(
            {
                reviewerMode: cfg.reviewerMode,
                path: cfg.authPath,
                kubernetesHost: cfg.kubernetesHost,
                kubernetesCaCert: cfg.kubernetesCaCert,
                pemKeys: cfg.pemKeys,
            },
            (k) => backendKeys[k] ?? k,
        ),
    ];
    if (cfg.stateEncryptionKey !== undefined) {
        errors.push(...validateStateEncryptionKeyArgs({ name: cfg.stateEncryptionKey }, () => "stateEncryptionKey"));
    }
    for (const m of cfg.kvV2Mounts) {
        if (mountsCollide(m, cfg.authPath))
            errors.push(`kvV2Mounts: "${m}" collides with authPath "${cfg.authPath}"; choose another path.`);
    }
    return errors;
}

/**
 * Checks of each service and across services that share one auth mount and one Vault: a stack's, or
 * every team's of a fleet (which is why each service comes with where it was written).
 */
export function serviceSetChecks(
    cfg: Pick<StackConfig, "authPath" | "kvV2Mounts" | "reviewerNamespace" | "createReviewerNamespace" | "reviewerMode">,
    placed: readonly PlacedService[],
): string[] {
    const services = placed.map((p) => p.service);
    // Each duplicate is reported with every place that uses it: in a fleet they are in several files.
    const unique = (field: string, valuesOf: (s: ServiceConfig) => string[]) => {
        const uses = new Map<string, string[]>();
        for (const p of placed) for (const v of valuesOf(p.service)) uses.set(v, [...(uses.get(v) ?? []), p.at]);
        return [...uses]
            .filter(([, at]) => at.length > 1)
            .map(([v, at]) => `${field}: "${v}" is used more than once (${at.join(", ")}); each must be unique.`);
    };
    const errors = [
        ...unique("services[].name", (s) => [s.name]),
        ...unique("services[].roleName", (s) => [s.roleName ?? s.name]),
        ...unique("services[].policyName", (s) => [s.policyName ?? s.name]),
        ...unique("services[].namespace (createNamespace: true)", (s) => (s.createNamespace ? [s.namespace] : [])),
        ...unique("services[].formerNames", (s) => s.formerNames ?? []),
        ...placed.flatMap(({ service: s, at }) =>
            (s.formerNames ?? [])
                .filter((f) => services.some((o) => o.name === f))
                .map((f) => `${at}.formerNames: "${f}" is the name of a current service; list only names no service has now.`),
        ),
        ...placed.flatMap(({ service: s, at }) => validateServiceAccessArgs(s.name, serviceArgs(s, cfg), serviceFields(at))),
        // All roles live on the one auth mount: one account must not reach two of them.
        ...checkBindingOverlaps(placed.map(({ service: s, at }) => bindingOf(at, s.name, serviceArgs(s, cfg)))),
    ];
    const mounts = placed.flatMap(({ service: s, at }) => (s.mount ? [{ at: `${at}.mount.path`, path: s.mount.path }] : []));
    for (const [i, j] of collidingPaths(mounts.map((m) => m.path))) {
        const [a, b] = [mounts[i], mounts[j]];
        errors.push(`${b.at}: "${b.path}" collides with ${a.at} "${a.path}"; each service needs its own mount path.`);
    }
    if (
        cfg.reviewerMode === ReviewerMode.Secret &&
        cfg.createReviewerNamespace &&
        services.some((s) => s.createNamespace && s.namespace === cfg.reviewerNamespace)
    ) {
        errors.push(
            `services[].namespace: "${cfg.reviewerNamespace}" is also the reviewer namespace, which the platform creates; set createNamespace: false on that service.`,
        );
    }
    return errors;
}

/**
 * The default Pulumi.yaml declares for a key: the schema's, else "" or [] for "unset" (Pulumi.yaml
 * requires a key that has no default, and a secret key cannot have a plain one).
 */
export function declaredDefault(key: keyof StackConfig): unknown {
    const schema = stackConfig.shape[key];
    const parsed = schema.safeParse(undefined);
    return parsed.success && parsed.data !== undefined ? parsed.data : configTypeOf(schema).type === "array" ? [] : "";
}

/** The Pulumi config type of a key's schema: how `pulumi config` holds it, and how Pulumi.yaml declares it. */
export type ConfigType = "string" | "boolean" | "object" | "array";
export function configTypeOf(schema: z.ZodType): { type: ConfigType; items?: { type: ConfigType } } {
    const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } }).def;
    if (def.type === "optional" || def.type === "default") return configTypeOf(def.innerType!);
    if (def.type === "array") return { type: "array", items: { type: configTypeOf(def.element!).type } };
    if (def.type === "enum") return { type: "string" };
    if (def.type === "boolean" || def.type === "string" || def.type === "object") return { type: def.type };
    throw new Error(`no Pulumi config type for a ${def.type} schema`);
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
        const schema = stackConfig.shape[key as keyof typeof stackConfig.shape];
        const type = schema ? configTypeOf(schema).type : "string"; // an unknown key: reported by the schema
        const value =
            type === "array" || type === "object" ? config.getObject(key) : type === "boolean" ? config.getBoolean(key) : config.get(key);
        // Pulumi.yaml declares "" as the default of optional strings: it means "not set".
        if (value !== "") raw[key] = value;
    }
    return raw;
}
