import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { checkPolicyRules, PolicyRule, renderPolicy } from "./policyDocument";
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
    throwIfInvalid,
} from "./validation";

export const tokenTypes = ["default", "service", "batch", "default-service", "default-batch"] as const;
export const aliasNameSources = ["serviceaccount_uid", "serviceaccount_name"] as const;
export const mountTypes = ["kv-v2", "kv"] as const;

/** A secrets engine mounted for one service. */
export interface ServiceMountArgs {
    /** Mount path, e.g. "my-app". */
    path: string;
    /** "kv-v2" (versioned; rules on it are expanded to data/ and metadata/) or "kv" (version 1). Default "kv-v2". */
    type?: string;
    /** Description shown in Vault. Default: "Secrets of <service>". */
    description?: string;
}

export interface ServiceAccessArgs {
    /** Kubernetes namespace the service runs in. */
    namespace: string;
    /** Create that namespace. Default false (it usually belongs to the service's own deployment). */
    createNamespace?: boolean;
    /** ServiceAccount the service's pods run as. Default: the component's name. */
    serviceAccountName?: string;
    /** Create that ServiceAccount (true) or bind the role to an existing one (false). Default true. */
    createServiceAccount?: boolean;
    /** Names the role accepts. Default: [serviceAccountName]. Names and namespaces are matched independently. */
    boundServiceAccountNames?: string[];
    /** Namespaces the role accepts. Default: [namespace]. */
    boundServiceAccountNamespaces?: string[];
    /** Accept "*" in bound names or namespaces. Default false: a wildcard lets every matching account in. */
    allowWildcards?: boolean;
    /** Path of the kubernetes auth method the role lives on, e.g. KubernetesAuthBackend.path. Default "kubernetes". */
    authPath?: pulumi.Input<string>;
    /** Vault role name. Default: the component's name. */
    roleName?: string;
    /** Vault policy name. Default: the component's name. */
    policyName?: string;
    /** What the service may do in Vault. */
    rules: PolicyRule[];
    /** Existing kv-v2 mounts the rules refer to (e.g. ["secret"]); rules on them are expanded. Default: none. */
    kvV2Mounts?: string[];
    /** A secrets engine to mount for this service. Default: none. */
    mount?: ServiceMountArgs;
    /** Lifetime of the Vault token in seconds. Default 3600. */
    tokenTtl?: number;
    /** Maximum lifetime after renewals in seconds. Default 86400. */
    tokenMaxTtl?: number;
    /** Audience the service's JWT must carry; unset accepts any audience. Default: unset. */
    audience?: string;
    /** Vault token type: default, service, batch, default-service, default-batch. Default "default". */
    tokenType?: string;
    /** Leave the "default" policy off the token. Default false. */
    tokenNoDefaultPolicy?: boolean;
    /** Identity alias from "serviceaccount_uid" or "serviceaccount_name". Default: Vault's default. */
    aliasNameSource?: string;
}

/**
 * One service's access to Vault: its ServiceAccount, a policy built from typed rules, optionally the
 * secrets engine the policy refers to, and a kubernetes auth role bound to exactly that account.
 */
