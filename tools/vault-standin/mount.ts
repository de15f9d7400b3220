// TEST-HARNESS STAND-IN: vault:index/mount:Mount (a secrets engine mount).
// sys/mounts/<path>. id = path. Differences from the official plugin: a path
// change replaces the mount (official: remounts); identityTokenKey,
// allowedManagedKeys and delegatedAuthAccessors are not implemented.

import { type Fields, type Props, str, trimSlashes } from "./props";
import { findMount, ns, type ResourceImpl, toSnake } from "./resource";
import { apiPath, vaultRequest } from "./vaultApi";

const fields: Fields = {
    path: { kind: "string", required: true, forceNew: true },
    type: { kind: "string", required: true, forceNew: true },
    description: { kind: "string" },
    options: { kind: "map" },
    local: { kind: "bool", forceNew: true },
    sealWrap: { kind: "bool", forceNew: true, computed: true },
    externalEntropyAccess: { kind: "bool", forceNew: true },
    defaultLeaseTtlSeconds: { kind: "int", computed: true },
    maxLeaseTtlSeconds: { kind: "int", computed: true },
    auditNonHmacRequestKeys: { kind: "list", computed: true },
    auditNonHmacResponseKeys: { kind: "list", computed: true },
    allowedResponseHeaders: { kind: "list" },
    passthroughRequestHeaders: { kind: "list" },
    listingVisibility: { kind: "string" },
    forceNoCache: { kind: "bool", computed: true },
    pluginVersion: { kind: "string", computed: true },
    namespace: { kind: "string", forceNew: true },
    identityTokenKey: { kind: "string", unsupported: true },
    allowedManagedKeys: { kind: "set", unsupported: true },
    delegatedAuthAccessors: { kind: "list", unsupported: true },
};

/** Settings that live in the mount's `config` block (create) and are tunable afterwards. */
function configBody(p: Props): Record<string, unknown> {
    const body = toSnake(p, {
        auditNonHmacRequestKeys: "audit_non_hmac_request_keys",
        auditNonHmacResponseKeys: "audit_non_hmac_response_keys",
        allowedResponseHeaders: "allowed_response_headers",
        passthroughRequestHeaders: "passthrough_request_headers",
        listingVisibility: "listing_visibility",
    });
    // Vault takes TTLs as duration strings; 0 means "system default".
    if (p.defaultLeaseTtlSeconds !== undefined) {
        body.default_lease_ttl = `${Number(p.defaultLeaseTtlSeconds)}s`;
    }
    if (p.maxLeaseTtlSeconds !== undefined) {
        body.max_lease_ttl = `${Number(p.maxLeaseTtlSeconds)}s`;
    }
    return body;
}

async function read(id: string, olds: Props): Promise<Props | undefined> {
    const m = await findMount("mounts", id, ns(olds));
    if (!m) {
        return undefined;
    }
    const cfg = (m.config ?? {}) as Record<string, unknown>;
    let type = m.type;
    let opts = (m.options ?? undefined) as Record<string, string> | undefined;
    // Vault stores type "kv-v2" as "kv" + options.version=2: keep the program's
    // spelling, and don't report the implied version option as drift.
    if (olds.type === "kv-v2" && type === "kv" && opts?.version === "2") {
        type = "kv-v2";
        if (olds.options === undefined && Object.keys(opts).length === 1) {
            opts = undefined;
        }
    }
    return {
        path: id,
        type,
        description: m.description ?? "",
        accessor: m.accessor,
        options: opts,
        local: m.local === true,
        sealWrap: m.seal_wrap === true,
        externalEntropyAccess: m.external_entropy_access === true,
        defaultLeaseTtlSeconds: Number(cfg.default_lease_ttl ?? 0),
        maxLeaseTtlSeconds: Number(cfg.max_lease_ttl ?? 0),
        forceNoCache: cfg.force_no_cache === true,
        auditNonHmacRequestKeys: cfg.audit_non_hmac_request_keys ?? [],
        auditNonHmacResponseKeys: cfg.audit_non_hmac_response_keys ?? [],
        allowedResponseHeaders: cfg.allowed_response_headers ?? olds.allowedResponseHeaders,
        passthroughRequestHeaders: cfg.passthrough_request_headers ?? olds.passthroughRequestHeaders,
        listingVisibility: cfg.listing_visibility ?? olds.listingVisibility,
        pluginVersion: m.plugin_version ?? olds.pluginVersion,
        namespace: olds.namespace,
    };
}

export const mount: ResourceImpl = {
    token: "vault:index/mount:Mount",
    fields,

    async create(inputs: Props) {
        const path = trimSlashes(str(inputs.path) ?? "");
        const body: Record<string, unknown> = {
            type: inputs.type,
            description: inputs.description ?? "",
            local: inputs.local === true,
            seal_wrap: inputs.sealWrap === true,
            external_entropy_access: inputs.externalEntropyAccess === true,
            config: configBody(inputs),
        };
        if (inputs.options !== undefined) {
            body.options = inputs.options;
        }
        if (inputs.pluginVersion !== undefined) {
            body.plugin_version = inputs.pluginVersion;
        }
        await vaultRequest("POST", apiPath("sys/mounts", path), { body, namespace: ns(inputs) });
        const outs = await read(path, inputs);
        if (!outs) {
            throw new Error(`vault stand-in: mount ${path}/ not listed in sys/mounts right after creating it`);
        }
        return { id: path, outs: { ...inputs, ...outs } };
    },

    read,

    async update(id: string, olds: Props, news: Props) {
        const body = configBody(news);
        body.description = news.description ?? "";
        if (news.options !== undefined) {
            body.options = news.options;
        }
        await vaultRequest("POST", apiPath("sys/mounts", id, "tune"), { body, namespace: ns(news) });
        const outs = await read(id, news);
        if (!outs) {
            throw new Error(`vault stand-in: mount ${id}/ disappeared during update`);
        }
        return { ...news, ...outs };
    },

    async delete(id: string, olds: Props) {
        await vaultRequest("DELETE", apiPath("sys/mounts", id), { namespace: ns(olds), allow404: true });
    },
};
