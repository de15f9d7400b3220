import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { devStackConfig, runProgram, writeKubeconfig } from "../support/devStack";
import { find, installMocks, parentTypes, promiseOf, Registered, secretInput, settle, testCa, testJwt, urnOf } from "../support/mocks";
import { nonEmpty } from "../support/assertions";

// The whole program, built from Pulumi.dev.yaml, under mocks: the guide's flow step by step.
describe("the dev stack", () => {
    let registered: Registered[];
    let outputs: Record<string, any>;
    let exported: Record<string, unknown>;
    const typeOf = (t: string) => registered.filter((r) => r.type === t);

    before(async () => {
        process.env.KUBECONFIG = writeKubeconfig("https://127.0.0.1:6443");
        process.env.VAULT_ADDR = "http://127.0.0.1:8200";
        registered = await installMocks();
        pulumi.runtime.setAllConfig(devStackConfig());
        exported = await runProgram();
        outputs = {};
        for (const [k, v] of Object.entries(exported)) outputs[k] = await promiseOf(pulumi.output(v));
        await settle();
    });

    it("step 1: binds vault-auth (in namespace vault-auth) to system:auth-delegator", () => {
        const [crb] = typeOf("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.equal(crb.inputs.roleRef.name, "system:auth-delegator");
        assert.deepEqual(crb.inputs.subjects, [{ kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" }]);
    });

    it("step 2: creates the token Secret of type service-account-token annotated for vault-auth", () => {
        const [secret] = typeOf("kubernetes:core/v1:Secret");
        assert.equal(secret.inputs.type, "kubernetes.io/service-account-token");
        assert.equal(secret.inputs.metadata.annotations["kubernetes.io/service-account.name"], "vault-auth");
    });

    it("step 3: mounts auth type kubernetes at kubernetes, configured from the cluster and the token Secret", () => {
        const auth = find(registered, "vault:index/authBackend:AuthBackend");
        assert.deepEqual([auth.inputs.type, auth.inputs.path], ["kubernetes", "kubernetes"]);
        const config = find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
        assert.equal(config.inputs.kubernetesHost, "https://127.0.0.1:6443");
        assert.equal(config.inputs.kubernetesCaCert, testCa);
        assert.equal(secretInput(config.inputs.tokenReviewerJwtWo), testJwt);
        assert.equal(config.inputs.disableLocalCaJwt, true);
    });

    it("step 4: one ServiceAccount, policy and role per configured service", () => {
        for (const name of ["my-app", "payments"]) {
            assert.equal(find(registered, "kubernetes:core/v1:ServiceAccount", `${name}-sa`).inputs.metadata.namespace, name);
            assert.equal(find(registered, "vault:index/policy:Policy", `${name}-policy`).inputs.name, name);
            const role = find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", `${name}-role`);
            assert.deepEqual([role.inputs.boundServiceAccountNames, role.inputs.boundServiceAccountNamespaces], [[name], [name]]);
        }
        assert.deepEqual(JSON.parse(find(registered, "vault:index/policy:Policy", "my-app-policy").inputs.policy), {
            path: { "my-app/*": { capabilities: ["read", "list"] } },
        });
        assert.equal(find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", "payments-role").inputs.tokenTtl, 900);
    });

    it("uses exactly one explicit provider per package for every resource", () => {
        assert.equal(typeOf("pulumi:providers:kubernetes").length, 1);
        assert.equal(typeOf("pulumi:providers:vault").length, 1);
        for (const r of nonEmpty(registered.filter((x) => x.custom && !x.type.startsWith("pulumi:providers")))) {
            assert.match(r.provider ?? "", new RegExp(`pulumi:providers:${r.type.split(":")[0]}::(cluster|vault)::`), r.name);
        }
    });

    it("registers every resource inside a component", () => {
        for (const r of nonEmpty(registered.filter((x) => x.custom && !x.type.startsWith("pulumi:providers")))) {
            assert.equal(parentTypes(urnOf(r.type, r.name)).length, 1, r.name);
        }
    });

    it("exports the mount, accessor and per-service names and login examples, with no secret among them", async () => {
        assert.equal(outputs.authBackend.path, "kubernetes");
        assert.equal(outputs.authBackend.accessor, find(registered, "vault:index/authBackend:AuthBackend").state.accessor);
        assert.deepEqual(Object.keys(outputs.serviceAccess), ["my-app", "payments"]);
        assert.equal(outputs.serviceAccess["my-app"].roleName, "my-app");
        assert.match(outputs.serviceAccess.payments.loginExample, /auth\/kubernetes\/login/);
        assert.doesNotMatch(JSON.stringify(outputs), new RegExp(testJwt.slice(0, 20)));
        for (const [k, v] of Object.entries(exported)) {
            assert.equal(await pulumi.isSecret(pulumi.output(v as pulumi.Input<unknown>)), false, k);
        }
    });
});