export class ServiceAccess extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    public readonly policyName: pulumi.Output<string>;
    /** The rendered JSON policy. */
    public readonly policyDocument: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceAccountName: pulumi.Output<string>;
    public readonly authPath: pulumi.Output<string>;
    /** Path of the mount created for the service, or "" when none. */
    public readonly mountPath: pulumi.Output<string>;
    /** A ready-to-run login from inside one of the service's pods (no secret in it). */
    public readonly loginExample: pulumi.Output<string>;
    /** Audience the service's JWT must carry, or "" for any. */
    public readonly audience: pulumi.Output<string>;
    /** Whether tokens of the role lack the "default" policy. */
    public readonly tokenNoDefaultPolicy: pulumi.Output<boolean>;

    constructor(name: string, args: ServiceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(validateServiceAccessArgs(name, args), `ServiceAccess "${name}"`);
        super("vault-k8s-auth:index:ServiceAccess", name, {}, opts);

        const saName = args.serviceAccountName ?? name;
        const authPath = pulumi.output(args.authPath ?? "kubernetes");

        const namespace = args.createNamespace
            ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace } }, { parent: this })
            : undefined;
        const nsName = namespace ? namespace.metadata.name : pulumi.output(args.namespace);

        const serviceAccount =
            args.createServiceAccount === false
                ? undefined
                : new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: saName, namespace: nsName } }, { parent: this });

        const mount = args.mount
            ? new vault.Mount(
                  `${name}-mount`,
                  {
                      path: args.mount.path,
                      ...((args.mount.type ?? "kv-v2") === "kv-v2"
                          ? { type: "kv", options: { version: "2" } }
                          : { type: "kv", options: { version: "1" } }),
                      description: args.mount.description ?? `Secrets of ${name}`,
                  },
                  { parent: this },
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
                tokenTtl: args.tokenTtl ?? 3600,
                tokenMaxTtl: args.tokenMaxTtl ?? 86400,
                tokenType: args.tokenType ?? "default",
                tokenNoDefaultPolicy: args.tokenNoDefaultPolicy ?? false,
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
        this.loginExample = pulumi.all([authPath, role.roleName]).apply(([path, roleName]) => loginExample(path, roleName));
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
    const own = args.mount && (args.mount.type ?? "kv-v2") === "kv-v2" ? [args.mount.path] : [];
    return [...(args.kvV2Mounts ?? []), ...own];
}

/** A login a pod can run as is: it reads its own projected token; nothing secret is in the text. */
export function loginExample(authPath: string, roleName: string): string {
    const body = `{"role": "${roleName}", "jwt": "'"$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"'"}`;
    return `curl --silent --request POST --data '${body}' "$VAULT_ADDR/v1/auth/${authPath}/login"`;
}

export function validateServiceAccessArgs(name: string, args: ServiceAccessArgs, field = `services.${name}`): string[] {
    const errors = [
        ...checkRequired(`${field}.namespace`, args.namespace, "give the Kubernetes namespace the service runs in."),
        ...checkNamespace(`${field}.namespace`, args.namespace),
        ...checkKubernetesName(`${field}.serviceAccountName`, args.serviceAccountName ?? name),
        ...checkRoleName(`${field}.roleName`, args.roleName ?? name),
        ...checkPolicyName(`${field}.policyName`, args.policyName ?? name),
        ...checkBoundList(`${field}.boundServiceAccountNames`, args.boundServiceAccountNames, args.allowWildcards ?? false),
        ...checkBoundList(`${field}.boundServiceAccountNamespaces`, args.boundServiceAccountNamespaces, args.allowWildcards ?? false),
        ...(args.boundServiceAccountNamespaces ?? [])
            .filter((n) => !n.includes("*"))
            .flatMap((n) => checkNamespace(`${field}.boundServiceAccountNamespaces`, n)),
        ...checkPolicyRules(`${field}.rules`, args.rules ?? []),
        ...checkTtls(field, args.tokenTtl ?? 3600, args.tokenMaxTtl ?? 86400),
        ...checkOneOf(`${field}.tokenType`, args.tokenType, tokenTypes),
        ...checkOneOf(`${field}.aliasNameSource`, args.aliasNameSource, aliasNameSources),
        ...(args.kvV2Mounts ?? []).flatMap((m) => checkMountPath(`${field}.kvV2Mounts`, m)),
    ];
    if (args.mount) {
        errors.push(
            ...checkMountPath(`${field}.mount.path`, args.mount.path),
            ...checkOneOf(`${field}.mount.type`, args.mount.type, mountTypes),
        );
        for (const existing of args.kvV2Mounts ?? []) {
            if (mountsCollide(args.mount.path, existing)) {
                errors.push(
                    `${field}.mount.path: "${args.mount.path}" collides with kvV2Mounts entry "${existing}" (an existing mount); choose another path.`,
                );
            }
        }
        const authPath = known(args.authPath);
        if (authPath !== undefined && mountsCollide(args.mount.path, authPath)) {
            errors.push(`${field}.mount.path: "${args.mount.path}" collides with the auth path "${authPath}"; choose another path.`);
        }
    }
    return errors;
}
