/**
 * What a service's configured rules promise, derived from the config alone, as the oracle `verify`
 * holds Vault to. It does not use the component's rendering (policyDocument.ts): it restates, from
 * Vault's own documentation, which API path and capability each thing a rule names needs, and
 * what a list of rules means (the union of its grants, a deny winning: docs/configuration.md
 * "Policies and kv-v2"). If the rendering drifts from what the rules mean, the capabilities Vault
 * reports stop matching these expectations.
 */
import { kvV2MountsOf, ServiceMountArgs } from "../../components/serviceAccessArgs";
import { samplePath } from "../../components/policyPatterns";

/** The config of one service, as written in the stack (the fields the oracle reads). */
export interface ServiceRulesConfig {
    name: string;
    rules: { path: string; capabilities: string[]; apiPath?: boolean }[];
    mount?: { path: string; type?: string };
    policyName?: string;
    tokenNoDefaultPolicy?: boolean;
}

/** A concrete path and what the service's token must be able to do there (["deny"]: nothing). */
export interface Expectation {
    path: string;
    capabilities: string[];
}

/** The endpoints of a kv-v2 mount that address one key (Vault's KV v2 HTTP API). */
const kvV2Endpoints = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"] as const;
type KvV2Endpoint = (typeof kvV2Endpoints)[number];

/** Each thing a rule may name on a logical kv-v2 path: the request it allows, per Vault's KV v2 API. */
const kvV2Requests: Record<string, [KvV2Endpoint, string][]> = {
    create: [["data", "create"]], //           POST  /:mount/data/:key      vault kv put (a new secret)
    read: [["data", "read"]], //               GET   /:mount/data/:key      vault kv get
    update: [["data", "update"]], //           POST  /:mount/data/:key      vault kv put (a new version)
    patch: [["data", "patch"]], //             PATCH /:mount/data/:key      vault kv patch
    list: [["metadata", "list"]], //           LIST  /:mount/metadata/:key  vault kv list
    sudo: [
        ["data", "sudo"],
        ["metadata", "sudo"],
    ],
    "read-metadata": [["metadata", "read"]], // GET  /:mount/metadata/:key  vault kv metadata get
    "delete-versions": [
        ["data", "delete"], //                 DELETE /:mount/data/:key     vault kv delete (latest version)
        ["delete", "update"], //               POST  /:mount/delete/:key    vault kv delete -versions=…
    ],
    "undelete-versions": [["undelete", "update"]], // POST /:mount/undelete/:key  vault kv undelete
    "destroy-versions": [["destroy", "update"]], //   PUT  /:mount/destroy/:key   vault kv destroy
    "delete-metadata": [["metadata", "delete"]], //   DELETE /:mount/metadata/:key vault kv metadata delete
};

/** A path pattern of the service's policy and what it grants (empty: the rules grant nothing there). */
export interface Grant {
    pattern: string;
    capabilities: Set<string>;
}

/** The API-path patterns one rule stands for: as written, or each endpoint of a logical kv-v2 key. */
function grantsOfRule(rule: ServiceRulesConfig["rules"][number], kvV2Mounts: readonly string[]): Grant[] {
    const mount = kvV2Mounts.filter((m) => rule.path.startsWith(`${m}/`)).sort((a, b) => b.length - a.length)[0];
    if (mount === undefined || rule.apiPath === true) return [{ pattern: rule.path, capabilities: new Set(rule.capabilities) }];
    const key = rule.path.slice(mount.length + 1);
    return kvV2Endpoints.map((endpoint) => ({
        pattern: `${mount}/${endpoint}/${key}`,
        capabilities: new Set(
            rule.capabilities.flatMap((c) =>
                c === "deny" ? ["deny"] : (kvV2Requests[c] ?? []).filter(([e]) => e === endpoint).map(([, cap]) => cap),
            ),
        ),
    }));
}

/** Every pattern the service's rules touch, the same pattern's grants merged. */
export function grantsOf(service: ServiceRulesConfig, kvV2Mounts: readonly string[]): Grant[] {
    // Which mounts are kv-v2 is a fact of the config, read as the component reads it.
    const mounts = kvV2MountsOf({ mount: service.mount as ServiceMountArgs | undefined, kvV2Mounts: [...kvV2Mounts] });
    const merged = new Map<string, Set<string>>();
    for (const grant of service.rules.flatMap((r) => grantsOfRule(r, mounts))) {
        const caps = merged.get(grant.pattern) ?? new Set<string>();
        grant.capabilities.forEach((c) => caps.add(c));
        merged.set(grant.pattern, caps);
    }
    return [...merged].map(([pattern, capabilities]) => ({ pattern, capabilities }));
}

/** Does a policy path pattern ("+" for one segment, a trailing "*" for any suffix) match a concrete path? */
export function policyPathMatches(pattern: string, path: string): boolean {
    const glob = pattern.endsWith("*");
    const pat = (glob ? pattern.slice(0, -1) : pattern).split("/");
    const segs = path.split("/");
    if (!glob && pat.length !== segs.length) return false;
    if (segs.length < pat.length) return false;
    return pat.every((p, i) => {
        if (i === pat.length - 1 && glob) return segs.slice(i).join("/").startsWith(p);
        return p === "+" ? segs[i] !== "" : p === segs[i];
    });
}

/**
 * What the rules allow on a concrete path, as docs/configuration.md defines a list of rules: the
 * union of what every matching rule grants, and nothing (["deny"]) where one of them denies or none
 * grants.
 */
export function allowedOn(path: string, grants: readonly Grant[]): string[] {
    const caps = new Set(grants.filter((g) => policyPathMatches(g.pattern, path)).flatMap((g) => [...g.capabilities]));
    if (caps.size === 0 || caps.has("deny")) return ["deny"];
    return [...caps].sort();
}

/**
 * For each pattern the service's rules touch (on a logical kv-v2 path: every endpoint of the key,
 * so an unnamed one must be denied), a probe path and what the service may do there.
 */
export function expectedAccess(service: ServiceRulesConfig, kvV2Mounts: readonly string[] = []): Expectation[] {
    const grants = grantsOf(service, kvV2Mounts);
    return grants.map((g) => samplePath(g.pattern)).map((path) => ({ path, capabilities: allowedOn(path, grants) }));
}

/** Probe paths of the other services that the service's own rules do not reach: all must be denied. */
export function othersProbes(name: string, services: readonly ServiceRulesConfig[], kvV2Mounts: readonly string[] = []): string[] {
    const own = services.find((s) => s.name === name);
    const ownGrants = own ? grantsOf(own, kvV2Mounts) : [];
    return services
        .filter((s) => s.name !== name)
        .flatMap((s) => expectedAccess(s, kvV2Mounts).map((e) => e.path))
        .filter((path) => allowedOn(path, ownGrants)[0] === "deny");
}
