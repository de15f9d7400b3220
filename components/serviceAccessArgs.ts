import * as pulumi from "@pulumi/pulumi";
import { checkKvV2Mounts, checkPolicyRules } from "./policyDocument";
import { PolicyRule } from "./policyRules";
import { defaultReviewerMode, ReviewerMode } from "./reviewerMode";
import {
    boundValuesOverlap,
    checkBoundList,
    checkKubernetesName,
    checkMountPath,
    checkNamespace,
    checkOneOf,
    checkPolicyName,
    checkRequired,
    checkRoleName,
    checkTtls,
    knownNow,
    mountsCollide,
    FieldOf,
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
    /**
     * How the auth method at authPath checks tokens (KubernetesAuthBackend.reviewerMode): the role
     * is a `kubernetes` role, or a `jwt` role in "jwt" mode. Default: "secret".
     * @default "secret"
     */
    readonly reviewerMode?: ReviewerMode;
    /**
     * In "client-jwt" mode: the ClusterRole that allows creating TokenReviews
     * (TokenReviewRole.clusterRoleName), to which the service's account is bound.
     * Default: "vault-token-review".
     * @default "vault-token-review"
     */
    readonly tokenReviewClusterRole?: pulumi.Input<string>;
}

/**
 * kv-v2 mounts the service's rules may refer to: the listed ones and its own mount when it is kv-v2.
 * @internal
 */
export function kvV2MountsOf(args: Pick<ServiceAccessArgs, "kvV2Mounts" | "mount">): string[] {
    const own = args.mount && (args.mount.type ?? serviceAccessDefaults.mountType) === MountType.KvV2 ? [args.mount.path] : [];
    return [...(args.kvV2Mounts ?? []), ...own];
}

/**
 * What validateServiceAccessArgs reports under: an argument, or the component's name.
 * @internal
 */
export type ServiceField = keyof ServiceAccessArgs | "name";

/**
 * Every problem of a service's args, each under the name the caller's user wrote: `fieldOf` maps an
 * argument to it (a program's argument names by default; the stack passes its config keys).
 * @internal
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
        ...checkOneOf(fieldOf("reviewerMode"), args.reviewerMode, Object.values(ReviewerMode)),
        ...checkReviewerModeFit(fieldOf, args),
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
        const authPath = knownNow(args.authPath);
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

/** What each reviewer mode asks of a service's binding and audience. */
function checkReviewerModeFit(fieldOf: FieldOf<ServiceField>, args: ServiceAccessArgs): string[] {
    const mode = args.reviewerMode ?? defaultReviewerMode;
    const errors: string[] = [];
    if (mode === ReviewerMode.ClientJwt) {
        if (args.audience !== undefined) {
            errors.push(
                `${fieldOf("audience")}: "${args.audience}" cannot work with reviewerMode "client-jwt": Vault presents the service's own token to the TokenReview API as its credential, and the API server accepts only tokens issued for its own audiences (its --api-audiences, by default its issuer). Remove audience (the pod's own token is then used), or use reviewerMode "secret" or "jwt".`,
            );
        }
        for (const key of ["boundServiceAccountNames", "boundServiceAccountNamespaces"] as const) {
            if ((args[key] ?? []).some((v) => v.includes("*"))) {
                errors.push(
                    `${fieldOf(key)}: reviewerMode "client-jwt" binds each account the role accepts to the TokenReview ClusterRole, and RBAC cannot bind a glob; list the accounts, or use reviewerMode "secret" or "jwt".`,
                );
            }
        }
    }
    if (mode === ReviewerMode.Jwt) {
        if (!args.audience) {
            errors.push(
                `${fieldOf("audience")}: is missing; reviewerMode "jwt" checks only the token's signature, so the audience is what keeps a token issued for something else (the API server, another service) from logging in here. Set e.g. "vault", and give the pods a projected token for it.`,
            );
        }
        if (args.aliasNameSource !== undefined) {
            errors.push(
                `${fieldOf("aliasNameSource")}: applies to the kubernetes auth method only; with reviewerMode "jwt" the alias is the token's "sub" (system:serviceaccount:<namespace>:<name>). Remove it.`,
            );
        }
    }
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
