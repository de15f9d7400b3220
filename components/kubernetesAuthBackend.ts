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
    checkOneOf,
    knownNow,
} from "./validation";
import { authMethodOf, defaultReviewerMode, ReviewerMode } from "./reviewerMode";
import { throwIfInvalid } from "./invalidInput";

/** The defaults of KubernetesAuthBackendArgs, written once (the stack's config schema uses them too). */
export const kubernetesAuthBackendDefaults = {
    reviewerMode: defaultReviewerMode,
    path: "kubernetes",
    description: "Kubernetes auth (managed by Pulumi)",
    writeOnlyJwt: true,
    disableLocalCaJwt: true,
} as const;

export interface KubernetesAuthBackendArgs {
    /**
     * How Vault checks service tokens: "secret" (a reviewer JWT, TokenReview), "client-jwt" (each
     * client's own token, TokenReview) or "jwt" (Vault's jwt method: signatures against `pemKeys`,
     * no TokenReview). Default: "secret".
     * @default "secret"
     */
    readonly reviewerMode?: ReviewerMode;
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
    /**
     * API server address Vault itself can reach, https://HOST[:PORT]. Required unless reviewerMode
     * is "jwt", which does not send it to Vault. Default: none.
     * @default none
     */
    readonly kubernetesHost?: pulumi.Input<string>;
    /**
     * PEM CA certificate(s) of the API server. Required unless reviewerMode is "jwt", which does not
     * send it to Vault. Default: none.
     * @default none
     */
    readonly kubernetesCaCert?: pulumi.Input<string>;
    /**
     * JWT Vault presents to the TokenReview API (a secret), e.g. TokenReviewer.reviewerJwt. Required
     * in "secret" mode, refused in the others. Default: none.
     * @default none
     */
    readonly tokenReviewerJwt?: pulumi.Input<string>;
    /**
     * Send the JWT through the provider's write-only field, so the Vault resource keeps no copy of it
     * in state. It is re-sent whenever it or any other config field changes.
     * Default: true.
     * @default true
     */
    readonly writeOnlyJwt?: boolean;
    /**
     * Expected "iss" claim of service tokens; setting it turns issuer validation on (off without it:
     * legacy Secret tokens and TokenRequest tokens carry different issuers). Required in "jwt" mode
     * (serviceAccountIssuer reads it from the cluster). Default: unset.
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
     * PEM public keys (or certificates) that service-token signatures are checked against. In
     * "jwt" mode they are the only check, and required (serviceAccountIssuer reads them from the
     * cluster). In the other modes Vault still calls the TokenReview API for every login, and the
     * keys add a local signature check. Default: none.
     * @default none
     */
    readonly pemKeys?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The Vault side: an auth method mounted at a path, checking service tokens as `reviewerMode` says.
 * In "secret" and "client-jwt" modes it is the `kubernetes` method, configured with the cluster's
 * API address, CA and (secret mode) the reviewer JWT. In "jwt" mode it is the `jwt` method,
 * configured with the cluster's issuer and signing keys. Services log in the same way in every mode
 * (POST auth/<path>/login with role and jwt).
 */
export class KubernetesAuthBackend extends pulumi.ComponentResource {
    /** Mount path of the auth method, e.g. "kubernetes". */
    public readonly path: pulumi.Output<string>;
    /** Mount accessor, for identity templating and audit correlation. */
    public readonly accessor: pulumi.Output<string>;
    /** How Vault checks service tokens. */
    public readonly reviewerMode: pulumi.Output<ReviewerMode>;
    /** The Vault auth method mounted: "kubernetes" or "jwt". */
    public readonly method: pulumi.Output<string>;
    /** API server address Vault calls for TokenReview ("" when not given, in "jwt" mode). */
    public readonly kubernetesHost: pulumi.Output<string>;
    /** PEM CA certificate(s) of the API server (newline-terminated; "" when not given, in "jwt" mode); public, not a secret. */
    public readonly kubernetesCaCert: pulumi.Output<string>;

