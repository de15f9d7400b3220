import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { find, installMocks, isSecret, parentTypes, promiseOf, Registered, settle, testCa, testJwt, urnOf } from "../../support/mocks";
import { nonEmpty } from "../../support/assertions";
import { TokenReviewer } from "../../../components/tokenReviewer";
import { reviewerBindingReason, reviewerLabel } from "../../../policy/rules/reviewerBinding";

const reviewerLabels = { "app.kubernetes.io/component": "vault-token-reviewer" };

describe("TokenReviewer", () => {
    let registered: Registered[];
    let reviewer: TokenReviewer;
    const provider = () => new k8s.Provider("cluster", { kubeconfig: "{}" });

    before(async () => {
        registered = await installMocks();
        reviewer = new TokenReviewer("reviewer", {}, { providers: { kubernetes: provider() } });
        await promiseOf(reviewer.reviewerJwt);
        await settle();
    });

    it("creates the vault-auth ServiceAccount in its own namespace, not default", () => {
        assert.equal(find(registered, "kubernetes:core/v1:Namespace").inputs.metadata.name, "vault-auth");
        const sa = find(registered, "kubernetes:core/v1:ServiceAccount");
        assert.deepEqual(sa.inputs.metadata, { name: "vault-auth", namespace: "vault-auth", labels: reviewerLabels });
    });

    it("labels the ServiceAccount and its binding as the policy pack's reviewer rule recognises them", () => {
        assert.deepEqual(reviewerLabels, { [reviewerLabel.key]: reviewerLabel.value });
        const crb = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.deepEqual(crb.inputs.metadata.labels, reviewerLabels);
        assert.equal(
            reviewerBindingReason({ ...crb.inputs, roleRef: { kind: "ClusterRole", name: "view" } }, "x"),
            "it is labelled app.kubernetes.io/component=vault-token-reviewer",
        );
    });

    it("binds exactly that ServiceAccount to system:auth-delegator", () => {
        const crb = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.deepEqual(crb.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" });
        assert.deepEqual(crb.inputs.subjects, [{ kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" }]);
    });

    it("creates a service-account-token Secret annotated for the ServiceAccount", () => {
        const secret = find(registered, "kubernetes:core/v1:Secret");
        assert.equal(secret.inputs.type, "kubernetes.io/service-account-token");
        assert.deepEqual(secret.inputs.metadata.annotations, { "kubernetes.io/service-account.name": "vault-auth" });
        assert.equal(secret.inputs.metadata.name, "vault-auth-token");
    });

    it("parents every child to the component and routes them through the given provider", () => {
        for (const r of nonEmpty(registered.filter((x) => x.type.startsWith("kubernetes:") && x.name.startsWith("reviewer-")))) {
            assert.deepEqual(parentTypes(urnOf(r.type, r.name)), ["vault-k8s-auth:index:TokenReviewer"], r.name);
            assert.match(r.provider ?? "", /pulumi:providers:kubernetes::cluster::/, r.name);
        }
    });

    it("outputs the decoded JWT as a secret and the CA in clear", async () => {
        assert.equal(await promiseOf(reviewer.reviewerJwt), testJwt);
        assert.equal(await isSecret(reviewer.reviewerJwt), true);
        assert.equal(await promiseOf(reviewer.caCert), testCa);
        assert.equal(await isSecret(reviewer.caCert), false);
    });

    it("registers no JWT among its component outputs (those are stored in state as they are)", async () => {
        const registeredOutputs: Record<string, unknown>[] = [];
        const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs(o: Record<string, unknown>): void };
        const original = proto.registerOutputs;
        proto.registerOutputs = function (this: pulumi.ComponentResource, outputs: Record<string, unknown>) {
            if (this instanceof TokenReviewer) registeredOutputs.push(outputs);
            return original.call(this, outputs);
        };
        try {
            new TokenReviewer("outputs-check", {}, { providers: { kubernetes: provider() } });
        } finally {
            proto.registerOutputs = original;
        }
        await settle();
        assert.equal(registeredOutputs.length, 1);
        assert.deepEqual(Object.keys(registeredOutputs[0]).sort(), [
            "caCert",
            "clusterRoleBindingName",
            "namespace",
            "secretName",
            "serviceAccountName",
        ]);
    });

    it("names the binding so that no two (namespace, account) pairs share it", () => {
        const crb = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.equal(crb.inputs.metadata.name, "vault-token-reviewer:vault-auth:vault-auth");
    });

    it("with createNamespace: false, creates no Namespace and uses the given one", async () => {
        const before = registered.length;
        const r = new TokenReviewer("existing", { namespace: "platform", createNamespace: false, serviceAccountName: "vault-reviewer" });
        await promiseOf(r.reviewerJwt);
        const mine = registered.slice(before);
        assert.equal(mine.filter((x) => x.type === "kubernetes:core/v1:Namespace").length, 0);
        assert.deepEqual(find(mine, "kubernetes:core/v1:ServiceAccount").inputs.metadata, {
            name: "vault-reviewer",
            namespace: "platform",
            labels: reviewerLabels,
        });
    });

    it("rejects a namespace that is not DNS-1123, before registering anything", async () => {
        const before = registered.length;
        assert.throws(
            () => new TokenReviewer("bad-ns", { namespace: "Vault_Auth" }),
            /TokenReviewer "bad-ns": invalid input:\n {2}- namespace: "Vault_Auth" is not a valid Kubernetes namespace name/,
        );
        await settle();
        assert.equal(registered.length, before);
    });

    it("rejects a ServiceAccount name that is not DNS-1123", () => {
        assert.throws(
            () => new TokenReviewer("bad-sa", { serviceAccountName: "vault auth" }),
            /- serviceAccountName: "vault auth" is not a valid Kubernetes object name/,
        );
    });
});
