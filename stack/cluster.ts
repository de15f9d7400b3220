import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./configSchema";
import { readServiceAccountIssuer, ServiceAccountIssuer } from "../components/serviceAccountIssuer";
import {
    ambientKubeconfigFiles,
    apiServerAccess,
    endpointFromKubeconfig,
    KubeconfigDoc,
    mergeKubeconfigs,
    readKubeconfigFiles,
} from "./kubeconfig";

/** Where the stack finds its cluster: the kubeconfig for the kubernetes provider, the host and CA for Vault. */
export interface ClusterSource {
    /** Kubeconfig contents for the kubernetes provider (secret); undefined means the provider's own default. */
    kubeconfig?: pulumi.Output<string>;
    host: pulumi.Output<string>;
    /** Undefined when only the reviewer token Secret can tell (its ca.crt is used then). */
    caCert?: pulumi.Output<string>;
    /** Host and CA as plain values, when known before any resource is registered (not from a StackReference). */
    known?: { host: string; caCert?: string };
    /** The kubeconfig as the program itself reads it, for its own calls to the cluster; undefined without one. */
    kubeconfigDoc?: pulumi.Output<{ doc: KubeconfigDoc; label: string }>;
}

/**
 * Resolves the cluster, in this order: explicit kubernetesHost/kubernetesCaCert (each wins on its
 * own), then the `kubeconfig` output of `clusterStack`, then config `kubeconfig`, then the ambient
 * kubeconfig ($KUBECONFIG or ~/.kube/config). Plain sources are parsed now, so a bad kubeconfig
 * fails before any resource is registered; a StackReference is parsed when its output arrives.
 */
export function resolveCluster(cfg: StackConfig, env: NodeJS.ProcessEnv = process.env): ClusterSource {
    const explicitHost = cfg.kubernetesHost;
    const explicitCa = cfg.kubernetesCaCert;

    if (cfg.clusterStack) {
        const ref = new pulumi.StackReference(cfg.clusterStack);
        const kubeconfig = pulumi.secret(ref.requireOutput("kubeconfig").apply((k) => (typeof k === "string" ? k : JSON.stringify(k))));
        const label = `stack ${cfg.clusterStack} output "kubeconfig"`;
        const endpoint = kubeconfig.apply((k) => endpointFromKubeconfig(mergeKubeconfigs([{ text: k, label }]), cfg.kubeContext, label));
        return {
            kubeconfig,
            kubeconfigDoc: kubeconfig.apply((k) => ({ doc: mergeKubeconfigs([{ text: k, label }]), label })),
            host: explicitHost ? pulumi.output(explicitHost) : pulumi.unsecret(endpoint.apply((e) => e.host)),
            caCert: explicitCa ? pulumi.output(explicitCa) : pulumi.unsecret(endpoint.apply((e) => e.caCert)),
        };
    }

    // The same kubeconfig the kubernetes provider uses: config `kubeconfig`, else every file of
    // $KUBECONFIG merged as kubectl merges them (the provider does the same), else ~/.kube/config.
    const files = cfg.kubeconfig === undefined ? ambientKubeconfigFiles(env) : [];
    const sources = cfg.kubeconfig !== undefined ? [{ text: cfg.kubeconfig, label: "config kubeconfig" }] : readKubeconfigFiles(files);
    if (sources.length === 0) {
        if (explicitHost === undefined) {
            throw new pulumi.RunError(
                "cluster: no kubeconfig found and kubernetesHost is not set; set config kubeconfig (--secret), clusterStack, or kubernetesHost and kubernetesCaCert, or point KUBECONFIG at the cluster.",
            );
        }
        return {
            host: pulumi.output(explicitHost),
            caCert: explicitCa === undefined ? undefined : pulumi.output(explicitCa),
            known: { host: explicitHost, caCert: explicitCa },
        };
    }

    const label = sources.map((s) => s.label).join(" + ");
    const endpoint =
        explicitHost !== undefined && explicitCa !== undefined
            ? { host: explicitHost, caCert: explicitCa }
            : endpointFromKubeconfig(mergeKubeconfigs(sources), cfg.kubeContext, label);
    return {
        // The ambient file is left to the provider itself, which also honours multi-file KUBECONFIG.
        kubeconfig: cfg.kubeconfig !== undefined ? pulumi.secret(cfg.kubeconfig) : undefined,
        kubeconfigDoc: pulumi.secret({ doc: mergeKubeconfigs(sources), label }),
        host: pulumi.output(explicitHost ?? endpoint.host),
        caCert: pulumi.output(explicitCa ?? endpoint.caCert),
        known: { host: explicitHost ?? endpoint.host, caCert: explicitCa ?? endpoint.caCert },
    };
}

/**
 * The cluster's service-account issuer and signing keys, for reviewerMode "jwt": config issuer and
 * pemKeys when both are set, else read from the API server through the kubeconfig on every run, so
 * that a key the cluster adds reaches Vault with the next `pulumi up` (docs/reviewer-modes.md, "Key rotation").
 */
export function serviceAccountIssuer(
    cfg: Pick<StackConfig, "issuer" | "pemKeys" | "kubeContext">,
    cluster: ClusterSource,
): { issuer: pulumi.Output<string>; keys: pulumi.Output<string[]> } {
    // Pulumi.yaml declares [] as pemKeys' default: an empty list is "not set".
    const pemKeys = cfg.pemKeys?.length ? cfg.pemKeys : undefined;
    if (cfg.issuer !== undefined && pemKeys !== undefined) {
        return { issuer: pulumi.output(cfg.issuer), keys: pulumi.output(pemKeys) };
    }
    if (!cluster.kubeconfigDoc) {
        throw new pulumi.RunError(
            'reviewerMode: "jwt" needs the cluster\'s service-account issuer and keys, and there is no kubeconfig to read them with; set config issuer and pemKeys (kubectl get --raw /.well-known/openid-configuration, /openid/v1/jwks).',
        );
    }
    const read: pulumi.Output<ServiceAccountIssuer> = cluster.kubeconfigDoc.apply(({ doc, label }) =>
        readServiceAccountIssuer(apiServerAccess(doc, cfg.kubeContext, label)),
    );
    // Keys and issuer are public: unsecret them, whatever the kubeconfig they were read with.
    return {
        issuer: pulumi.unsecret(read.apply((r) => cfg.issuer ?? r.issuer)),
        keys: pulumi.unsecret(read.apply((r) => pemKeys ?? r.keys)),
    };
}
