import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { kubernetesAuthBackendDefaults } from "./kubernetesAuthBackend";
import { renderCheckedPolicy } from "./policyDocument";
import { kvV2MountsOf, MountType, serviceAccessDefaults, ServiceAccessArgs, validateServiceAccessArgs } from "./serviceAccessArgs";
import { serviceRole } from "./serviceRole";
import { throwIfInvalid } from "./invalidInput";

/**
 * One service's access to Vault: its ServiceAccount, a policy built from typed rules, optionally the
 * secrets engine the policy refers to, and a role bound to exactly that account (serviceRole.ts:
 * a kubernetes or jwt role, as the reviewer mode asks).
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
    /** Mount path of the auth method the role lives in. */
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

        const document = renderCheckedPolicy(args.rules, kvV2MountsOf(args));
        const policy = new vault.Policy(
            `${name}-policy`,
            { name: args.policyName ?? name, policy: document },
            // The policy may name paths of the mount: create the mount first, remove it last.
            { parent: this, dependsOn: mount ? [mount] : [] },
        );

        const role = serviceRole(name, args, policy.name, authPath, { parent: this, dependsOn: serviceAccount ? [serviceAccount] : [] });

        this.roleName = role.roleName;
        this.policyName = policy.name;
        this.policyDocument = policy.policy;
        this.namespace = nsName;
        this.serviceAccountName = serviceAccount ? serviceAccount.metadata.name : pulumi.output(saName);
        this.authPath = authPath;
        this.mountPath = mount ? mount.path : pulumi.output("");
        this.loginExample = pulumi.all([authPath, role.roleName]).apply(([path, roleName]) => loginExample(path, roleName, args.audience));
        this.audience = role.audience;
        this.tokenNoDefaultPolicy = role.tokenNoDefaultPolicy;

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

/**
 * Where a pod finds a token with the role's audience: a projected serviceAccountToken volume (docs/reuse.md).
 * @internal
 */
export const audienceTokenPath = "/var/run/secrets/vault/token";

/**
 * A login a pod can run as is; nothing secret is in the text. Without an audience it reads the
 * pod's own token; with one, a projected token issued for that audience (the default token's
 * audience is the API server's, which the role would refuse).
 * @internal
 */
export function loginExample(authPath: string, roleName: string, audience?: string): string {
    const tokenFile = audience ? audienceTokenPath : "/var/run/secrets/kubernetes.io/serviceaccount/token";
    const body = `{"role": "${roleName}", "jwt": "'"$(cat ${tokenFile})"'"}`;
    return `curl --silent --request POST --data '${body}' "$VAULT_ADDR/v1/auth/${authPath}/login"`;
}
