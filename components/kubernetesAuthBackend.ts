import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import {
    checkHttpsUrl,
    checkMountPath,
    checkPemCertificates,
    checkPemKeys,
    checkRequired,
    FieldOf,
    known,
    throwIfInvalid,
} from "./validation";

/** The defaults of KubernetesAuthBackendArgs, written once (the stack's config schema uses them too). */
export const kubernetesAuthBackendDefaults = {
    path: "kubernetes",
    description: "Kubernetes auth (managed by Pulumi)",
    writeOnlyJwt: true,
    disableLocalCaJwt: true,
} as const;

export interface KubernetesAuthBackendArgs {
    /**
     * Where the auth method is mounted: services log in at /v1/auth/<path>/login. Default: "kubernetes".
     * @default "kubernetes"
     */
    readonly path?: pulumi.Input<string>;
    /**
     * Description shown in Vault. Default: "Kubernetes auth (managed by Pulumi)".
     * @default "Kubernetes auth (managed by Pulumi)"
     */
    readonly description?: pulumi.Input<string>;
    /** API server address Vault itself can reach, https://HOST[:PORT]. */
    readonly kubernetesHost: pulumi.Input<string>;
    /** PEM CA certificate(s) of the API server. */
    readonly kubernetesCaCert: pulumi.Input<string>;
    /** JWT Vault presents to the TokenReview API (a secret), e.g. TokenReviewer.reviewerJwt. */
    readonly tokenReviewerJwt: pulumi.Input<string>;
    /**
     * Send the JWT through the provider's write-only field, so the Vault resource keeps no copy of it
     * in state. It is re-sent whenever it or any other config field changes (see jwtVersion).
     * Default: true.
     * @default true
     */
    readonly writeOnlyJwt?: boolean;
    /**
     * Expected "iss" claim of service tokens; setting it turns issuer validation on. Default: unset.
     * @default unset
     */
    readonly issuer?: pulumi.Input<string>;
    /**
     * Skip "iss" validation. Default: true unless `issuer` is set.
     * @default true unless `issuer` is set
     */
    readonly disableIssValidation?: pulumi.Input<boolean>;
    /**
     * Do not use Vault's own pod CA/JWT; right when Vault runs outside the cluster. Default: true.
     * @default true
     */
    readonly disableLocalCaJwt?: pulumi.Input<boolean>;
    /**
     * PEM public keys (or certificates) that service-token signatures are checked against. Vault
     * still calls the TokenReview API for every login; the keys add a local signature check.
     * Default: none.
     * @default none
     */
    readonly pemKeys?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The Vault side: the `kubernetes` auth method mounted at a path and configured with the cluster's
 * API address, CA and the reviewer JWT that lets Vault validate service tokens.
 */
export class KubernetesAuthBackend extends pulumi.ComponentResource {
    /** Mount path of the auth method, e.g. "kubernetes". */
    public readonly path: pulumi.Output<string>;
    /** Mount accessor, for identity templating and audit correlation. */
    public readonly accessor: pulumi.Output<string>;
    /** API server address Vault calls for TokenReview. */
    public readonly kubernetesHost: pulumi.Output<string>;
    /** PEM CA certificate(s) Vault pins the API server to (newline-terminated); public, not a secret. */
    public readonly kubernetesCaCert: pulumi.Output<string>;