    constructor(name: string, args: KubernetesAuthBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(validateKubernetesAuthBackendArgs(args), `KubernetesAuthBackend "${name}"`);
        super("vault-k8s-auth:index:KubernetesAuthBackend", name, {}, opts);
        const mode = args.reviewerMode ?? defaultReviewerMode;
        const method = authMethodOf(mode);

        // One mount whatever the mode: a change of method replaces it, the old one deleted first
        // (both live at the same path), which also removes its config and roles in Vault.
        const backend = new vault.AuthBackend(
            `${name}-auth`,
            {
                type: method,
                path: args.path ?? kubernetesAuthBackendDefaults.path,
                description: args.description ?? kubernetesAuthBackendDefaults.description,
            },
            { parent: this, deleteBeforeReplace: true },
        );

        // Values that arrive as Outputs (e.g. from a StackReference) are checked once known.
        const checked = <T>(errors: string[], value: T): T => {
            throwIfInvalid(errors, `KubernetesAuthBackend "${name}"`);
            return value;
        };
        const host = pulumi
            .output(args.kubernetesHost ?? "")
            .apply((h) => (h === "" && method === "jwt" ? h : checked(checkHttpsUrl("kubernetesHost", h), h)));
        const caCert = pulumi
            .output(args.kubernetesCaCert ?? "")
            .apply((ca) =>
                ca === "" && method === "jwt"
                    ? ca
                    : checked(checkPemCertificates("kubernetesCaCert", ca), ca.endsWith("\n") ? ca : `${ca}\n`),
            );

        if (method === "jwt") {
            // No typed resource configures a jwt method on an existing mount: the config endpoint
            // itself, whose fields are all public (keys and issuer).
            new vault.generic.Endpoint(
                `${name}-jwt-config`,
                {
                    path: pulumi.interpolate`auth/${backend.path}/config`,
                    dataJson: pulumi
                        .all([args.pemKeys ?? [], args.issuer])
                        .apply(([keys, issuer]) =>
                            JSON.stringify({ jwt_validation_pubkeys: keys, bound_issuer: issuer, jwt_supported_algs: jwtAlgorithms }),
                        ),
                    disableDelete: true, // the config goes with its mount
                },
                { parent: this, deletedWith: backend },
            );
        } else {
            this.kubernetesConfig(name, backend, mode, host, caCert, args);
        }

        this.path = backend.path;
        this.accessor = backend.accessor;
        this.reviewerMode = pulumi.output(mode);
        this.method = backend.type;
        this.kubernetesHost = host;
        this.kubernetesCaCert = caCert;
        this.registerOutputs({
            path: this.path,
            accessor: this.accessor,
            reviewerMode: this.reviewerMode,
            method: this.method,
            kubernetesHost: this.kubernetesHost,
            kubernetesCaCert: this.kubernetesCaCert,
        });
    }

