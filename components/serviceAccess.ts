import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { kubernetesAuthBackendDefaults } from "./kubernetesAuthBackend";
import { checkKvV2Mounts, checkPolicyRules, PolicyRule, renderPolicy } from "./policyDocument";
import {
    checkBoundList,
    checkKubernetesName,
    checkMountPath,
    checkNamespace,
    checkOneOf,
    checkPolicyName,
    checkRequired,
    checkRoleName,
    checkTtls,
    known,
    mountsCollide,
    FieldOf,
    throwIfInvalid,
} from "./validation";

/** Vault token types a role can issue. */
export const TokenType = {
    Default: "default",
    Service: "service",
    Batch: "batch",
    DefaultService: "default-service",
    DefaultBatch: "default-batch",
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** What a login's identity alias is named after. */
export const AliasNameSource = { ServiceAccountUid: "serviceaccount_uid", ServiceAccountName: "serviceaccount_name" } as const;
export type AliasNameSource = (typeof AliasNameSource)[keyof typeof AliasNameSource];

/** Secrets engines a service can have mounted: kv version 2 (versioned) or version 1. */
export const MountType = { KvV2: "kv-v2", Kv: "kv" } as const;
export type MountType = (typeof MountType)[keyof typeof MountType];

/** The defaults of ServiceAccessArgs, written once: the component applies them, the docs name them. */
export const serviceAccessDefaults = {
    createNamespace: false,
    createServiceAccount: true,
    mountType: MountType.KvV2,
    tokenTtl: 3600,
    tokenMaxTtl: 86400,
    tokenType: TokenType.Default,
    tokenNoDefaultPolicy: false,
} as const;

/** A secrets engine mounted for one service. */
export interface ServiceMountArgs {
    /** Mount path, e.g. "my-app". */
    readonly path: string;
    /**
     * "kv-v2" (versioned; rules on it are expanded to data/, metadata/ and the other kv-v2 endpoints)
     * or "kv" (version 1).
     * Default: "kv-v2".
     * @default "kv-v2"
     */
    readonly type?: MountType;
    /**
     * Description shown in Vault. Default: "Secrets of <service>".
     * @default "Secrets of <service>"
     */
    readonly description?: string;
}

export interface ServiceAccessArgs {
    /** Kubernetes namespace the service runs in. */
    readonly namespace: string;
    /**
     * Create that namespace (usually it belongs to the service's own deployment). Default: false.
     * @default false
     */
    readonly createNamespace?: boolean;
    /**
     * ServiceAccount the service's pods run as. Default: the component's name.
     * @default the component's name
     */
    readonly serviceAccountName?: string;
    /**
     * Create that ServiceAccount (true) or bind the role to an existing one (false). Default: true.
     * @default true
     */
    readonly createServiceAccount?: boolean;
    /**
     * Names the role accepts; names and namespaces are matched independently. Default: [serviceAccountName].
     * @default [serviceAccountName]
     */
    readonly boundServiceAccountNames?: string[];
    /**
     * Namespaces the role accepts. Default: [namespace].
     * @default [namespace]
     */
    readonly boundServiceAccountNamespaces?: string[];
    /**
     * Accept "*" in bound names or namespaces: a wildcard lets every matching account in. Default: false.
     * @default false
     */
    readonly allowWildcards?: boolean;
    /**
     * Accept a binding to a namespace's `default` ServiceAccount, which every pod without its own
     * account runs as: the role would be open to all of them.
     * Default: false.
     * @default false
     */
    readonly allowDefaultServiceAccount?: boolean;
    /**
     * Accept a binding that overlaps another service's (the same account could log in to two roles);
     * both services must set it. Overlaps are found where services are declared together: the
     * stack checks its services, a program can call checkBindingOverlaps.
     * Default: false.
     * @default false
     */
    readonly allowSharedServiceAccount?: boolean;
    /**
     * Accept rules on paths outside the service's own mount and the listed kvV2Mounts (e.g. `sys/*`,
     * another service's mount). A `deny` rule is accepted anywhere.
     * Default: false.
     * @default false
     */
    readonly allowPathsOutsideMounts?: boolean;
    /**
     * Accept the `sudo` capability, which opens root-protected endpoints. Default: false.
     * @default false
     */
    readonly allowSudo?: boolean;
    /**
     * When the service is removed from the stack, delete its mount (and every secret in it) and its
     * namespace (and everything in it). By default both are kept (Pulumi's retainOnDelete): only the
     * role, the policy and the ServiceAccount go.
     * Default: false.
     * @default false
     */
    readonly deleteDataOnRemoval?: boolean;
    /**
     * Names this service had before (in a stack, its `name`; in a program, the component's name): they
     * become aliases, so a rename moves no resource. Keep the real names (roleName, policyName,
     * serviceAccountName) explicit when renaming, or they follow the new name.
     * Default: none.
     * @default none
     */
    readonly formerNames?: string[];
    /**
     * Path of the kubernetes auth method the role lives on, e.g. KubernetesAuthBackend.path. Default: "kubernetes".
     * @default "kubernetes"
     */
    readonly authPath?: pulumi.Input<string>;
    /**
     * Vault role name. Default: the component's name.
     * @default the component's name
     */
    readonly roleName?: string;
    /**
     * Vault policy name. Default: the component's name.
     * @default the component's name
     */
    readonly policyName?: string;
    /** What the service may do in Vault. */
    readonly rules: PolicyRule[];
    /**
     * Existing kv-v2 mounts the rules refer to (e.g. ["secret"]); rules on them are expanded. Default: none.
     * @default none
     */
    readonly kvV2Mounts?: string[];
    /**
     * A secrets engine to mount for this service. Default: none.
     * @default none
     */
    readonly mount?: ServiceMountArgs;
    /**
     * Lifetime of the Vault token, in seconds. Default: 3600.
     * @default 3600
     */
    readonly tokenTtl?: number;
    /**
     * Maximum lifetime after renewals, in seconds. Default: 86400.
     * @default 86400
     */
    readonly tokenMaxTtl?: number;
    /**
     * Audience the service's JWT must carry; unset accepts any audience. Default: unset.
     * @default unset
     */
    readonly audience?: string;
    /**
     * Vault token type. Default: "default".
     * @default "default"
     */
    readonly tokenType?: TokenType;
    /**
     * Leave the "default" policy off the token. Default: false.
     * @default false
     */
    readonly tokenNoDefaultPolicy?: boolean;
    /**
     * What the identity alias is named after. Default: Vault's default (serviceaccount_uid).
     * @default Vault's default (serviceaccount_uid)
     */
    readonly aliasNameSource?: AliasNameSource;
}

/**
 * One service's access to Vault: its ServiceAccount, a policy built from typed rules, optionally the
 * secrets engine the policy refers to, and a kubernetes auth role bound to exactly that account.
 */
export class ServiceAccess extends pulumi.ComponentResource {
    /** Name of the Vault role the service logs in as. */
    public readonly roleName: pulumi.Output<string>;
    /** Name of the Vault policy attached to the role. */
    public readonly policyName: pulumi.Output<string>;
    /** The rendered JSON policy. */
    public readonly policyDocument: pulumi.Output<string>;
    /** Namespace the service runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** ServiceAccount whose tokens the role accepts. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Mount path of the kubernetes auth method the role lives in. */
    public readonly authPath: pulumi.Output<string>;
    /** Path of the mount created for the service, or "" when none. */
    public readonly mountPath: pulumi.Output<string>;
    /** A ready-to-run login from inside one of the service's pods (no secret in it). */
    public readonly loginExample: pulumi.Output<string>;
    /** Audience the service's JWT must carry, or "" for any. */
    public readonly audience: pulumi.Output<string>;
    /** Whether tokens of the role lack the "default" policy. */
    public readonly tokenNoDefaultPolicy: pulumi.Output<boolean>;

    constructor(name: string, args: ServiceAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
        throwIfInvalid(validateServiceAccessArgs(name, args), `ServiceAccess "${name}"`);
        const aliases = [...(opts.aliases ?? []), ...(args.formerNames ?? []).map((former) => ({ name: former }))];
        super("vault-k8s-auth:index:ServiceAccess", name, {}, { ...opts, aliases });
        // Data outlives the service unless it opts in: removing a service from config must not erase its secrets.
        const retainOnDelete = !(args.deleteDataOnRemoval ?? false);

        const saName = args.serviceAccountName ?? name;
        const authPath = pulumi.output(args.authPath ?? kubernetesAuthBackendDefaults.path);

        const namespace =
            (args.createNamespace ?? serviceAccessDefaults.createNamespace)
                ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace } }, { parent: this, retainOnDelete })
                : undefined;
        const nsName = namespace ? namespace.metadata.name : pulumi.output(args.namespace);

        const serviceAccount = !(args.createServiceAccount ?? serviceAccessDefaults.createServiceAccount)
            ? undefined
            : new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: saName, namespace: nsName } }, { parent: this });

        const mount = args.mount
            ? new vault.Mount(
                  `${name}-mount`,
                  {
                      path: args.mount.path,
                      ...((args.mount.type ?? serviceAccessDefaults.mountType) === MountType.KvV2
                          ? { type: "kv", options: { version: "2" } }
                          : { type: "kv", options: { version: "1" } }),
                      description: args.mount.description ?? `Secrets of ${name}`,
                  },
                  { parent: this, retainOnDelete },
              )
            : undefined;

        const document = renderPolicy(args.rules, kvV2MountsOf(args));
        const policy = new vault.Policy(
            `${name}-policy`,
            { name: args.policyName ?? name, policy: document },
            // The policy may name paths of the mount: create the mount first, remove it last.
            { parent: this, dependsOn: mount ? [mount] : [] },
        );

        const role = new vault.kubernetes.AuthBackendRole(
            `${name}-role`,
            {
                backend: authPath,
                roleName: args.roleName ?? name,
                boundServiceAccountNames: args.boundServiceAccountNames ?? [saName],
                boundServiceAccountNamespaces: args.boundServiceAccountNamespaces ?? [args.namespace],
                tokenPolicies: [policy.name],
                tokenTtl: args.tokenTtl ?? serviceAccessDefaults.tokenTtl,
                tokenMaxTtl: args.tokenMaxTtl ?? serviceAccessDefaults.tokenMaxTtl,
                tokenType: args.tokenType ?? serviceAccessDefaults.tokenType,
                tokenNoDefaultPolicy: args.tokenNoDefaultPolicy ?? serviceAccessDefaults.tokenNoDefaultPolicy,
                audience: args.audience,
                aliasNameSource: args.aliasNameSource,
            },
            { parent: this, dependsOn: serviceAccount ? [serviceAccount] : [] },
        );

        this.roleName = role.roleName;
        this.policyName = policy.name;
        this.policyDocument = policy.policy;
        this.namespace = nsName;
        this.serviceAccountName = serviceAccount ? serviceAccount.metadata.name : pulumi.output(saName);
        this.authPath = authPath;
        this.mountPath = mount ? mount.path : pulumi.output("");
        this.loginExample = pulumi.all([authPath, role.roleName]).apply(([path, roleName]) => loginExample(path, roleName, args.audience));
        this.audience = role.audience.apply((a) => a ?? "");
        this.tokenNoDefaultPolicy = role.tokenNoDefaultPolicy.apply((v) => v ?? false);

        this.registerOutputs({
            roleName: this.roleName,
            policyName: this.policyName,
            policyDocument: this.policyDocument,
            namespace: this.namespace,
            serviceAccountName: this.serviceAccountName,
            authPath: this.authPath,
            mountPath: this.mountPath,
            loginExample: this.loginExample,
            audience: this.audience,
            tokenNoDefaultPolicy: this.tokenNoDefaultPolicy,
        });
    }
}