    constructor(name: string, args: KubernetesAuthBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(validateKubernetesAuthBackendArgs(args), `KubernetesAuthBackend "${name}"`);
        super("vault-k8s-auth:index:KubernetesAuthBackend", name, {}, opts);

        const backend = new vault.AuthBackend(
            `${name}-auth`,
            {
                type: "kubernetes",
                path: args.path ?? kubernetesAuthBackendDefaults.path,
                description: args.description ?? kubernetesAuthBackendDefaults.description,
            },
            { parent: this },
        );

        // Values that arrive as Outputs (e.g. from a StackReference) are checked once known.
        const host = pulumi.output(args.kubernetesHost).apply((h) => this.checked(checkHttpsUrl("kubernetesHost", h), h));
        const caCert = pulumi
            .output(args.kubernetesCaCert)
            .apply((ca) => this.checked(checkPemCertificates("kubernetesCaCert", ca), ca.endsWith("\n") ? ca : `${ca}\n`));
        const jwt = pulumi.secret(args.tokenReviewerJwt);
        const writeOnly = args.writeOnlyJwt ?? kubernetesAuthBackendDefaults.writeOnlyJwt;
        const config = {
            kubernetesHost: host,
            kubernetesCaCert: caCert,
            issuer: args.issuer,
            disableIssValidation: args.disableIssValidation ?? args.issuer === undefined,
            disableLocalCaJwt: args.disableLocalCaJwt ?? kubernetesAuthBackendDefaults.disableLocalCaJwt,
            pemKeys: args.pemKeys,
        };

        new vault.kubernetes.AuthBackendConfig(
            `${name}-config`,
            {
                backend: backend.path,
                ...config,
                ...(writeOnly
                    ? { tokenReviewerJwtWo: jwt, tokenReviewerJwtWoVersion: jwtVersion(jwt, config) }
                    : { tokenReviewerJwt: jwt }),
            },
            {
                parent: this,
                additionalSecretOutputs: ["tokenReviewerJwt", "tokenReviewerJwtWo"],
                // A drift repaired by `up --refresh` (a config edited by hand) is an update with an
                // unchanged version: the provider would write the config without the JWT. A
                // replacement is a create, which always sends it (the provider's delete is a no-op).
                replaceOnChanges: writeOnly ? Object.keys(config) : [],
            },
        );

        this.path = backend.path;
        this.accessor = backend.accessor;
        this.kubernetesHost = host;
        this.kubernetesCaCert = caCert;
        this.registerOutputs({
            path: this.path,
            accessor: this.accessor,
            kubernetesHost: this.kubernetesHost,
            kubernetesCaCert: this.kubernetesCaCert,
        });
    }

    private checked<T>(errors: string[], value: T): T {
        throwIfInvalid(errors, this);
        return value;
    }
}

/**
 * The version of the write-only JWT. Vault's config write replaces the whole config, and the
 * provider sends a write-only value only when its version changes: so the version follows the JWT
 * *and* every other field, and any update of the config re-sends the JWT instead of erasing it.
 * A short digest: it reveals nothing of the JWT and is shown in diffs as "JWT re-sent".
 */
export function jwtVersion(jwt: pulumi.Input<string>, config: Record<string, pulumi.Input<unknown>>): pulumi.Output<number> {
    const digest = pulumi.all([jwt, pulumi.output(config)]).apply(([token, fields]) =>
        createHash("sha256")
            .update(JSON.stringify([token, canonical(fields)]))
            .digest(),
    );
    // 6 bytes: a whole number below 2^48, exact in JavaScript and in the provider's int64.
    return pulumi.unsecret(digest.apply((d) => d.readUIntBE(0, 6) + 1));
}

/** Set fields in a fixed order: the same config always gives the same version. */
function canonical(fields: Record<string, unknown>): [string, unknown][] {
    return Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b));
}

/** Every problem of the args, under the names `fieldOf` gives (the argument names by default). */
export function validateKubernetesAuthBackendArgs(
    args: KubernetesAuthBackendArgs,
    fieldOf: FieldOf<keyof KubernetesAuthBackendArgs> = (k) => k,
): string[] {
    return [
        ...checkRequired(
            fieldOf("kubernetesHost"),
            args.kubernetesHost,
            "give the API server address Vault can reach (https://HOST:PORT), or a kubeconfig to take it from.",
        ),
        ...checkRequired(
            fieldOf("kubernetesCaCert"),
            args.kubernetesCaCert,
            "give the API server's PEM CA, or a kubeconfig to take it from.",
        ),
        ...checkRequired(fieldOf("tokenReviewerJwt"), args.tokenReviewerJwt, "give the reviewer JWT, e.g. TokenReviewer.reviewerJwt."),
        ...checkKubernetesAuthBackendValues(args, fieldOf),
    ];
}

/**
 * The checks of the values known now (Outputs are checked once they arrive). The stack runs them on
 * its config before anything is registered, when the cluster and the JWT are not resolved yet.
 */
export function checkKubernetesAuthBackendValues(
    args: Partial<KubernetesAuthBackendArgs>,
    fieldOf: FieldOf<keyof KubernetesAuthBackendArgs> = (k) => k,
): string[] {
    return [
        ...checkMountPath(fieldOf("path"), known(args.path)),
        ...checkHttpsUrl(fieldOf("kubernetesHost"), known(args.kubernetesHost)),
        ...checkPemCertificates(fieldOf("kubernetesCaCert"), known(args.kubernetesCaCert)),
        ...checkPemKeys(fieldOf("pemKeys"), known(args.pemKeys)),
    ];
}
