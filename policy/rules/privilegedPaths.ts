import { ResourceValidationPolicy } from "@pulumi/policy";
import { quoted } from "./common";
import { policyStanzasOf } from "./policyStanzas";

/** Vault's own APIs: auth methods and tokens, system configuration (mounts, policies, seal), identities. */
const privilegedRoots = ["sys", "auth", "identity"];

/**
 * Why a path reaches Vault's own APIs, or undefined if it does not. Vault patterns allow `+` for one
 * segment and a trailing `*` glob, so "*", "+/*" and "s*" reach sys/ just as "sys/*" does. (A pattern
 * like "+/token/*" that names a later segment is not analysed.)
 */
export function privilegedReach(path: string): string | undefined {
    const p = path.trim().replace(/^\/+/, "");
    if (/^[*+/]+$/.test(p)) return "it is only wildcards, so it matches every path, sys/ and auth/ included";
    const first = p.split("/")[0];
    if (privilegedRoots.includes(first)) return `it is on Vault's own ${first}/ API`;
    if (first.endsWith("*")) {
        const prefix = first.slice(0, -1);
        const reached = privilegedRoots.filter((r) => r.startsWith(prefix));
        if (reached.length > 0) return `its glob also matches ${reached.map((r) => `${r}/`).join(" and ")}`;
    }
    return undefined;
}

/**
 * A service's policy grants access to its own secrets, never to Vault itself: `sudo` unlocks
 * root-protected endpoints, and anything on sys/, auth/ or identity/ could change auth methods,
 * policies, mounts or identities (i.e. escalate). Token self-management such as auth/token/renew-self
 * is already granted by Vault's built-in `default` policy, which roles keep unless tokenNoDefaultPolicy.
 */
export const policyNoPrivilegedPaths: ResourceValidationPolicy = {
    name: "vault-policy-no-privileged-paths",
    description: "Vault policies grant no `sudo` and nothing but `deny` on sys/, auth/, identity/ or wildcard-only paths.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const { path, capabilities } of policyStanzasOf(args)) {
            if (capabilities.includes("sudo")) {
                reportViolation(
                    `path "${path}" grants "sudo", which unlocks Vault's root-protected endpoints. ` +
                        `Remove "sudo"; a service's policy never needs it.`,
                );
            }
            const grants = capabilities.filter((c) => c !== "deny");
            const reach = privilegedReach(path);
            if (reach !== undefined && grants.length > 0) {
                reportViolation(
                    `path "${path}" grants ${quoted(grants)}, and ${reach}: a token with this policy could act on Vault's auth methods, ` +
                        `policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, ` +
                        `or set its capabilities to ["deny"].`,
                );
            }
        }
    },
};
