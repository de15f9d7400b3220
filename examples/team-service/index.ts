import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ServiceAccess } from "../../components";
import { StackOutputs } from "../../stack/outputs";

// A team's stack, separate from the platform's: it reads the platform stack's outputs (the auth
// mount, the API server Vault reaches) through a StackReference, and adds its own service there.
// The cluster comes from KUBECONFIG, Vault from VAULT_ADDR/VAULT_TOKEN.

const platform = new pulumi.StackReference(new pulumi.Config().require("platformStack"));
const authPath = platform.requireOutput("authPath") as pulumi.Output<StackOutputs["authPath"]>;

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

export const roleName = reports.roleName;
export const loginExample = reports.loginExample;
/** The API server the platform's Vault reaches: the same cluster this stack deploys to. */
export const kubernetesHost = platform.requireOutput("kubernetesHost");
