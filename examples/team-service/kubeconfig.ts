import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/** The API server a kubernetes provider without arguments talks to, and the CA it trusts there. */
export interface Cluster {
    host: string;
    caCert: string;
}

interface Named<T> {
    name: string;
    cluster?: T;
    context?: T;
}
type ClusterEntry = { server?: string; "certificate-authority-data"?: string; "certificate-authority"?: string };

/**
 * KUBECONFIG's current context (or ~/.kube/config's), read as kubectl reads it: the files of the list
 * in order, the first current-context and the first definition of a name winning, a relative
 * certificate-authority path resolved against the folder of the file that names it.
 */
export function currentCluster(kubeconfig = process.env.KUBECONFIG || path.join(os.homedir(), ".kube", "config")): Cluster {
    let current: string | undefined;
    const contexts = new Map<string, { cluster?: string }>();
    const clusters = new Map<string, { entry: ClusterEntry; dir: string }>();
    for (const file of kubeconfig.split(path.delimiter).filter((f) => f !== "" && fs.existsSync(f))) {
        const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
        current ??= doc["current-context"] || undefined;
        for (const c of (doc.contexts ?? []) as Named<{ cluster?: string }>[])
            if (!contexts.has(c.name)) contexts.set(c.name, c.context ?? {});
        for (const c of (doc.clusters ?? []) as Named<ClusterEntry>[])
            if (!clusters.has(c.name)) clusters.set(c.name, { entry: c.cluster ?? {}, dir: path.dirname(file) });
    }
    const cluster = clusters.get(contexts.get(current ?? "")?.cluster ?? "");
    if (!cluster?.entry.server) {
        throw new pulumi.RunError(`KUBECONFIG (${kubeconfig}): the current context "${current ?? ""}" names no cluster with a server.`);
    }
    const { server, "certificate-authority-data": caData, "certificate-authority": caFile } = cluster.entry;
    const caCert = caData
        ? Buffer.from(caData, "base64").toString("utf8")
        : caFile
          ? fs.readFileSync(path.resolve(cluster.dir, caFile), "utf8")
          : "";
    return { host: server, caCert };
}