/** kv-v2 mounts the service's rules may refer to: the listed ones and its own mount when it is kv-v2. */
export function kvV2MountsOf(args: Pick<ServiceAccessArgs, "kvV2Mounts" | "mount">): string[] {
    const own = args.mount && (args.mount.type ?? serviceAccessDefaults.mountType) === MountType.KvV2 ? [args.mount.path] : [];
    return [...(args.kvV2Mounts ?? []), ...own];
}

/** Where a pod finds a token with the role's audience: a projected serviceAccountToken volume (see README). */
export const audienceTokenPath = "/var/run/secrets/vault/token";

/**
 * A login a pod can run as is; nothing secret is in the text. Without an audience it reads the
 * pod's own token; with one, a projected token issued for that audience (the default token's
 * audience is the API server's, which the role would refuse).
 */
export function loginExample(authPath: string, roleName: string, audience?: string): string {
    const tokenFile = audience ? audienceTokenPath : "/var/run/secrets/kubernetes.io/serviceaccount/token";
    const body = `{"role": "${roleName}", "jwt": "'"$(cat ${tokenFile})"'"}`;
    return `curl --silent --request POST --data '${body}' "$VAULT_ADDR/v1/auth/${authPath}/login"`;
}

/** What validateServiceAccessArgs reports under: an argument, or the component's name. */
export type ServiceField = keyof ServiceAccessArgs | "name";

