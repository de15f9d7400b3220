import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { check, checkStack, StackResource, urnOf } from "../../support/policyPackHarness";
import { messages, policyNames, types } from "../../support/policyPackFixtures";

// policy/rules/reviewerBinding.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

const reviewerBinding = (over: Record<string, unknown> = {}) => ({
    metadata: { name: "vault-auth-vault-auth-auth-delegator" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
    subjects: [{ kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" }],
    ...over,
});

describe("k8s-reviewer-binding-scope", () => {
    it("passes the reviewer bound alone to system:auth-delegator, even with names unknown at preview", async () => {
        assert.deepEqual(await check(types.binding, reviewerBinding()), []);
        const preview = reviewerBinding({
            metadata: { name: unknownValue },
            subjects: [{ kind: "ServiceAccount", name: unknownValue, namespace: unknownValue }],
        });
        assert.deepEqual(await check(types.binding, preview, { name: "reviewer-auth-delegator" }), []);
    });

    it("leaves bindings that are not the reviewer's alone", async () => {
        const admin = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" };
        const ops = { metadata: { name: "ops-admin" }, roleRef: admin, subjects: [{ kind: "Group", name: "ops" }] };
        assert.deepEqual(await check(types.binding, ops, { name: "ops-admin" }), []);
        const ci = {
            metadata: { name: "ci-deployer" },
            roleRef: admin,
            subjects: [{ kind: "ServiceAccount", name: "ci", namespace: "ci" }],
        };
        assert.deepEqual(await check(types.binding, ci, { name: "ci-deployer" }), []);
    });

    it("leaves client-jwt's token-review bindings alone (their own ClusterRole, any number of service accounts)", async () => {
        const tokenReview = {
            metadata: { labels: { "app.kubernetes.io/component": "vault-token-review" } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "vault-token-review" },
            subjects: [
                { kind: "ServiceAccount", name: "my-app", namespace: "my-app" },
                { kind: "ServiceAccount", name: "my-app", namespace: "my-app-canary" },
            ],
        };
        assert.deepEqual(await check(types.binding, tokenReview, { name: "my-app-token-review" }), []);
    });

    it("rejects system:auth-delegator bound to more than one subject", async () => {
        const binding = reviewerBinding({
            subjects: [
                { kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" },
                { kind: "Group", name: "system:serviceaccounts" },
            ],
        });
        assert.deepEqual(await check(types.binding, binding), [
            {
                policy: "k8s-reviewer-binding-scope",
                message:
                    'ClusterRoleBinding "vault-auth-vault-auth-auth-delegator" is the Vault token reviewer\'s binding (it binds system:auth-delegator) ' +
                    "but has 2 subjects (ServiceAccount vault-auth/vault-auth, Group system:serviceaccounts). " +
                    "Bind exactly one ServiceAccount, the one whose JWT Vault holds; give every other account its own binding.",
            },
        ]);
    });

    it("rejects the labelled reviewer binding bound to another role", async () => {
        const binding = reviewerBinding({
            metadata: { name: "vault-reviewer", labels: { "app.kubernetes.io/component": "vault-token-reviewer" } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        });
        assert.deepEqual(messages(await check(types.binding, binding)), [
            'ClusterRoleBinding "vault-reviewer" is the Vault token reviewer\'s binding (it is labelled ' +
                'app.kubernetes.io/component=vault-token-reviewer) but binds ClusterRole "cluster-admin". The reviewer needs only ' +
                'TokenReview and SubjectAccessReview: set roleRef to ClusterRole "system:auth-delegator" and grant anything else ' +
                "through a separate binding for a separate account.",
        ]);
    });

    it("rejects a binding named as the reviewer's that binds another role and extra subjects", async () => {
        const binding = reviewerBinding({
            metadata: { name: unknownValue },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
            subjects: [
                { kind: "ServiceAccount", name: "vault-auth", namespace: "vault-auth" },
                { kind: "ServiceAccount", name: "other", namespace: "vault-auth" },
            ],
        });
        const violations = await check(types.binding, binding, { name: "reviewer-auth-delegator" });
        assert.deepEqual(policyNames(violations), ["k8s-reviewer-binding-scope", "k8s-reviewer-binding-scope"]);
        assert.match(
            violations[0].message,
            /^ClusterRoleBinding "reviewer-auth-delegator" .*\(its name "reviewer-auth-delegator" marks it .* binds ClusterRole "view"\./,
        );
        assert.match(violations[1].message, /has 2 subjects \(ServiceAccount vault-auth\/vault-auth, ServiceAccount vault-auth\/other\)/);
    });
});

describe("k8s-reviewer-binding-scope over the stack (bindings of a labelled ServiceAccount)", () => {
    const account = (name: string, namespace: string, labels?: Record<string, string>): StackResource => ({
        type: types.serviceAccount,
        name,
        props: { metadata: { name, namespace, ...(labels ? { labels } : {}) } },
    });
    const binding = (name: string, role: string, subjects: { name: string; namespace: string }[]): StackResource => ({
        type: types.binding,
        name,
        props: {
            metadata: { name },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
            subjects: subjects.map((s) => ({ kind: "ServiceAccount", ...s })),
        },
    });
    const label = { "app.kubernetes.io/component": "vault-token-reviewer" };

    it("rejects a binding of the labelled reviewer account to another role, naming the binding", async () => {
        const violations = await checkStack([
            account("vault-reviewer", "platform", label),
            binding("reviewer-view", "view", [{ name: "vault-reviewer", namespace: "platform" }]),
        ]);
        assert.deepEqual(violations, [
            {
                policy: "k8s-reviewer-binding-scope",
                urn: urnOf(types.binding, "reviewer-view"),
                message:
                    'ClusterRoleBinding "reviewer-view" is the Vault token reviewer\'s binding (its subject ServiceAccount platform/vault-reviewer ' +
                    'is labelled app.kubernetes.io/component=vault-token-reviewer) but binds ClusterRole "view". The reviewer needs only ' +
                    'TokenReview and SubjectAccessReview: set roleRef to ClusterRole "system:auth-delegator" and grant anything else ' +
                    "through a separate binding for a separate account.",
            },
        ]);
    });

    it("leaves bindings of unlabelled accounts alone, and does not repeat the per-resource findings", async () => {
        const twoSubjects = [
            { name: "vault-reviewer", namespace: "platform" },
            { name: "ci", namespace: "ci" },
        ];
        assert.deepEqual(
            await checkStack([
                account("vault-reviewer", "platform", label),
                account("ci", "ci"),
                binding("ci-admin", "cluster-admin", [{ name: "ci", namespace: "ci" }]),
                binding("reviewer-auth-delegator", "system:auth-delegator", twoSubjects),
                binding("other-ns", "view", [{ name: "vault-reviewer", namespace: "elsewhere" }]),
            ]),
            [],
        );
        assert.equal(
            (await check(types.binding, binding("reviewer-auth-delegator", "system:auth-delegator", twoSubjects).props)).length,
            1,
        );
    });
});
