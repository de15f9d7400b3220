import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ServiceAccess } from "../../components";
import type { StackOutputs } from "../../stack/outputs";
import { ambientKubeconfigFiles, endpointFromKubeconfig, mergeKubeconfigs, readKubeconfigFiles } from "../../stack/kubeconfig";

// A team's stack, separate from the platform's: it reads the platform stack's outputs (the auth
// mount, and the API server and CA the platform's Vault reviews tokens with) through a
// StackReference, and adds its own service there. The cluster comes from KUBECONFIG, Vault from
// VAULT_ADDR/VAULT_TOKEN. Before anything is registered, it checks that KUBECONFIG's cluster is the
// platform's: a service deployed elsewhere could never log in (Vault would ask another cluster).

export = async () => {
    const platformStack = new pulumi.Config().require("platformStack");
    const platform = new pulumi.StackReference(platformStack);
    const backend = (await platform.getOutputDetails("authBackend")).value as StackOutputs["authBackend"] | undefined;
    if (backend === undefined)
        throw new pulumi.RunError(`${platformStack} has no output "authBackend": run \`pulumi up\` of the platform stack first.`);
    const { path: authPath, kubernetesHost, kubernetesCaCert } = backend;

    // KUBECONFIG's current context, merged as kubectl merges it: the cluster the kubernetes provider uses.
    const sources = readKubeconfigFiles(ambientKubeconfigFiles());
    const own = endpointFromKubeconfig(mergeKubeconfigs(sources), undefined, sources.map((s) => s.label).join(" + "));
    const differences: string[] = [];
    if (own.host.replace(/\/+$/, "") !== kubernetesHost.replace(/\/+$/, ""))
        differences.push(`API server ${own.host} (the platform's: ${kubernetesHost})`);
    if (own.caCert.trim() !== kubernetesCaCert.trim()) differences.push("a different CA certificate");
    if (differences.length > 0) {
        throw new pulumi.RunError(
            `refusing to deploy: KUBECONFIG's current context is not the cluster whose tokens ${platformStack}'s Vault reviews ` +
                `(${differences.join(", ")}), so the service could never log in there. ` +
                `Point KUBECONFIG at the platform's cluster, or set platformStack to the platform stack of this cluster.`,
        );
    }

    const reports = new ServiceAccess(
        "reports",
        {
            namespace: "reports",
            createNamespace: true,
            mount: { path: "reports", type: "kv-v2" },
            rules: [{ path: "reports/*", capabilities: ["read", "list"] }],
            authPath,
        },
        { providers: { kubernetes: new k8s.Provider("cluster", {}), vault: new vault.Provider("vault", {}) } },
    );

    return { roleName: reports.roleName, loginExample: reports.loginExample, kubernetesHost, kubernetesCaCert };
};