/**
 * Every problem of a service's args, each under the name the caller's user wrote: `fieldOf` maps an
 * argument to it (a program's argument names by default; the stack passes its config keys).
 */
export function validateServiceAccessArgs(name: string, args: ServiceAccessArgs, fieldOf: FieldOf<ServiceField> = (k) => k): string[] {
    const errors = [
        ...checkRequired(fieldOf("namespace"), args.namespace, "give the Kubernetes namespace the service runs in."),
        ...checkNamespace(fieldOf("namespace"), args.namespace),
        ...checkKubernetesName(fieldOf("serviceAccountName"), args.serviceAccountName ?? name),
        ...checkRoleName(fieldOf("roleName"), args.roleName ?? name),
        ...checkPolicyName(fieldOf("policyName"), args.policyName ?? name),
        ...checkBoundList(fieldOf("boundServiceAccountNames"), args.boundServiceAccountNames, args.allowWildcards ?? false),
        ...checkBoundList(fieldOf("boundServiceAccountNamespaces"), args.boundServiceAccountNamespaces, args.allowWildcards ?? false),
        ...(args.boundServiceAccountNamespaces ?? [])
            .filter((n) => !n.includes("*"))
            .flatMap((n) => checkNamespace(fieldOf("boundServiceAccountNamespaces"), n)),
        ...checkPolicyRules(fieldOf("rules"), args.rules ?? [], kvV2MountsOf(args)),
        ...checkRulesWithinMounts(fieldOf("rules"), args),
        ...checkDefaultServiceAccount(fieldOf, { ...args, name }),
        ...checkTtls(
            [fieldOf("tokenTtl"), fieldOf("tokenMaxTtl")],
            args.tokenTtl ?? serviceAccessDefaults.tokenTtl,
            args.tokenMaxTtl ?? serviceAccessDefaults.tokenMaxTtl,
        ),
        // The types say so, but JavaScript and other languages' programs reach here unchecked.
        ...checkOneOf(fieldOf("tokenType"), args.tokenType, Object.values(TokenType)),
        ...checkOneOf(fieldOf("aliasNameSource"), args.aliasNameSource, Object.values(AliasNameSource)),
        ...(args.kvV2Mounts ?? []).flatMap((m, i) => checkMountPath(`${fieldOf("kvV2Mounts")}[${i}]`, m)),
        ...checkKvV2Mounts(fieldOf("kvV2Mounts"), args.kvV2Mounts ?? []),
    ];
    if (args.mount) {
        errors.push(
            ...checkMountPath(`${fieldOf("mount")}.path`, args.mount.path),
            ...checkOneOf(`${fieldOf("mount")}.type`, args.mount.type, Object.values(MountType)),
        );
        for (const existing of args.kvV2Mounts ?? []) {
            if (mountsCollide(args.mount.path, existing)) {
                errors.push(
                    `${fieldOf("mount")}.path: "${args.mount.path}" collides with kvV2Mounts entry "${existing}" (an existing mount); choose another path.`,
                );
            }
        }
        const authPath = known(args.authPath);
        if (authPath !== undefined && mountsCollide(args.mount.path, authPath)) {
            errors.push(`${fieldOf("mount")}.path: "${args.mount.path}" collides with the auth path "${authPath}"; choose another path.`);
        }
    }
    return errors;
}