    /** The kubernetes method's config: with the reviewer JWT in "secret" mode, without one in "client-jwt" mode. */
    private kubernetesConfig(
        name: string,
        backend: vault.AuthBackend,
        mode: ReviewerMode,
        host: pulumi.Output<string>,
        caCert: pulumi.Output<string>,
        args: KubernetesAuthBackendArgs,
    ): void {
        const config = {
            kubernetesHost: host,
            kubernetesCaCert: caCert,
            issuer: args.issuer,
            disableIssValidation: args.disableIssValidation ?? args.issuer === undefined,
            disableLocalCaJwt: args.disableLocalCaJwt ?? kubernetesAuthBackendDefaults.disableLocalCaJwt,
            pemKeys: args.pemKeys,
        };
        // Without a reviewer JWT (and with disableLocalCaJwt), Vault presents each client's own token.
        const jwt = mode === ReviewerMode.Secret ? pulumi.secret(args.tokenReviewerJwt!) : undefined;
        const writeOnly = jwt !== undefined && (args.writeOnlyJwt ?? kubernetesAuthBackendDefaults.writeOnlyJwt);
        const jwtFields =
            jwt === undefined
                ? {}
                : writeOnly
                  ? { tokenReviewerJwtWo: jwt, tokenReviewerJwtWoVersion: jwtVersion(jwt, config) }
                  : { tokenReviewerJwt: jwt };

        new vault.kubernetes.AuthBackendConfig(
            `${name}-config`,
            { backend: backend.path, ...config, ...jwtFields },
            {
                parent: this,
                deletedWith: backend,
                additionalSecretOutputs: ["tokenReviewerJwt", "tokenReviewerJwtWo"],
                // A drift repaired by `up --refresh` (a config edited by hand) is an update with an
                // unchanged version: the provider would write the config without the JWT. A
                // replacement is a create, which always sends it (the provider's delete is a no-op).
                replaceOnChanges: writeOnly ? Object.keys(config) : [],
            },
        );
    }
}

/** The algorithms Kubernetes signs service-account tokens with: RS256 for RSA keys, ES256 for P-256. */
const jwtAlgorithms = ["RS256", "ES256"];

/**
 * The version of the write-only JWT. Vault's config write replaces the whole config, and the
 * provider sends a write-only value only when its version changes: so the version follows the JWT
 * *and* every other field, and any update of the config re-sends the JWT instead of erasing it.
 * A short digest: it reveals nothing of the JWT and is shown in diffs as "JWT re-sent".
 * @internal
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

/**
 * Every problem of the args, under the names `fieldOf` gives (the argument names by default).
 * @internal
 */
export function validateKubernetesAuthBackendArgs(
    args: KubernetesAuthBackendArgs,
    fieldOf: FieldOf<keyof KubernetesAuthBackendArgs> = (k) => k,
): string[] {
    const mode = args.reviewerMode ?? defaultReviewerMode;
    const tokenReview = authMethodOf(mode) === "kubernetes";
    return [
        ...(tokenReview
            ? [
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
              ]
            : [
                  ...(args.pemKeys === undefined || knownNow(args.pemKeys)?.length === 0
                      ? [
                            `${fieldOf("pemKeys")}: is missing; reviewerMode "jwt" checks token signatures against these keys alone: give the cluster's service-account public keys (serviceAccountIssuer reads them from the API server).`,
                        ]
                      : []),
                  ...checkRequired(
                      fieldOf("issuer"),
                      args.issuer,
                      'reviewerMode "jwt" needs the cluster\'s service-account issuer, to check the tokens\' "iss" (serviceAccountIssuer reads it from the API server).',
                  ),
              ]),
        ...(mode === ReviewerMode.Secret
            ? checkRequired(fieldOf("tokenReviewerJwt"), args.tokenReviewerJwt, "give the reviewer JWT, e.g. TokenReviewer.reviewerJwt.")
            : args.tokenReviewerJwt === undefined
              ? []
              : [
                    `${fieldOf("tokenReviewerJwt")}: not used with reviewerMode "${mode}", which keeps no reviewer credential in Vault; remove it, or use reviewerMode "secret".`,
                ]),
        ...checkKubernetesAuthBackendValues(args, fieldOf),
    ];
}

/**
 * The checks of the values known now (Outputs are checked once they arrive). The stack runs them on
 * its config before anything is registered, when the cluster and the JWT are not resolved yet.
 * @internal
 */
export function checkKubernetesAuthBackendValues(
    args: Partial<KubernetesAuthBackendArgs>,
    fieldOf: FieldOf<keyof KubernetesAuthBackendArgs> = (k) => k,
): string[] {
    return [
        ...checkOneOf(fieldOf("reviewerMode"), args.reviewerMode, Object.values(ReviewerMode)),
        ...checkMountPath(fieldOf("path"), knownNow(args.path)),
        ...checkHttpsUrl(fieldOf("kubernetesHost"), knownNow(args.kubernetesHost)),
        ...checkPemCertificates(fieldOf("kubernetesCaCert"), knownNow(args.kubernetesCaCert)),
        ...checkPemKeys(fieldOf("pemKeys"), knownNow(args.pemKeys)),
    ];
}
