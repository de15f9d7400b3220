import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { testCa } from "../support/mocks";
import { Harness, repoDir } from "./harness";

// Reuse across stacks: the platform stack (this program, the dev config) is deployed; a team's own
// stack (examples/team-service) reads its outputs through a StackReference (the auth mount, the
// cluster's host and CA), refuses a KUBECONFIG that targets another cluster, and adds a service,
// which logs in at the platform's auth mount.

const example = path.join(repoDir, "examples", "team-service");

describe("a team's stack reusing the platform stack through a StackReference", { timeout: 30 * 60 * 1000 }, () => {
    const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-reference`));
    const platform = `it-${process.pid}-platform`;
    const team = `it-${process.pid}-team`;

    before(() => {
        h.start("openbao");
        fs.copyFileSync(path.join(repoDir, "Pulumi.dev.yaml"), path.join(repoDir, `Pulumi.${platform}.yaml`));
        h.pulumiOk("stack", "init", platform);
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", platform);
        h.pulumiIn(example, "stack", "init", team);
        h.pulumiIn(example, "config", "set", "platformStack", `organization/vault-k8s-auth/${platform}`, "--stack", team);
    });

    after(() => {
        h.pulumiIn(example, "destroy", "--yes", "--stack", team);
        h.pulumiIn(example, "stack", "rm", "--yes", "--force", "--stack", team);
        h.pulumi("destroy", "--yes", "--stack", platform);
        h.pulumi("stack", "rm", "--yes", "--force", "--stack", platform);
        for (const f of [path.join(repoDir, `Pulumi.${platform}.yaml`), path.join(example, `Pulumi.${team}.yaml`)])
            fs.rmSync(f, { force: true });
        h.stop();
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("deploys the team's service on the platform's auth mount, and it logs in", async () => {
        const up = h.pulumiIn(example, "up", "--yes", "--skip-preview", "--stack", team);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const outputs = JSON.parse(h.pulumiIn(example, "stack", "output", "--json", "--stack", team).stdout);
        assert.match(outputs.loginExample, /\/v1\/auth\/kubernetes\/login/);
        // Host and CA as the team's stack read them from the platform stack: the cluster of KUBECONFIG.
        const platformOutputs = JSON.parse(h.pulumiOk("stack", "output", "--json", "--stack", platform).stdout);
        assert.equal(outputs.kubernetesHost, `https://127.0.0.1:${h.env.APISERVER_PORT}`);
        assert.equal(outputs.kubernetesHost, platformOutputs.authBackend.kubernetesHost);
        assert.match(outputs.kubernetesCaCert, /^-----BEGIN CERTIFICATE-----\n/);
        assert.equal(outputs.kubernetesCaCert, platformOutputs.authBackend.kubernetesCaCert);
        assert.equal(outputs.kubernetesCaCert.trim(), kubeconfigCa(h.env.KUBECONFIG!).trim());
        const jwt = await h.issueJwt("reports", "reports");
        const { policies } = await h.vaultAdmin().kubernetesLogin("kubernetes", outputs.roleName, jwt);
        assert.deepEqual(policies, ["default", "reports"]);
    });

    it("refuses a KUBECONFIG whose cluster is not the platform's: another CA, another API server", () => {
        const preview = (change: { server?: string; ca?: string }) => {
            const file = path.join(h.localDir, `kubeconfig-other-${Object.keys(change).join("-")}`);
            const doc = parse(fs.readFileSync(h.env.KUBECONFIG!, "utf8"));
            const cluster = doc.clusters[0].cluster;
            if (change.server) cluster.server = change.server;
            if (change.ca) cluster["certificate-authority-data"] = Buffer.from(change.ca).toString("base64");
            fs.writeFileSync(file, stringify(doc), { mode: 0o600 });
            const run = h.pulumiWith({ ...h.env, KUBECONFIG: file }, "preview", "--cwd", example, "--stack", team);
            assert.notEqual(run.code, 0, run.stdout + run.stderr);
            assert.match(run.stdout + run.stderr, /refusing to deploy: KUBECONFIG's current context is not the cluster whose tokens/);
            return run.stdout + run.stderr;
        };
        const otherCa = preview({ ca: testCa });
        assert.match(otherCa, /\(a different CA certificate\)/);
        const otherHost = preview({ server: "https://127.0.0.2:6443" });
        assert.match(otherHost, /\(API server https:\/\/127\.0\.0\.2:6443 \(the platform's: https:\/\/127\.0\.0\.1:\d+\)\)/);
        // Nothing of the team's stack changed: its service is still there.
        assert.equal(h.kubectl("get", "serviceaccount", "reports", "-n", "reports").code, 0);
    });
});

/** The decoded CA of a single-cluster kubeconfig (as local-env.sh writes it). */
function kubeconfigCa(file: string): string {
    const cluster = parse(fs.readFileSync(file, "utf8")).clusters[0].cluster;
    return Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8");
}
