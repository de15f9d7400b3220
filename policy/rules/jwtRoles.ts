import { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import { isJwtLoginRole, isSet, namespaceClaim, quoted, serviceAccountNameClaim, stringList, objectField } from "./common";

/** Policy config, e.g. {"vault-jwt-role-scope": {"maxJwtModeTokenMaxTtlSeconds": 1800}}. */
export interface JwtRoleConfig {
    /** Largest tokenMaxTtl a jwt role may set. Default 3600 (1 hour). */
    maxJwtModeTokenMaxTtlSeconds: number;
}

export const jwtRoleDefaults: JwtRoleConfig = { maxJwtModeTokenMaxTtlSeconds: 3600 };

// Vault refuses a token that carries an audience when the role binds none, and every projected
// Kubernetes token carries one: such a role admits only tokens without "aud", i.e. legacy token
// Secrets, which never expire.
const audienceIsBound: ResourceValidation = (args, reportViolation) => {
    if (!isJwtLoginRole(args.type, args.props)) return;
    if (stringList(args.props.boundAudiences).some((a) => a !== "")) return;
    reportViolation(
        `boundAudiences is empty. Every projected Kubernetes token carries an audience, and Vault refuses such a token when the role ` +
            `binds none, so this role admits only tokens without one: legacy token Secrets, which never expire. Set boundAudiences to ` +
            `the audience the service's projected token is issued for (ServiceAccess: audience, e.g. "vault"), never the API server's.`,
    );
};

// The kubernetes method always matches name and namespace; a jwt role matches only the claims it
// binds. A namespace alone admits every account in it ("default" included), a name alone that name
// in every namespace, neither any account whose token carries the audience.
const accountIsBound: ResourceValidation = (args, reportViolation) => {
    if (!isJwtLoginRole(args.type, args.props)) return;
    if (isSet(args.props, "boundSubject")) return;
    const claims = objectField(args.props, "boundClaims");
    if (isSet(claims, "sub")) return;
    const missing = [namespaceClaim, serviceAccountNameClaim].filter((c) => !isSet(claims, c));
    if (missing.length === 0) return;
    const admits =
        missing.length === 2
            ? "the token of any ServiceAccount in any namespace"
            : missing[0] === namespaceClaim
              ? "a ServiceAccount of the bound name in any namespace (including namespaces created later)"
              : 'any ServiceAccount in the bound namespaces (including "default")';
    reportViolation(
        `boundSubject is not set and boundClaims does not bind ${quoted(missing)}, so ${admits} could log in with a token for ` +
            `the bound audience and receive this role's policies. Bind the service's account: boundClaims ` +
            `${quoted([namespaceClaim, serviceAccountNameClaim])} (as ServiceAccess does), or boundSubject "system:serviceaccount:<namespace>:<name>".`,
    );
};

// The jwt method never asks the cluster: a deleted pod's or ServiceAccount's token logs in until it
// expires, and each Vault token it got lasts up to tokenMaxTtl. Unset (or 0) is vault-role-token-ttl's.
const maxTtlBoundsRevocation: ResourceValidation = (args, reportViolation) => {
    if (!isJwtLoginRole(args.type, args.props)) return;
    const { maxJwtModeTokenMaxTtlSeconds: max } = { ...jwtRoleDefaults, ...args.getConfig<Partial<JwtRoleConfig>>() };
    const seconds = Number(args.props.tokenMaxTtl ?? 0);
    if (seconds > max) {
        reportViolation(
            `tokenMaxTtl is ${seconds}s, above the ${max}s allowed for jwt roles. With the jwt method Vault cannot learn that a pod or ` +
                `ServiceAccount was deleted: its Kubernetes token keeps logging in until it expires, and each Vault token issued meanwhile ` +
                `lasts up to tokenMaxTtl, so access can outlive the account by both. Lower tokenMaxTtl to at most ${max}s (and keep the ` +
                `pods' projected-token expirationSeconds short), or raise maxJwtModeTokenMaxTtlSeconds in the policy pack config if a ` +
                `longer revocation gap is intended.`,
        );
    }
};

/**
 * Roles of Vault's jwt method (reviewerMode "jwt"), where a token's signature is the only check: the
 * audience and the claims are all that tie a role to one service, and nothing revokes on deletion.
 */
export const jwtRoleScope: ResourceValidationPolicy = {
    name: "vault-jwt-role-scope",
    description: "jwt auth roles bind an audience and a ServiceAccount, and keep tokenMaxTtl short (Vault cannot see deletions).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxJwtModeTokenMaxTtlSeconds: {
                type: "integer",
                minimum: 1,
                default: jwtRoleDefaults.maxJwtModeTokenMaxTtlSeconds,
                description: "Largest tokenMaxTtl (seconds) a jwt role may set.",
            },
        },
    },
    // Three validations: each runs on its own, so a value unknown at preview skips only its own check.
    validateResource: [audienceIsBound, accountIsBound, maxTtlBoundsRevocation],
};
