import { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import { authBackendConfigType } from "./common";

/** Policy config, e.g. {"vault-auth-config-reviewer": {"requireWriteOnlyJwt": true}}. */
export interface AuthConfigConfig {
    /** Reject tokenReviewerJwt altogether and require tokenReviewerJwtWo. Default false. */
    requireWriteOnlyJwt: boolean;
}

// Without a CA, Vault verifies the API server against its system trust store (or, inside a pod, the
// pod's CA): the TokenReview calls that gate every login are then not pinned to this cluster.
const caCertIsSet: ResourceValidation = (args, reportViolation) => {
    if (args.type !== authBackendConfigType) return;
    const ca = args.props.kubernetesCaCert;
    if (typeof ca !== "string" || ca.trim() === "") {
        reportViolation(
            `kubernetesCaCert is not set, so Vault cannot pin the API server it sends TokenReview requests to. ` +
                `Set kubernetesCaCert to the API server's PEM CA (e.g. the kubeconfig's certificate-authority-data, base64-decoded).`,
        );
    }
};

// Secretness is not observable here: @pulumi/policy's analyze handler deserializes inputs with secrets
// unwrapped (deserializeProperties(props, false) in server.js), so a secret and a plain JWT look the
// same. What the engine does pass is the resource option additionalSecretOutputs, and which field is
// used: tokenReviewerJwtWo is write-only (never stored), tokenReviewerJwt is kept in state. Only
// presence is tested ("in"), so an input still unknown at preview does not stop the check.
const reviewerJwtIsProtected: ResourceValidation = (args, reportViolation) => {
    if (args.type !== authBackendConfigType) return;
    if ("tokenReviewerJwtWo" in args.props || !("tokenReviewerJwt" in args.props)) return;
    const { requireWriteOnlyJwt } = { requireWriteOnlyJwt: false, ...args.getConfig<Partial<AuthConfigConfig>>() };
    if (requireWriteOnlyJwt) {
        reportViolation(
            `tokenReviewerJwt is set, and this stack requires the write-only field (requireWriteOnlyJwt). ` +
                `Pass the JWT as tokenReviewerJwtWo with a tokenReviewerJwtWoVersion (KubernetesAuthBackend: writeOnlyJwt: true).`,
        );
    } else if (!args.opts.additionalSecretOutputs.includes("tokenReviewerJwt")) {
        reportViolation(
            `tokenReviewerJwt is set but not listed in additionalSecretOutputs, so nothing guarantees it is encrypted in state ` +
                `(a policy pack cannot see an input's secret flag). Pass the JWT as tokenReviewerJwtWo with a tokenReviewerJwtWoVersion, ` +
                `or wrap it in pulumi.secret() and add additionalSecretOutputs: ["tokenReviewerJwt"].`,
        );
    }
};

/** The auth method's connection to the cluster: a pinned CA and a reviewer JWT that never sits in state in plain text. */
export const authConfigReviewer: ResourceValidationPolicy = {
    name: "vault-auth-config-reviewer",
    description: "The Kubernetes auth config pins the cluster CA and keeps the reviewer JWT out of plain-text state.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireWriteOnlyJwt: {
                type: "boolean",
                default: false,
                description: "Reject tokenReviewerJwt and require the write-only tokenReviewerJwtWo.",
            },
        },
    },
    // Two validations: each runs on its own, so a CA still unknown at preview does not skip the JWT check.
    validateResource: [caCertIsSet, reviewerJwtIsProtected],
};