/** Rules must stay inside the service's own mount and the listed kv-v2 mounts, and not use sudo, unless opted in. */
function checkRulesWithinMounts(field: string, args: ServiceAccessArgs): string[] {
    const mounts = [...(args.mount ? [args.mount.path] : []), ...(args.kvV2Mounts ?? [])];
    const errors: string[] = [];
    (args.rules ?? []).forEach((rule, i) => {
        const caps = rule.capabilities ?? [];
        if (caps.includes("sudo") && !args.allowSudo) {
            errors.push(
                `${field}[${i}].capabilities: "sudo" opens root-protected endpoints; remove it, or set allowSudo: true if the service really needs it.`,
            );
        }
        const grants = caps.some((c) => c !== "deny");
        const inside = mounts.some((m) => rule.path === m || rule.path?.startsWith(`${m}/`));
        if (grants && !inside && !args.allowPathsOutsideMounts && typeof rule.path === "string") {
            const where = mounts.length > 0 ? `its mount(s) ${mounts.map((m) => `"${m}/"`).join(", ")}` : "any mount (it has none)";
            errors.push(
                `${field}[${i}].path: "${rule.path}" is outside ${where}; write paths under them, list the mount in kvV2Mounts, or set allowPathsOutsideMounts: true if the service really needs it.`,
            );
        }
    });
    return errors;
}

