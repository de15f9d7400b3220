import { ResourceValidationPolicy } from "@pulumi/policy";
import { isServiceRole } from "./common";

/** Policy config (`--policy-pack-config`), e.g. {"vault-role-token-ttl": {"maxTokenTtlSeconds": 3600}}. */
export interface TokenTtlConfig {
    /** Largest tokenTtl a role may set. Default 86400 (1 day). */
    maxTokenTtlSeconds: number;
    /** Largest tokenMaxTtl a role may set. Default 604800 (7 days). */
    maxTokenMaxTtlSeconds: number;
}

export const tokenTtlDefaults: TokenTtlConfig = { maxTokenTtlSeconds: 86400, maxTokenMaxTtlSeconds: 7 * 86400 };

/**
 * A role's tokens must expire on a schedule the role states. Unset (or 0) means Vault's mount/system
 * default, 768h (32 days) out of the box, so a leaked service token would stay valid for a month.
 * The same for a kubernetes role and a jwt role (reviewerMode "jwt"); vault-jwt-role-scope bounds a
 * jwt role's tokenMaxTtl further.
 */
export const roleTokenTtl: ResourceValidationPolicy = {
    name: "vault-role-token-ttl",
    description: "Kubernetes and jwt auth roles set tokenTtl and tokenMaxTtl, within the pack's configured bounds.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxTokenTtlSeconds: {
                type: "integer",
                minimum: 1,
                default: tokenTtlDefaults.maxTokenTtlSeconds,
                description: "Largest tokenTtl (seconds) a role may set.",
            },
            maxTokenMaxTtlSeconds: {
                type: "integer",
                minimum: 1,
                default: tokenTtlDefaults.maxTokenMaxTtlSeconds,
                description: "Largest tokenMaxTtl (seconds) a role may set.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isServiceRole(args.type, args.props)) return;
        // The engine fills in schema defaults; the spread keeps them when the pack runs without the engine (tests).
        const config = { ...tokenTtlDefaults, ...args.getConfig<Partial<TokenTtlConfig>>() };
        const checks: [field: string, value: unknown, max: number, configKey: keyof TokenTtlConfig][] = [
            ["tokenTtl", args.props.tokenTtl, config.maxTokenTtlSeconds, "maxTokenTtlSeconds"],
            ["tokenMaxTtl", args.props.tokenMaxTtl, config.maxTokenMaxTtlSeconds, "maxTokenMaxTtlSeconds"],
        ];
        for (const [field, value, max, configKey] of checks) {
            const seconds = Number(value ?? 0);
            if (!(seconds > 0)) {
                reportViolation(
                    `${field} is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). ` +
                        `Set ${field} to the shortest lifetime the service needs, at most ${max}s.`,
                );
            } else if (seconds > max) {
                reportViolation(
                    `${field} is ${seconds}s, above the allowed ${max}s. Lower ${field} to at most ${max}s, ` +
                        `or raise ${configKey} in the policy pack config if a longer lifetime is intended.`,
                );
            }
        }
    },
};
