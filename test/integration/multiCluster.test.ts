import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { issueServiceAccountToken } from "../../scripts/verify/serviceAccountToken";
import { Harness, repoDir } from "./harness";

// Several clusters, one Vault (examples/multi-cluster): a second API server with its own CA and
// signing key; each cluster's services log in at their own mount, and a token of one cluster is
// refused at the other's.

const example = path.join(repoDir, "examples", "multi-cluster");

describe("several clusters, one Vault", { timeout: 30 * 60 * 1000 }, () => {
    const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-clusters`));
    const stack = `it-${process.pid}-clusters`;
    let kubeconfigB = "";
    const token = (kubeconfig: string, audience?: string) =>
        issueServiceAccountToken("billing", "billing", { audience, env: { ...h.env, KUBECONFIG: kubeconfig } });
    const login = (mount: string, jwt: string) => h.vaultAdmin().kubernetesLogin(mount, "billing", jwt);

    before(() => {
        h.start("openbao");
        kubeconfigB = h.script("local/env.sh", "start-cluster", "b").stdout.trim().split("\n").pop()!;
        h.pulumiIn(example, "stack", "init", stack);
        h.pulumiIn(example, "config", "set", "clusterAKubeconfig", h.env.KUBECONFIG!, "--stack", stack);
        h.pulumiIn(example, "config", "set", "clusterBKubeconfig", kubeconfigB, "--stack", stack);
    });

    after(() => {
        h.pulumiIn(example, "destroy", "--yes", "--stack", stack);
        h.pulumiIn(example, "stack", "rm", "--yes", "--force", "--stack", stack);
        fs.rmSync(path.join(example, `Pulumi.${stack}.yaml`), { force: true });
        h.stop();
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("deploys one auth mount per cluster and one shared policy", async () => {
        const up = h.pulumiIn(example, "up", "--yes", "--skip-preview", "--stack", stack);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const admin = h.vaultAdmin();
        const mounts = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
        assert.deepEqual(mounts.filter((m) => m.startsWith("kubernetes-")).sort(), ["kubernetes-a/", "kubernetes-b/"]);
        const policies = (await admin.request("LIST", "sys/policies/acl")).body.data.keys as string[];
        assert.equal(policies.filter((p) => p === "billing").length, 1);
    });

    it("each cluster's service logs in at its own mount (A by TokenReview, B in jwt mode), with the shared policy", async () => {
        const types = (await h.vaultAdmin().request("GET", "sys/auth")).body.data;
        assert.deepEqual([types["kubernetes-a/"].type, types["kubernetes-b/"].type], ["kubernetes", "jwt"]);
        for (const [mount, kubeconfig, audience] of [
            ["kubernetes-a", h.env.KUBECONFIG!, undefined],
            ["kubernetes-b", kubeconfigB, "vault"],
        ]) {
            const { policies } = await login(mount!, token(kubeconfig!, audience));
            assert.deepEqual(policies, ["billing", "default"], mount);
        }
    });

    it("a token of cluster A is refused at cluster B's mount, and the reverse", async () => {
        // B's keys do not verify A's signature; A's API server cannot verify B's token (TokenReview: not authenticated).
        await assert.rejects(
            login("kubernetes-b", token(h.env.KUBECONFIG!, "vault")),
            /HTTP 400[\s\S]*no known key successfully validated/,
        );
        await assert.rejects(login("kubernetes-a", token(kubeconfigB)), /HTTP 403[\s\S]*permission denied/);
    });
});
