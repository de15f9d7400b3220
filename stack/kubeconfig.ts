import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { ApiServerAccess } from "../components/serviceAccountIssuer";

/** What Vault needs to know to reach a cluster's API server. */
export interface ClusterEndpoint {
    /** https://HOST[:PORT] of the API server. */
    host: string;
    /** PEM CA certificate(s) of the API server. */
    caCert: string;
}

export interface KubeconfigDoc {
    "current-context"?: string;
    contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
    clusters?: { name: string; cluster?: { server?: string; "certificate-authority-data"?: string; "certificate-authority"?: string } }[];
    users?: { name: string; user?: KubeconfigUser }[];
}

/** The credentials of a kubeconfig user this project can use itself (the provider handles every kind). */
interface KubeconfigUser {
    token?: string;
    tokenFile?: string;
    "client-certificate-data"?: string;
    "client-certificate"?: string;
    "client-key-data"?: string;
    "client-key"?: string;
    exec?: unknown;
    "auth-provider"?: unknown;
}

/** The user fields that name files, resolved against the folder of the kubeconfig that holds them. */
const userFileFields = ["tokenFile", "client-certificate", "client-key"] as const;

/** A kubeconfig's text and the folder its relative file paths are resolved against. */
export interface KubeconfigSource {
    text: string;
    /** Folder of the file; undefined for config given inline (its paths must be absolute). */
    dir?: string;
    /** How errors name it, e.g. "kubeconfig /home/me/.kube/config". */
    label: string;
}

/**
 * Merges kubeconfig files as kubectl does for a KUBECONFIG list: the first file that sets
 * current-context wins, and for clusters, contexts and users the first definition of a name wins.
 * Relative certificate paths are resolved against the folder of the file that holds them.
 */
export function mergeKubeconfigs(sources: readonly KubeconfigSource[]): KubeconfigDoc {
    const merged: Required<Pick<KubeconfigDoc, "contexts" | "clusters" | "users">> & KubeconfigDoc = {
        contexts: [],
        clusters: [],
        users: [],
    };
    const resolve = (dir: string | undefined, file: string) => (dir && !path.isAbsolute(file) ? path.join(dir, file) : file);
    for (const source of sources) {
        let doc: KubeconfigDoc;
        try {
            doc = (parse(source.text) ?? {}) as KubeconfigDoc;
        } catch (e) {
            throw new pulumi.RunError(`${source.label}: is not valid YAML (${(e as Error).message.split("\n")[0]}); give a kubeconfig.`);
        }
        merged["current-context"] ??= doc["current-context"] || undefined;
        for (const c of doc.contexts ?? []) if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
        for (const c of doc.clusters ?? []) {
            if (merged.clusters.some((x) => x.name === c.name)) continue;
            const ca = c.cluster?.["certificate-authority"];
            merged.clusters.push(ca ? { ...c, cluster: { ...c.cluster, "certificate-authority": resolve(source.dir, ca) } } : c);
        }
        for (const u of doc.users ?? []) {
            if (merged.users.some((x) => x.name === u.name)) continue;
            const user = { ...u.user };
            for (const f of userFileFields) if (user[f]) user[f] = resolve(source.dir, user[f]);
            merged.users.push({ ...u, user });
        }
    }
    return merged;
}

/**
 * Reads the API server address and CA of one context of a kubeconfig (its current context unless
 * named). Throws with the field and the fix when the kubeconfig cannot give them.
 */
export function endpointFromKubeconfig(doc: KubeconfigDoc, contextName: string | undefined, source: string): ClusterEndpoint {
    const wanted = contextName ?? doc["current-context"];
    if (!wanted) {
        throw new pulumi.RunError(`${source}: has no current-context; set config kubeContext to one of its contexts.`);
    }
    const context = doc.contexts?.find((c) => c.name === wanted);
    if (!context?.context?.cluster) {
        const names = (doc.contexts ?? []).map((c) => c.name).join(", ") || "none";
        throw new pulumi.RunError(`${source}: has no context "${wanted}" (contexts: ${names}); set config kubeContext to one of them.`);
    }
    const cluster = doc.clusters?.find((c) => c.name === context.context!.cluster)?.cluster;
    if (!cluster?.server) {
        throw new pulumi.RunError(`${source}: cluster "${context.context.cluster}" has no server; set config kubernetesHost.`);
    }
    let caCert: string | undefined;
    if (cluster["certificate-authority-data"]) {
        caCert = Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8");
    } else if (cluster["certificate-authority"]) {
        caCert = fs.readFileSync(cluster["certificate-authority"], "utf8");
    }
    if (!caCert) {
        throw new pulumi.RunError(
            `${source}: cluster "${context.context.cluster}" has no certificate-authority(-data); set config kubernetesCaCert to the API server's PEM CA.`,
        );
    }
    return { host: cluster.server, caCert };
}

/**
 * The API server and the credential of one context's user, for the project's own calls to the
 * cluster (reviewerMode "jwt" reads the service-account keys). Throws with the fix for a user whose
 * credential comes from a plugin (exec, auth-provider): those the kubernetes provider alone can run.
 */
export function apiServerAccess(doc: KubeconfigDoc, contextName: string | undefined, source: string): ApiServerAccess {
    const endpoint = endpointFromKubeconfig(doc, contextName, source);
    const context = doc.contexts!.find((c) => c.name === (contextName ?? doc["current-context"]))!;
    const user = doc.users?.find((u) => u.name === context.context?.user)?.user ?? {};
    const fromData = (data: string | undefined, file: string | undefined) =>
        data ? Buffer.from(data, "base64").toString("utf8") : file ? fs.readFileSync(file, "utf8") : undefined;
    const access: ApiServerAccess = {
        ...endpoint,
        token: user.token ?? (user.tokenFile ? fs.readFileSync(user.tokenFile, "utf8").trim() : undefined),
        clientCertificate: fromData(user["client-certificate-data"], user["client-certificate"]),
        clientKey: fromData(user["client-key-data"], user["client-key"]),
    };
    if (!access.token && !(access.clientCertificate && access.clientKey)) {
        throw new pulumi.RunError(
            `${source}: user "${context.context?.user ?? ""}" has no token or client certificate this program can use (an exec or auth-provider plugin is run by the kubernetes provider only), and reviewerMode "jwt" must read the cluster's service-account keys; set config pemKeys and issuer to them (kubectl get --raw /openid/v1/jwks, /.well-known/openid-configuration).`,
        );
    }
    return access;
}

/** The kubeconfig files kubectl would use: every existing file of $KUBECONFIG, else ~/.kube/config. */
export function ambientKubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
    const candidates = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(os.homedir(), ".kube", "config")];
    return candidates.filter((p) => fs.existsSync(p));
}

/** Reads kubeconfig files as sources for mergeKubeconfigs. */
export function readKubeconfigFiles(files: readonly string[]): KubeconfigSource[] {
    return files.map((f) => ({ text: fs.readFileSync(f, "utf8"), dir: path.dirname(path.resolve(f)), label: `kubeconfig ${f}` }));
}
