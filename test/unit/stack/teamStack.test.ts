import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, writeKubeconfig } from "../../support/devStack";
import { find, installMocks, promiseOf, Registered, settle, testCa } from "../../support/mocks";

// The program as a team stack (config platformStack): services only, on the platform stack's auth
// method, read through a StackReference; the platform's own keys refused; another cluster refused.

const platformName = "organization/vault-k8s-auth/fleet";
const platformOutputs = {
    authBackend: {
        path: "kubernetes-fleet",
        accessor: "auth_kubernetes_1",
        kubernetesHost: "https://127.0.0.1:6443",
        kubernetesCaCert: testCa,
    },
    reviewer: {
        namespace: "fleet-vault-auth",
        serviceAccountName: "vault-auth",
        secretName: "vault-auth-token",
        clusterRoleBindingName: "x",
    },
    kvV2Mounts: ["shared"],
    serviceAccess: {},
};
const service = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    namespace: name,
    createNamespace: true,
    rules: [{ path: `shared/${name}/*`, capabilities: ["read"] }],
    ...extra,
});

/** What the last run registered, also when it failed. */
let lastRegistered: Registered[] = [];

async function runTeam(
    config: Record<string, unknown>,
    { server = "https://127.0.0.1:6443", outputs = platformOutputs as Record<string, unknown> } = {},
): Promise<{ registered: Registered[]; outputs: Record<string, any> }> {
    process.env.KUBECONFIG = writeKubeconfig(server);
    process.env.VAULT_ADDR = "http://127.0.0.1:8200";
    const registered = await installMocks({ stacks: { [platformName]: outputs } });
    lastRegistered = registered;
    pulumi.runtime.setAllConfig(
        Object.fromEntries(
            Object.entries({ platformStack: platformName, ...config }).map(([k, v]) => [
                `vault-k8s-auth:${k}`,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        ),
    );
    const exported = await runProgram();
    const resolved: Record<string, any> = {};
    for (const [k, v] of Object.entries(exported)) resolved[k] = await promiseOf(pulumi.output(v));
    await settle();
    return { registered, outputs: resolved };
}

describe("a team stack (platformStack set)", () => {
    it("registers only its services, with roles on the platform's auth path and rules on its kv-v2 mounts", async () => {
        const { registered, outputs } = await runTeam({ services: [service("api"), service("worker")] });
        const types = new Set(registered.map((r) => r.type));
        for (const platformOnly of [
            "vault-k8s-auth:index:TokenReviewer",
            "vault-k8s-auth:index:KubernetesAuthBackend",
            "vault:index/authBackend:AuthBackend",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        ])
            assert.ok(!types.has(platformOnly), platformOnly);
        for (const name of ["api", "worker"]) {
            assert.equal(
                find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", `${name}-role`).inputs.backend,
                "kubernetes-fleet",
            );
        }
        // "shared" is the platform's kv-v2 mount: the rule is expanded to its data/ paths.
        assert.deepEqual(JSON.parse(find(registered, "vault:index/policy:Policy", "api-policy").inputs.policy).path["shared/data/api/*"], {
            capabilities: ["read"],
        });
        assert.equal(outputs.platformStack, platformName);
        assert.equal(outputs.authBackend.path, "kubernetes-fleet");
        assert.deepEqual(Object.keys(outputs.serviceAccess), ["api", "worker"]);
        assert.match(outputs.serviceAccess.api.loginExample, /auth\/kubernetes-fleet\/login/);
    });

    it("refuses the platform's own keys, naming each", async () => {
        await assert.rejects(
            runTeam({ authPath: "mine", reviewerNamespace: "x", services: [service("api")] }),
            (e: Error) =>
                /authPath: belongs to the platform stack \(organization\/vault-k8s-auth\/fleet\); a team stack reads it from the platform's outputs/.test(
                    e.message,
                ) && /reviewerNamespace: belongs to the platform stack/.test(e.message),
        );
    });

    it("checks its services against the platform's settings: a service creating the reviewer's namespace is refused", async () => {
        await assert.rejects(
            runTeam({ services: [service("api", { namespace: "fleet-vault-auth" })] }),
            /"fleet-vault-auth" is also the reviewer namespace, which the platform creates/,
        );
    });

    it("refuses a kubeconfig whose cluster is not the platform's, before registering anything", async () => {
        await assert.rejects(
            runTeam({ services: [service("api")] }, { server: "https://127.0.0.2:6443" }),
            /refusing to deploy: this stack's kubeconfig is not the cluster whose tokens organization\/vault-k8s-auth\/fleet's Vault reviews \(API server https:\/\/127\.0\.0\.2:6443 \(the platform's: https:\/\/127\.0\.0\.1:6443\)\)/,
        );
        // Only the StackReference was read: no provider, no resource.
        assert.deepEqual(
            lastRegistered.map((r) => r.type),
            ["pulumi:pulumi:StackReference"],
        );
    });

    it("says to run the platform first when its outputs are missing", async () => {
        await assert.rejects(
            runTeam({ services: [service("api")] }, { outputs: {} }),
            /platformStack: organization\/vault-k8s-auth\/fleet has no output "authBackend"; run `pulumi up` of the platform stack first/,
        );
    });
});
