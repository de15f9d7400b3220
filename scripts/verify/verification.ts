import { StackOutputs } from "../../stack/outputs";
import { expectedAccess, othersProbes, ServiceRulesConfig } from "./expectedAccess";
import { VaultClient } from "../lib/vault";

export type { ServiceOutput, StackOutputs } from "../../stack/outputs";
export type { ServiceRulesConfig } from "./expectedAccess";

/** The part of a stack's config verification holds Vault to: what each service's rules say. */
export interface RulesConfig {
    services: ServiceRulesConfig[];
    kvV2Mounts?: string[];
}

export interface Check {
    ok: boolean;
    text: string;
}

/** Issues a short-lived JWT for a ServiceAccount (TokenRequest API). */
export type JwtIssuer = (namespace: string, serviceAccount: string, audience: string) => Promise<string>;

const allowed = (capabilities: string[]) => (capabilities.join() === "deny" ? "denied" : `may ${capabilities.join(",")}`);

/**
 * Logs a service in with a fresh JWT of its own ServiceAccount and checks that the token carries
 * exactly its policies, may do what its configured rules say (see expectedAccess.ts: derived from
 * the config, not from the policy the stack rendered), and is denied on every other service's paths
 * and on Vault's admin paths. Revokes the token afterwards.
 */
export async function verifyService(
    name: string,
    outputs: StackOutputs,
    config: RulesConfig,
    vault: VaultClient,
    issueJwt: JwtIssuer,
): Promise<Check[]> {
    const svc = outputs.serviceAccess[name];
    const own = config.services.find((s) => s.name === name);
    if (!own) throw new Error(`the stack config has no service "${name}"; verify the stack with the config it was deployed with.`);
    const checks: Check[] = [];
    const jwt = await issueJwt(svc.namespace, svc.serviceAccountName, svc.audience);
    const login = await vault.kubernetesLogin(outputs.authBackend.path, svc.roleName, jwt);
    const client = vault.withToken(login.token);
    try {
        const policyName = own.policyName ?? name;
        const policies = (own.tokenNoDefaultPolicy ? [policyName] : ["default", policyName]).sort();
        checks.push({
            ok: JSON.stringify(login.policies) === JSON.stringify(policies),
            text: `login as ${svc.serviceAccountName}@${svc.namespace} → role ${svc.roleName}: policies [${login.policies.join(", ")}] (want [${policies.join(", ")}]), ttl ${login.ttl}s`,
        });

        const expected = expectedAccess(own, config.kvV2Mounts);
        const otherProbes = othersProbes(name, config.services, config.kvV2Mounts);
        const adminProbes = [`sys/policies/acl/${svc.policyName}`, `auth/${outputs.authBackend.path}/role/${svc.roleName}`, "sys/auth"];
        const caps = await client.capabilitiesSelf([...expected.map((e) => e.path), ...otherProbes, ...adminProbes]);

        for (const { path, capabilities: want } of expected) {
            const got = caps[path];
            checks.push({
                ok: JSON.stringify(got) === JSON.stringify(want),
                text: `${path}: ${allowed(got)} (rules: ${allowed(want)})`,
            });
        }
        const leaks = [...otherProbes, ...adminProbes].filter((p) => JSON.stringify(caps[p]) !== '["deny"]');
        checks.push({
            ok: leaks.length === 0,
            text:
                leaks.length === 0
                    ? `denied on ${otherProbes.length} path(s) of other services and ${adminProbes.length} admin path(s)`
                    : `NOT denied: ${leaks.map((p) => `${p} (${caps[p].join(",")})`).join("; ")}`,
        });
    } finally {
        await client.revokeSelf();
    }
    return checks;
}

/**
 * What Vault holds for the stack's auth method, checked against its reviewer mode: the method
 * mounted, and where a credential could sit (no reviewer JWT outside "secret" mode).
 */
export async function verifyAuthMethod(outputs: StackOutputs, vault: VaultClient): Promise<Check> {
    const { path, reviewerMode = "secret" } = outputs.authBackend;
    const mounts = (await vault.request("GET", "sys/auth")).body.data as Record<string, { type: string }>;
    const type = mounts[`${path}/`]?.type ?? "nothing";
    const config = (await vault.request("GET", `auth/${path}/config`)).body.data ?? {};
    const where = `auth/${path} (reviewerMode ${reviewerMode})`;
    if (reviewerMode === "jwt") {
        const keys = (config.jwt_validation_pubkeys ?? []).length;
        return {
            ok: type === "jwt" && keys > 0 && !!config.bound_issuer,
            text: `${where}: ${type} method, ${keys} signing key(s) of issuer ${config.bound_issuer || "(none)"}; no TokenReview, no reviewer credential`,
        };
    }
    // Vault 1.14 does not report token_reviewer_jwt_set (OpenBao does): there, only logins tell.
    const jwtSet = config.token_reviewer_jwt_set as boolean | undefined;
    const wantJwt = reviewerMode === "secret";
    const said = jwtSet === undefined ? "not reported by this server" : jwtSet ? "set" : "not set";
    return {
        ok: type === "kubernetes" && (jwtSet === undefined || jwtSet === wantJwt),
        text: `${where}: ${type} method, reviewer JWT ${said}${wantJwt ? "" : "; Vault presents each client's own token to TokenReview"}`,
    };
}
