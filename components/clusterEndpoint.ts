import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

/** What Vault needs to know to reach a cluster's API server. */
export interface ClusterEndpoint {
    /** https://HOST[:PORT] of the API server. */
    host: string;
    /** PEM CA certificate(s) of the API server. */
    caCert: string;
}

interface KubeconfigDoc {
    "current-context"?: string;
    contexts?: { name: string; context?: { cluster?: string } }[];
    clusters?: {
        name: string;
        cluster?: { server?: string; "certificate-authority-data"?: string; "certificate-authority"?: string };
    }[];
}

/**
 * Reads the API server address and CA of one context of a kubeconfig (its current context unless
 * named). Throws with the field and the fix when the kubeconfig cannot give them.
 */
export function endpointFromKubeconfig(kubeconfig: string, contextName?: string, source = "kubeconfig"): ClusterEndpoint {
    let doc: KubeconfigDoc;
    try {
        doc = (parse(kubeconfig) ?? {}) as KubeconfigDoc;
    } catch (e) {
        throw new Error(`${source}: is not valid YAML (${(e as Error).message.split("\n")[0]}); give a kubeconfig file's contents.`);
    }
    const wanted = contextName ?? doc["current-context"];
    if (!wanted) {
        throw new Error(`${source}: has no current-context; set config kubeContext to one of its contexts.`);
    }
    const context = doc.contexts?.find((c) => c.name === wanted);
    if (!context?.context?.cluster) {
        const names = (doc.contexts ?? []).map((c) => c.name).join(", ") || "none";
        throw new Error(`${source}: has no context "${wanted}" (contexts: ${names}); set config kubeContext to one of them.`);
    }
    const cluster = doc.clusters?.find((c) => c.name === context.context!.cluster)?.cluster;
    if (!cluster?.server) {
        throw new Error(`${source}: cluster "${context.context.cluster}" has no server; set config kubernetesHost.`);
    }
    let caCert: string | undefined;
    if (cluster["certificate-authority-data"]) {
        caCert = Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8");
    } else if (cluster["certificate-authority"]) {
        caCert = fs.readFileSync(cluster["certificate-authority"], "utf8");
    }
    if (!caCert) {
        throw new Error(
            `${source}: cluster "${context.context.cluster}" has no certificate-authority(-data); set config kubernetesCaCert to the API server's PEM CA.`,
        );
    }
    return { host: cluster.server, caCert };
}

/** The kubeconfig kubectl would use: the first file in $KUBECONFIG, else ~/.kube/config. */
export function ambientKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const candidates = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(os.homedir(), ".kube", "config")];
    return candidates.find((p) => fs.existsSync(p));
}
