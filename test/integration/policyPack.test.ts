import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import { Harness, repoDir } from "./harness";

// The policy pack in a real `pulumi preview --policy-pack` / `pulumi up --policy-pack`, in a local
// environment: the dev stack passes; a program written without the stack's own validation fails
// with the rules' messages, and nothing of it is applied.

const policyPack = path.join(repoDir, "policy");
const unsafeDir = path.join(repoDir, "test", "fixtures", "unsafe-stack");

describe("the policy pack in real previews", { timeout: 30 * 60 * 1000 }, () => {
    const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-policy`));
    const devStack = `it-${process.pid}-policy-dev`;
    const unsafeStack = `it-${process.pid}-policy-unsafe`;

    before(() => {
        h.start("openbao");
        const dev = fs.readFileSync(path.join(repoDir, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(path.join(repoDir, `Pulumi.${devStack}.yaml`), dev);
        h.pulumiOk("stack", "init", devStack);
        h.pulumiIn(unsafeDir, "stack", "init", unsafeStack);
    });

    after(() => {
        h.pulumi("stack", "rm", "--yes", "--force", "--stack", devStack);
        h.pulumiIn(unsafeDir, "destroy", "--yes", "--stack", unsafeStack);
        h.pulumiIn(unsafeDir, "stack", "rm", "--yes", "--force", "--stack", unsafeStack);
        fs.rmSync(path.join(repoDir, `Pulumi.${devStack}.yaml`), { force: true });
        fs.rmSync(path.join(unsafeDir, `Pulumi.${unsafeStack}.yaml`), { force: true });
        h.stop();
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("passes the dev stack, also with the example policy config (docs/pull-request-checks.md's command)", () => {
        for (const config of [[], ["--policy-pack-config", path.join(policyPack, "config.example.json")]]) {
            const run = h.pulumiOk("preview", "--stack", devStack, "--policy-pack", policyPack, ...config);
            assert.match(run.stdout + run.stderr, /vault-k8s-auth/);
            assert.doesNotMatch(run.stdout + run.stderr, /mandatory|can't run/i);
        }
    });

    it("fails an unsafe program with every rule's message (what is wrong and the fix), and `up` applies nothing", async () => {
        const preview = h.pulumiIn(unsafeDir, "preview", "--stack", unsafeStack, "--policy-pack", policyPack);
        // The CLI may wrap long messages: compare with whitespace collapsed.
        const out = (preview.stdout + preview.stderr).replace(/\s+/g, " ");
        assert.notEqual(preview.code, 0, out);
        for (const [rule, messages] of Object.entries(unsafeStackViolations)) {
            assert.ok(out.includes(`[mandatory] ${rule} (`), `${rule} not reported as mandatory:\n${out}`);
            for (const message of messages) assert.ok(out.includes(message), `${rule}: message not found: ${message}\n${out}`);
        }
        assert.deepEqual(Object.keys(unsafeStackViolations).sort(), policyNames.sort(), "every rule of the pack is violated");

        const up = h.pulumiIn(unsafeDir, "up", "--yes", "--stack", unsafeStack, "--policy-pack", policyPack);
        assert.notEqual(up.code, 0);
        const admin = h.vaultAdmin();
        for (const policy of ["root-ish", "unsafe-payments-kv-style", "unsafe-payments-wrong-endpoints"]) {
            assert.equal((await admin.request("GET", `sys/policies/acl/${policy}`)).status, 404, `the policy ${policy} was not written`);
        }
        assert.equal((await admin.request("GET", "auth/unsafe-k8s/role/anyone")).status, 404, "the role was not written");
        const authMounts = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
        assert.ok(!authMounts.includes("unsafe-k8s/"), "not even the resources without violations");
        const mounts = Object.keys((await admin.request("GET", "sys/mounts")).body.data ?? {});
        assert.ok(!mounts.includes("unsafe-payments/"), "the kv-v2 mount was not created");
        for (const object of [
            ["serviceaccount", "unsafe-reviewer", "-n", "default"],
            ["clusterrolebinding", "unsafe-delegator-two-subjects"],
            ["clusterrolebinding", "unsafe-reviewer-view"],
        ]) {
            const get = h.kubectl("get", ...object);
            assert.notEqual(get.code, 0, `${object.join(" ")} exists`);
            assert.match(get.stderr, /NotFound/, object.join(" "));
        }
    });
});

/** Every rule of the pack, from the pack itself: a rule added there must be violated here too. */
const policyNames = policies.map((p) => p.name);

/** What test/fixtures/unsafe-stack violates, rule by rule, in the messages the preview must show. */
const unsafeStackViolations: Record<string, string[]> = {
    "vault-role-bound-service-accounts": [
        'boundServiceAccountNames contains "*": any matching ServiceAccount in the bound namespaces could log in and receive ' +
            "this role's policies. List the service's own ServiceAccount name(s) instead.",
        'boundServiceAccountNamespaces contains "*": a ServiceAccount with a bound name in any matching namespace ' +
            "(including namespaces created later) could log in. List the service's namespace(s) instead.",
    ],
    "vault-role-token-ttl": [
        "tokenTtl is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). " +
            "Set tokenTtl to the shortest lifetime the service needs, at most 86400s.",
        "tokenMaxTtl is not set (or 0), so tokens fall back to Vault's default lifetime (768h unless the mount says otherwise). " +
            "Set tokenMaxTtl to the shortest lifetime the service needs, at most 604800s.",
    ],
    "vault-policy-no-privileged-paths": [
        `path "sys/*" grants "sudo", which unlocks Vault's root-protected endpoints. Remove "sudo"; a service's policy never needs it.`,
        `path "sys/*" grants "read", "sudo", and it is on Vault's own sys/ API: a token with this policy could act on Vault's auth ` +
            `methods, policies, mounts or identities. Remove the stanza, narrow the path to the service's own secrets, or set its ` +
            `capabilities to ["deny"].`,
    ],
    "vault-auth-config-reviewer": [
        "kubernetesCaCert is not set, so Vault cannot pin the API server it sends TokenReview requests to. " +
            "Set kubernetesCaCert to the API server's PEM CA (e.g. the kubeconfig's certificate-authority-data, base64-decoded).",
        "tokenReviewerJwt is set but not listed in additionalSecretOutputs, so nothing guarantees it is encrypted in state " +
            "(a policy pack cannot see an input's secret flag). Pass the JWT as tokenReviewerJwtWo with a tokenReviewerJwtWoVersion, " +
            'or wrap it in pulumi.secret() and add additionalSecretOutputs: ["tokenReviewerJwt"].',
    ],
    "k8s-reviewer-binding-scope": [
        'ClusterRoleBinding "unsafe-delegator-two-subjects" is the Vault token reviewer\'s binding (it binds system:auth-delegator) ' +
            "but has 2 subjects (ServiceAccount default/unsafe-reviewer, Group system:serviceaccounts). " +
            "Bind exactly one ServiceAccount, the one whose JWT Vault holds; give every other account its own binding.",
        'ClusterRoleBinding "unsafe-reviewer-view" is the Vault token reviewer\'s binding (its subject ServiceAccount ' +
            "default/unsafe-reviewer is labelled app.kubernetes.io/component=vault-token-reviewer) but binds ClusterRole " +
            '"view". The reviewer needs only TokenReview and SubjectAccessReview: set roleRef to ClusterRole ' +
            '"system:auth-delegator" and grant anything else through a separate binding for a separate account.',
    ],
    "vault-jwt-role-scope": [
        "boundAudiences is empty. Every projected Kubernetes token carries an audience, and Vault refuses such a token when the role " +
            "binds none, so this role admits only tokens without one: legacy token Secrets, which never expire.",
        "boundSubject is not set and boundClaims does not bind",
        "so the token of any ServiceAccount in any namespace could log in with a token for the bound audience",
        "tokenMaxTtl is 86400s, above the 3600s allowed for jwt roles. With the jwt method Vault cannot learn that a pod or " +
            "ServiceAccount was deleted",
    ],
    "vault-policy-kv-v2-paths": [
        'path "unsafe-payments/data/app/*" grants only "list", but on a kv-v2 mount Vault checks list on ' +
            "unsafe-payments/metadata/..., never on data/, so this stanza matches nothing. " +
            'Grant "list" on path "unsafe-payments/metadata/app/*" instead.',
        'path "unsafe-payments/app/config" is on kv-v2 mount "unsafe-payments" (a kv-v2 Mount in this stack), where ' +
            "Vault checks only API paths (unsafe-payments/data/..., unsafe-payments/metadata/..., ...), so this stanza matches " +
            'nothing and its "read" neither grant nor deny. Write the API paths instead: "read" on "unsafe-payments/data/app/config".',
        'path "unsafe-payments/*" is on kv-v2 mount "unsafe-payments" (a kv-v2 Mount in this stack) but names no API endpoint: ' +
            '"*" matches data/, metadata/, delete/, undelete/, destroy/, subkeys/, config/ alike, so "read", "list" apply on all ' +
            "of them, not just where meant (e.g. update also destroys versions through destroy/, delete also erases every version " +
            'through metadata/). Write the API paths instead: "read" on "unsafe-payments/data/*", "list" on "unsafe-payments/metadata/*".',
    ],
};
