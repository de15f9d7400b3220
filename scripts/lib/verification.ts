import { StackOutputs } from "../../stack/outputs";
import { VaultClient } from "./vault";

export type { ServiceOutput, StackOutputs } from "../../stack/outputs";

export interface Check {
    ok: boolean;
    text: string;
}

/** Issues a short-lived JWT for a ServiceAccount (TokenRequest API). */
export type JwtIssuer = (namespace: string, serviceAccount: string, audience: string) => Promise<string>;

/** Does a Vault policy path pattern (with "+" segments and a trailing "*") match a concrete path? */
export function policyPathMatches(pattern: string, path: string): boolean {
    const prefix = pattern.endsWith("*");
    const pat = (prefix ? pattern.slice(0, -1) : pattern).split("/");
    const segs = path.split("/");
    if (!prefix && pat.length !== segs.length) return false;
    return pat.every((p, i) => {
        if (i === pat.length - 1 && prefix) return (segs[i] ?? "").startsWith(p) && segs.length >= pat.length;
        return p === "+" ? segs[i] !== undefined && segs[i] !== "" : p === segs[i];
    });
}

/** A concrete path a pattern matches, to ask Vault about. */
export function probePath(pattern: string): string {
    return pattern.replace(/\+/g, "probe").replace(/\*$/, "verify-probe").replace(/\/$/, "/verify-probe");
}

/** The path stanzas of a rendered JSON policy. */
export function policyStanzas(policyDocument: string): [string, string[]][] {
    const doc = JSON.parse(policyDocument) as { path: Record<string, { capabilities: string[] }> };
    return Object.entries(doc.path).map(([p, v]) => [p, [...v.capabilities].sort()]);
}

/**
 * Logs a service in with a fresh JWT of its own ServiceAccount and checks that the token carries
 * exactly its policies, may do what its policy grants, and is denied on every other service's
 * paths and on Vault's admin paths. Revokes the token afterwards.
 */
export async function verifyService(name: string, outputs: StackOutputs, vault: VaultClient, issueJwt: JwtIssuer): Promise<Check[]> {
    const svc = outputs.serviceAccess[name];
    const checks: Check[] = [];
    const jwt = await issueJwt(svc.namespace, svc.serviceAccountName, svc.audience);
    const login = await vault.kubernetesLogin(outputs.authPath, svc.roleName, jwt);
    const client = vault.withToken(login.token);
    try {
        const expected = (svc.tokenNoDefaultPolicy ? [svc.policyName] : ["default", svc.policyName]).sort();
        checks.push({
            ok: JSON.stringify(login.policies) === JSON.stringify(expected),
            text: `login as ${svc.serviceAccountName}@${svc.namespace} → role ${svc.roleName}: policies [${login.policies.join(", ")}] (want [${expected.join(", ")}]), ttl ${login.ttl}s`,
        });

        const own = policyStanzas(svc.policyDocument);
        const ownProbes = own.map(([p]) => probePath(p));
        const otherProbes = Object.entries(outputs.serviceAccess)
            .filter(([other]) => other !== name)
            .flatMap(([, o]) => policyStanzas(o.policyDocument).map(([p]) => probePath(p)))
            .filter((p) => !own.some(([pattern]) => policyPathMatches(pattern, p)));
        const adminProbes = [`sys/policies/acl/${svc.policyName}`, `auth/${outputs.authPath}/role/${svc.roleName}`, "sys/auth"];
        const caps = await client.capabilitiesSelf([...ownProbes, ...otherProbes, ...adminProbes]);

        own.forEach(([pattern, want], i) => {
            const got = caps[ownProbes[i]];
            checks.push({
                ok: JSON.stringify(got) === JSON.stringify(want),
                text: `${pattern}: may ${got.join(",")} (policy grants ${want.join(",")})`,
            });
        });
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
