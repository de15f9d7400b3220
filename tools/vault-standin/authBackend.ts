// TEST-HARNESS STAND-IN: vault:index/authBackend:AuthBackend (an auth method mount).
// sys/auth/<path>. id = path. Differences from the official plugin: a path change
// replaces the mount (official: remounts unless disableRemount); tune is written
// but echoed from inputs rather than read back, so tune drift is not detected.

import type { CheckFailure } from "@pulumi/pulumi/provider";
import { containsUnknown, type Fields, type Props, str, trimSlashes } from "./props";
import { findMount, ns, type ResourceImpl, toSnake } from "./resource";
import { apiPath, vaultRequest } from "./vaultApi";

const fields: Fields = {
    type: { kind: "string", required: true, forceNew: true },
    path: { kind: "string", computed: true, forceNew: true },
    description: { kind: "string" },
    local: { kind: "bool", forceNew: true },
    disableRemount: { kind: "bool" },
    namespace: { kind: "string", forceNew: true },
    tune: { kind: "object", computed: true },
    identityTokenKey: { kind: "string", unsupported: true },
};

const tuneMapping: Record<string, string> = {
    allowedResponseHeaders: "allowed_response_headers",
    auditNonHmacRequestKeys: "audit_non_hmac_request_keys",
    auditNonHmacResponseKeys: "audit_non_hmac_response_keys",
    defaultLeaseTtl: "default_lease_ttl",
    listingVisibility: "listing_visibility",
    maxLeaseTtl: "max_lease_ttl",
    passthroughRequestHeaders: "passthrough_request_headers",
    tokenType: "token_type",
};

function tuneBody(tune: unknown): Record<string, unknown> {
    return typeof tune === "object" && tune !== null ? toSnake(tune as Props, tuneMapping) : {};
}

async function postTune(path: string, body: Record<string, unknown>, namespace: string | undefined): Promise<void> {
    if (Object.keys(body).length > 0) {
        await vaultRequest("POST", apiPath("sys/auth", path, "tune"), { body, namespace });
    }
}

async function read(id: string, olds: Props): Promise<Props | undefined> {
    const m = await findMount("auth", id, ns(olds));
    if (!m) {
        return undefined;
    }
    return {
        type: m.type,
        path: id,
        description: m.description ?? "",
        local: m.local === true,
        accessor: m.accessor,
        // Not read back: echoed so the state keeps what the program asked for.
        tune: olds.tune,
        disableRemount: olds.disableRemount,
        namespace: olds.namespace,
    };
}

export const authBackend: ResourceImpl = {
    token: "vault:index/authBackend:AuthBackend",
    fields,

    check(news: Props): CheckFailure[] {
        // path defaults to type, as in the official schema.
        if (news.path === undefined && typeof news.type === "string" && !containsUnknown(news.type)) {
            news.path = news.type;
        }
        if (typeof news.path === "string" && !containsUnknown(news.path)) {
            news.path = trimSlashes(news.path);
        }
        return [];
    },

    async create(inputs: Props) {
        const path = trimSlashes(str(inputs.path) ?? str(inputs.type) ?? "");
        const namespace = ns(inputs);
        await vaultRequest("POST", apiPath("sys/auth", path), {
            body: { type: inputs.type, description: inputs.description ?? "", local: inputs.local === true },
            namespace,
        });
        try {
            await postTune(path, tuneBody(inputs.tune), namespace);
        } catch (e) {
            // Create must be all-or-nothing: drop the half-configured mount.
            await vaultRequest("DELETE", apiPath("sys/auth", path), { namespace, allow404: true }).catch(() => undefined);
            throw e;
        }
        const outs = await read(path, inputs);
        if (!outs) {
            throw new Error(`vault stand-in: auth mount ${path}/ not listed in sys/auth right after creating it`);
        }
        return { id: path, outs: { ...inputs, ...outs } };
    },

    read,

    async update(id: string, olds: Props, news: Props) {
        const body = tuneBody(news.tune);
        if ((olds.description ?? "") !== (news.description ?? "")) {
            body.description = news.description ?? "";
        }
        await postTune(id, body, ns(news));
        const outs = await read(id, news);
        if (!outs) {
            throw new Error(`vault stand-in: auth mount ${id}/ disappeared during update`);
        }
        return { ...news, ...outs };
    },

    async delete(id: string, olds: Props) {
        await vaultRequest("DELETE", apiPath("sys/auth", id), { namespace: ns(olds), allow404: true });
    },
};
