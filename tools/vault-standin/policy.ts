// TEST-HARNESS STAND-IN: vault:index/policy:Policy (an ACL policy).
// sys/policies/acl/<name>. id = name.

import { type Fields, type Props, str } from "./props";
import { ns, type ResourceImpl } from "./resource";
import { apiPath, dataOf, vaultRequest } from "./vaultApi";

const fields: Fields = {
    name: { kind: "string", required: true, forceNew: true },
    policy: { kind: "string", required: true },
    namespace: { kind: "string", forceNew: true },
};

async function write(name: string, p: Props): Promise<void> {
    await vaultRequest("PUT", apiPath("sys/policies/acl", name), { body: { policy: p.policy }, namespace: ns(p) });
}

async function read(id: string, olds: Props): Promise<Props | undefined> {
    const res = await vaultRequest("GET", apiPath("sys/policies/acl", id), { namespace: ns(olds), allow404: true });
    // Older servers answer at top level, newer ones under `data`.
    const policy = dataOf(res.body)?.policy ?? res.body?.policy;
    if (res.status === 404 || typeof policy !== "string") {
        return undefined;
    }
    return { name: id, policy, namespace: olds.namespace };
}

export const policy: ResourceImpl = {
    token: "vault:index/policy:Policy",
    fields,

    async create(inputs: Props) {
        const name = str(inputs.name) ?? "";
        await write(name, inputs);
        const outs = await read(name, inputs);
        if (!outs) {
            throw new Error(`vault stand-in: policy ${name} not readable right after writing it`);
        }
        return { id: name, outs: { ...inputs, ...outs } };
    },

    read,

    async update(id: string, _olds: Props, news: Props) {
        await write(id, news);
        const outs = await read(id, news);
        if (!outs) {
            throw new Error(`vault stand-in: policy ${id} disappeared during update`);
        }
        return { ...news, ...outs };
    },

    async delete(id: string, olds: Props) {
        await vaultRequest("DELETE", apiPath("sys/policies/acl", id), { namespace: ns(olds), allow404: true });
    },
};
