import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
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

    it("passes the dev stack", () => {
        const run = h.pulumiOk("preview", "--stack", devStack, "--policy-pack", policyPack);
        assert.match(run.stdout + run.stderr, /vault-k8s-auth/);
        assert.doesNotMatch(run.stdout + run.stderr, /mandatory/i);
    });

    it("fails an unsafe program with each rule's message, and `up` applies nothing", async () => {
        const preview = h.pulumiIn(unsafeDir, "preview", "--stack", unsafeStack, "--policy-pack", policyPack);
        const out = preview.stdout + preview.stderr;
        assert.notEqual(preview.code, 0, out);
        for (const rule of ["vault-role-bound-service-accounts", "vault-role-token-ttl", "vault-policy-no-privileged-paths"]) {
            assert.match(out, new RegExp(rule), rule);
        }
        const up = h.pulumiIn(unsafeDir, "up", "--yes", "--stack", unsafeStack, "--policy-pack", policyPack);
        assert.notEqual(up.code, 0);
        const admin = h.vaultAdmin();
        assert.equal((await admin.request("GET", "sys/policies/acl/root-ish")).status, 404, "the policy was not written");
        assert.equal((await admin.request("GET", "auth/unsafe-k8s/role/anyone")).status, 404, "the role was not written");
        const authMounts = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
        assert.ok(!authMounts.includes("unsafe-k8s/"), "not even the resources without violations");
    });
});
