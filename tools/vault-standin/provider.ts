// TEST-HARNESS STAND-IN for the official Pulumi `vault` resource plugin.
// Generic check/diff/CRUD over the per-resource tables, plus the secret
// handling: inputs are unwrapped before Vault sees them, and any output whose
// input (or previous state) was secret is wrapped again so it stays encrypted
// in the state file.

import type * as pulumiProvider from "@pulumi/pulumi/provider";
import { authBackend } from "./authBackend";
import { kubernetesAuthBackendConfig } from "./kubernetesAuthBackendConfig";
import { kubernetesAuthBackendRole } from "./kubernetesAuthBackendRole";
import { mount } from "./mount";
import { policy } from "./policy";
import { clean, containsSecret, containsUnknown, isSecret, isZero, type Props, sameValue, secret, unwrap, unwrapProps } from "./props";
import type { ResourceImpl } from "./resource";

/** The version @pulumi/vault 7.8.0 asks the engine for. */
export const PLUGIN_VERSION = "7.8.0";

const impls: ResourceImpl[] = [authBackend, kubernetesAuthBackendConfig, kubernetesAuthBackendRole, policy, mount];
const byToken = new Map(impls.map((i) => [i.token, i]));

function implFor(urn: string): ResourceImpl {
    // urn:pulumi:<stack>::<project>::<parent types$...$type>::<name>
    const qualified = urn.split("::")[2] ?? "";
    const token = qualified.split("$").pop() ?? "";
    const impl = byToken.get(token);
    if (!impl) {
        throw new Error(
            `vault test stand-in: resource type ${token} is not implemented ` +
                `(implemented: ${[...byToken.keys()].join(", ")}); install the official pulumi-resource-vault`,
        );
    }
    return impl;
}

/**
 * Nulls write-only fields, drops undefined values, and re-wraps values whose source
 * was secret. Write-only fields are sent as explicit nulls: a property missing from
 * the outputs would make the Node SDK hand the program its input value instead.
 */
function finalize(impl: ResourceImpl, outs: Props, secretSource: Props): Props {
    const result: Props = {};
    for (const [name, f] of Object.entries(impl.fields)) {
        if (f.writeOnly) {
            result[name] = null;
        }
    }
    for (const [k, v] of Object.entries(outs)) {
        if (v === undefined || impl.fields[k]?.writeOnly) {
            continue;
        }
        const plain = clean(unwrap(v));
        result[k] = containsSecret(secretSource[k]) || isSecret(v) ? secret(plain) : plain;
    }
    return result;
}

export const standinProvider: pulumiProvider.Provider = {
    version: PLUGIN_VERSION,

    async check(urn: string, _olds: Props, news: Props): Promise<pulumiProvider.CheckResult> {
        const impl = implFor(urn);
        const inputs: Props = { ...news };
        const failures: pulumiProvider.CheckFailure[] = [];
        for (const [name, f] of Object.entries(impl.fields)) {
            if (inputs[name] === undefined && f.default !== undefined) {
                inputs[name] = f.default;
            }
            if (f.required && (inputs[name] === undefined || inputs[name] === null)) {
                failures.push({ property: name, reason: `missing required property '${name}'` });
            }
            if (f.unsupported && !containsUnknown(inputs[name]) && !isZero(f.kind, unwrap(inputs[name]))) {
                failures.push({ property: name, reason: `'${name}' is not implemented by the vault test stand-in` });
            }
        }
        for (const k of Object.keys(inputs)) {
            if (!(k in impl.fields)) {
                failures.push({ property: k, reason: `'${k}' is not a property the vault test stand-in knows for ${impl.token}` });
            }
        }
        failures.push(...(impl.check?.(inputs) ?? []));
        return { inputs, failures };
    },

    async diff(_id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.DiffResult> {
        const impl = implFor(urn);
        const changed: string[] = [];
        const replaces: string[] = [];
        for (const [name, f] of Object.entries(impl.fields)) {
            if (f.writeOnly) {
                continue; // never stored, so never compared: bump the *Version field instead
            }
            const n = news[name];
            let differs: boolean;
            if (containsUnknown(n)) {
                differs = true;
            } else if (n === undefined && f.computed) {
                differs = false; // unset Optional+Computed accepts what Vault reports
            } else {
                differs = !sameValue(f.kind, unwrap(olds[name]), unwrap(n));
            }
            if (differs) {
                changed.push(name);
                if (f.forceNew) {
                    replaces.push(name);
                }
            }
        }
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(urn: string, inputs: Props): Promise<pulumiProvider.CreateResult> {
        const impl = implFor(urn);
        const { id, outs } = await impl.create(unwrapProps(inputs));
        return { id, outs: finalize(impl, outs, inputs) };
    },

    async read(id: string, urn: string, props?: Props): Promise<pulumiProvider.ReadResult> {
        const impl = implFor(urn);
        const olds = props ?? {};
        const outs = await impl.read(id, unwrapProps(olds));
        if (!outs) {
            // Blank id tells the engine the resource no longer exists (refresh drops it).
            return { id: "", props: {} };
        }
        const state = finalize(impl, outs, olds);
        if (Object.keys(olds).length > 0) {
            return { id, props: state };
        }
        // Import / .get(): there is no old state, so derive inputs from what Vault has.
        const inputs: Props = {};
        for (const [k, f] of Object.entries(impl.fields)) {
            if (state[k] !== undefined && !f.writeOnly) {
                inputs[k] = state[k];
            }
        }
        return { id, props: state, inputs };
    },

    async update(id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.UpdateResult> {
        const impl = implFor(urn);
        const outs = await impl.update(id, unwrapProps(olds), unwrapProps(news));
        return { outs: finalize(impl, outs, news) };
    },

    async delete(id: string, urn: string, props: Props): Promise<void> {
        await implFor(urn).delete(id, unwrapProps(props));
    },

    async invoke(token: string): Promise<pulumiProvider.InvokeResult> {
        throw new Error(`vault test stand-in: function ${token} is not implemented; install the official pulumi-resource-vault`);
    },
};
