// TEST-HARNESS STAND-IN: vault:kubernetes/authBackendRole:AuthBackendRole.
// auth/<backend>/role/<roleName>. id = "auth/<backend>/role/<roleName>".
// Read maps every field Vault returns back, so `pulumi refresh` sees drift and
// a role deleted by hand (404) drops out of state.

import { type Fields, type Kind, isZero, type Props, str, trimSlashes } from "./props";
import { ns, type ResourceImpl } from "./resource";
import { apiPath, dataOf, vaultRequest } from "./vaultApi";

const fields: Fields = {
    backend: { kind: "string", forceNew: true, default: "kubernetes" },
    roleName: { kind: "string", required: true, forceNew: true },
    boundServiceAccountNames: { kind: "set", required: true },
    boundServiceAccountNamespaces: { kind: "set" },
    boundServiceAccountNamespaceSelector: { kind: "string" },
    audience: { kind: "string" },
    aliasNameSource: { kind: "string", computed: true },
    aliasMetadata: { kind: "map" },
    tokenTtl: { kind: "int" },
    tokenMaxTtl: { kind: "int" },
    tokenPeriod: { kind: "int" },
    tokenExplicitMaxTtl: { kind: "int" },
    tokenNumUses: { kind: "int" },
    tokenPolicies: { kind: "set" },
    tokenBoundCidrs: { kind: "set" },
    tokenNoDefaultPolicy: { kind: "bool" },
    tokenType: { kind: "string", default: "default" },
    namespace: { kind: "string", forceNew: true },
};

/** Program property -> Vault field, for every field sent and read back. */
const mapping: Record<string, string> = {
    boundServiceAccountNames: "bound_service_account_names",
    boundServiceAccountNamespaces: "bound_service_account_namespaces",
    boundServiceAccountNamespaceSelector: "bound_service_account_namespace_selector",
    audience: "audience",
    aliasNameSource: "alias_name_source",
    aliasMetadata: "alias_metadata",
    tokenTtl: "token_ttl",
    tokenMaxTtl: "token_max_ttl",
    tokenPeriod: "token_period",
    tokenExplicitMaxTtl: "token_explicit_max_ttl",
    tokenNumUses: "token_num_uses",
    tokenPolicies: "token_policies",
    tokenBoundCidrs: "token_bound_cidrs",
    tokenNoDefaultPolicy: "token_no_default_policy",
    tokenType: "token_type",
};

function rolePath(backend: string, roleName: string): string {
    return `auth/${trimSlashes(backend)}/role/${trimSlashes(roleName)}`;
}

function parseId(id: string): { backend: string; roleName: string } {
    const m = /^auth\/(.+)\/role\/([^/]+)$/.exec(id);
    if (!m) {
        throw new Error(`vault stand-in: invalid AuthBackendRole id ${JSON.stringify(id)} (want auth/<backend>/role/<name>)`);
    }
    return { backend: m[1], roleName: m[2] };
}

/**
 * Request body. Vault merges a role write into the existing role, so on update a
 * field the program dropped is sent as its zero value to actually clear it.
 */
function body(news: Props, olds?: Props): Record<string, unknown> {
    const b: Record<string, unknown> = {};
    for (const [prop, field] of Object.entries(mapping)) {
        const v = news[prop];
        if (v !== undefined && v !== null) {
            b[field] = v;
        } else if (olds && !fields[prop].computed && !isZero(fields[prop].kind, olds[prop])) {
            b[field] = zeroFor(fields[prop].kind);
        }
    }
    return b;
}

function zeroFor(kind: Kind): unknown {
    switch (kind) {
        case "string":
            return "";
        case "bool":
            return false;
        case "int":
            return 0;
        case "map":
        case "object":
            return {};
        default:
            return [];
    }
}

async function read(id: string, olds: Props): Promise<Props | undefined> {
    const { backend, roleName } = parseId(id);
    const res = await vaultRequest("GET", apiPath(id), { namespace: ns(olds), allow404: true });
    const d = res.status === 404 ? undefined : dataOf(res.body);
    if (!d || d.bound_service_account_names === undefined) {
        return undefined;
    }
    const outs: Props = { backend, roleName, namespace: olds.namespace };
    for (const [prop, field] of Object.entries(mapping)) {
        if (d[field] !== undefined) {
            outs[prop] = d[field];
        }
    }
    return outs;
}

export const kubernetesAuthBackendRole: ResourceImpl = {
    token: "vault:kubernetes/authBackendRole:AuthBackendRole",
    fields,

    async create(inputs: Props) {
        const id = rolePath(str(inputs.backend) ?? "kubernetes", str(inputs.roleName) ?? "");
        await vaultRequest("POST", apiPath(id), { body: body(inputs), namespace: ns(inputs) });
        const outs = await read(id, inputs);
        if (!outs) {
            throw new Error(`vault stand-in: ${id} not readable right after writing it`);
        }
        return { id, outs: { ...inputs, ...outs } };
    },

    read,

    async update(id: string, olds: Props, news: Props) {
        await vaultRequest("POST", apiPath(id), { body: body(news, olds), namespace: ns(news) });
        const outs = await read(id, news);
        if (!outs) {
            throw new Error(`vault stand-in: ${id} disappeared during update`);
        }
        return { ...news, ...outs };
    },

    async delete(id: string, olds: Props) {
        await vaultRequest("DELETE", apiPath(id), { namespace: ns(olds), allow404: true });
    },
};
