import { execFileSync } from "child_process";
import { VaultClient } from "../lib/vault";

/**
 * After a run died mid-`up`, the stack's state lists "pending creates": resources whose create was
 * sent but never recorded. Each one either exists (the create went through: import it) or does not
 * (clear it; the next `up` creates it). This file tells which, for every resource type the
 * components create, by asking the cluster and Vault themselves.
 */

/** A pending create as `pulumi stack export` lists it. */
export interface PendingCreate {
    urn: string;
    type: string;
    /** The resource's inputs as the state holds them (names, paths, metadata). */
    inputs: { path?: string; name?: string; backend?: string; roleName?: string; metadata?: { name?: string; namespace?: string } };
}

/** What to do with a pending create: import it under this ID, or clear it (with why). */
export type Resolution = { import: string } | { clear: string };

/** Cluster-scoped kinds: their provider ID is the bare name. */
const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);

/** Decides for one pending create: does the object exist in the cluster or in Vault? */
export async function resolvePendingCreate(op: PendingCreate, vault: VaultClient, env: NodeJS.ProcessEnv): Promise<Resolution> {
    if (op.type.startsWith("kubernetes:")) return resolveKubernetes(op, env);
    const vaultPath = vaultPathOf(op);
    if (vaultPath === undefined) return { clear: `no known way to look up a ${op.type}; if it was created, import it by hand` };
    const { path, id } = vaultPath;
    const found = (await vault.request("GET", path)).status === 200;
    return found ? { import: id } : { clear: `not in Vault (${path})` };
}

/** Where Vault shows the object, and the ID the vault provider gives it. */
function vaultPathOf(op: PendingCreate): { path: string; id: string } | undefined {
    const i = op.inputs;
    switch (op.type) {
        case "vault:index/mount:Mount":
            return { path: `sys/mounts/${i.path}/tune`, id: i.path! };
        case "vault:index/authBackend:AuthBackend":
            return { path: `sys/auth/${i.path}/tune`, id: i.path! };
        case "vault:index/policy:Policy":
            return { path: `sys/policies/acl/${i.name}`, id: i.name! };
        case "vault:kubernetes/authBackendRole:AuthBackendRole":
        case "vault:jwt/authBackendRole:AuthBackendRole":
            return { path: `auth/${i.backend}/role/${i.roleName}`, id: `auth/${i.backend}/role/${i.roleName}` };
        case "vault:kubernetes/authBackendConfig:AuthBackendConfig":
            return { path: `auth/${i.backend}/config`, id: `auth/${i.backend}/config` };
        case "vault:generic/endpoint:Endpoint":
            return { path: i.path!, id: i.path! };
        default:
            return undefined;
    }
}

function resolveKubernetes(op: PendingCreate, env: NodeJS.ProcessEnv): Resolution {
    const [, group, kind] = /^kubernetes:([^:]+):(.+)$/.exec(op.type) ?? [];
    const name: string | undefined = op.inputs.metadata?.name;
    const namespace: string | undefined = clusterScoped.has(kind) ? undefined : (op.inputs.metadata?.namespace ?? "default");
    if (!name) return { clear: "its name was not chosen yet" };
    const apiGroup = group.split("/")[0];
    const resource = apiGroup === "core" ? kind : `${kind}.${apiGroup}`;
    try {
        execFileSync("kubectl", ["get", resource, name, ...(namespace ? ["-n", namespace] : [])], { env, stdio: "ignore" });
        return { import: namespace ? `${namespace}/${name}` : name };
    } catch {
        return { clear: `not in the cluster (${resource} ${namespace ? `${namespace}/` : ""}${name})` };
    }
}