/** Every pod of a namespace without its own account runs as `default`: a role bound to it (or to a glob matching it) is open to all of them. */
function checkDefaultServiceAccount(fieldOf: FieldOf<ServiceField>, args: ServiceAccessArgs & { name?: string }): string[] {
    const names = args.boundServiceAccountNames ?? [args.serviceAccountName ?? args.name ?? ""];
    if (args.allowDefaultServiceAccount || !names.some((n) => boundValuesOverlap(n, "default"))) return [];
    // Reported under the field that named it: the bound list, or else the account (or the service's name).
    const key = args.boundServiceAccountNames ? "boundServiceAccountNames" : args.serviceAccountName ? "serviceAccountName" : "name";
    return [
        `${fieldOf(key)}: binds the namespace's "default" ServiceAccount, which every pod without its own account runs as; give the service its own serviceAccountName, or set allowDefaultServiceAccount: true.`,
    ];
}

/** Who may log in with a role: bound ServiceAccount names × bound namespaces. */
export interface RoleBinding {
    /** Where to report, e.g. `services[1] (payments)`. */
    at: string;
    names: readonly string[];
    namespaces: readonly string[];
    /** The service accepts overlaps (allowSharedServiceAccount). */
    shared?: boolean;
}

/** The binding of one service, with the component's defaults applied. */
export function bindingOf(at: string, name: string, args: ServiceAccessArgs): RoleBinding {
    const sa = args.serviceAccountName ?? name;
    return {
        at,
        names: args.boundServiceAccountNames ?? [sa],
        namespaces: args.boundServiceAccountNamespaces ?? [args.namespace],
        shared: args.allowSharedServiceAccount,
    };
}

/** Whether a bound value (possibly a glob with "*") and another can match the same account. */
function boundValuesOverlap(a: string, b: string): boolean {
    const toRegex = (glob: string) => new RegExp(`^${glob.split("*").map(escapeRegex).join(".*")}$`);
    if (!a.includes("*")) return b.includes("*") ? toRegex(b).test(a) : a === b;
    if (!b.includes("*")) return toRegex(a).test(b);
    // Two globs share a match exactly when their heads (before the first "*") and their tails
    // (after the last) agree: "team-*" and "*-api" share "team-api", "team-*" and "ops-*" nothing.
    const head = (g: string) => g.slice(0, g.indexOf("*"));
    const tail = (g: string) => g.slice(g.lastIndexOf("*") + 1);
    const [ha, hb, ta, tb] = [head(a), head(b), tail(a), tail(b)];
    return (ha.startsWith(hb) || hb.startsWith(ha)) && (ta.endsWith(tb) || tb.endsWith(ta));
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * One account, one role: reports every pair of roles on the same auth mount that one
 * ServiceAccount could log in to, unless both services accept sharing.
 */
export function checkBindingOverlaps(bindings: readonly RoleBinding[]): string[] {
    const errors: string[] = [];
    for (const [i, j] of bindingPairsToCompare(bindings)) {
        const [a, b] = [bindings[i], bindings[j]];
        if (a.shared && b.shared) continue;
        const name = a.names.find((x) => b.names.some((y) => boundValuesOverlap(x, y)));
        const ns = a.namespaces.find((x) => b.namespaces.some((y) => boundValuesOverlap(x, y)));
        if (name !== undefined && ns !== undefined) {
            errors.push(
                `${b.at}: its binding overlaps ${a.at}'s (ServiceAccount "${name}" in namespace "${ns}" could log in to both roles); give each service its own account, or set allowSharedServiceAccount: true on both.`,
            );
        }
    }
    return errors;
}

/**
 * The pairs (i < j, in order) that can overlap at all: bindings sharing a namespace, and every
 * binding with a namespace glob against all others. A fleet of 1000 services is not a million pairs.
 */
function bindingPairsToCompare(bindings: readonly RoleBinding[]): [number, number][] {
    const byNamespace = new Map<string, number[]>();
    const globs: number[] = [];
    bindings.forEach((b, i) => {
        if (b.namespaces.some((ns) => ns.includes("*"))) globs.push(i);
        else for (const ns of new Set(b.namespaces)) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), i]);
    });
    const pairs = new Map<string, [number, number]>();
    const add = (i: number, j: number) => i !== j && pairs.set(`${Math.min(i, j)},${Math.max(i, j)}`, [Math.min(i, j), Math.max(i, j)]);
    for (const same of byNamespace.values()) same.forEach((i, k) => same.slice(k + 1).forEach((j) => add(i, j)));
    for (const g of globs) bindings.forEach((_, j) => add(g, j));
    return [...pairs.values()].sort(([a, b], [c, d]) => a - c || b - d);
}
