import { z } from "zod";
import { kubernetesAuthBackendDefaults } from "../components/kubernetesAuthBackend";
import { RuleCapability } from "../components/policyRules";
import { defaultReviewerMode, ReviewerMode } from "../components/reviewerMode";
import { AliasNameSource, MountType, ServiceAccessArgs, TokenType } from "../components/serviceAccessArgs";
import { tokenReviewerDefaults } from "../components/tokenReviewer";

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

// Each key's description is written once: here for the stack's own keys, in components/ for a key that
// passes an argument on (keyArguments). Pulumi.yaml's declarations and the tables of
// docs/configuration.md are generated from them (npm run docs:config; a unit test keeps them in step).
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
    kubernetesHost: z.string().optional().describe("Wins over the kubeconfig's. Unset: from the kubeconfig."),
    kubernetesCaCert: z
        .string()
        .optional()
        .describe("Wins over the kubeconfig's. Unset: from the kubeconfig, else the token Secret's ca.crt."),
    reviewerMode: oneOf(ReviewerMode, "a reviewer mode").default(defaultReviewerMode),
    reviewerNamespace: z.string().default(tokenReviewerDefaults.namespace).describe('("secret" mode)'),
    createReviewerNamespace: z.boolean().default(tokenReviewerDefaults.createNamespace).describe('("secret" mode)'),
    reviewerServiceAccount: z.string().default(tokenReviewerDefaults.serviceAccountName).describe('("secret" mode)'),
    authPath: z.string().default(kubernetesAuthBackendDefaults.path),
    issuer: z.string().optional(),
    disableLocalCaJwt: z.boolean().default(kubernetesAuthBackendDefaults.disableLocalCaJwt),
    pemKeys: z.array(z.string()).optional(),
    writeOnlyReviewerJwt: z.boolean().default(kubernetesAuthBackendDefaults.writeOnlyJwt),
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
    kvV2Mounts: z.array(z.string()).default([]).describe("For every service of the stack."),
    services: z.array(service).default([]).describe("The services, each with the fields below."),
});

export type StackConfig = z.infer<typeof stackConfig>;

const authBackendArgsDoc = ["kubernetesAuthBackend.ts", "KubernetesAuthBackendArgs"] as const;
const tokenReviewerArgsDoc = ["tokenReviewer.ts", "TokenReviewerArgs"] as const;
const serviceAccessArgsDoc = ["serviceAccessArgs.ts", "ServiceAccessArgs"] as const;

/**
 * The keys that pass a component's argument on: their description is that argument's doc comment,
 * written once in components/ (npm run docs:config reads it), followed by the stack's own note in
 * `.describe()`, if the key has one.
 */
export const keyArguments: Partial<Record<keyof StackConfig, readonly [file: string, args: string, argument: string]>> = {
    ...passedOn(authBackendArgsDoc, ["reviewerMode", "kubernetesHost", "kubernetesCaCert", "issuer", "disableLocalCaJwt", "pemKeys"]),
    ...passedOn(authBackendArgsDoc, { authPath: "path", writeOnlyReviewerJwt: "writeOnlyJwt" }),
    ...passedOn(tokenReviewerArgsDoc, {
        reviewerNamespace: "namespace",
        createReviewerNamespace: "createNamespace",
        reviewerServiceAccount: "serviceAccountName",
    }),
    ...passedOn(serviceAccessArgsDoc, ["kvV2Mounts"]),
};

/** Keys passed on to arguments of an interface in components/: by the same name, or key → argument. */
function passedOn(
    [file, args]: readonly [string, string],
    keys: readonly (keyof StackConfig)[] | Partial<Record<keyof StackConfig, string>>,
) {
    const pairs = Array.isArray(keys) ? keys.map((k) => [k, k]) : Object.entries(keys);
    return Object.fromEntries(pairs.map(([key, argument]) => [key, [file, args, argument] as const]));
}
export type ServiceConfig = z.infer<typeof service>;

/**
 * Compile-time: a service's config fields are exactly ServiceAccessArgs' own fields (less the
 * stack-wide ones, plus its name); serviceArgs (configChecks.ts) checks that their types fit. A field added to
 * one and not the other fails the build.
 */
export type StackWideArgs = "authPath" | "kvV2Mounts" | "reviewerMode" | "tokenReviewClusterRole";
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
