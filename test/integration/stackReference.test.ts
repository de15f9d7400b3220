import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { Harness, repoDir } from "./harness";

// Reuse across stacks: the platform stack (this program, the dev config) is deployed; a team's own
// stack (examples/team-service) reads its outputs through a StackReference and adds a service,
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
        assert.match(outputs.kubernetesHost, /^https:\/\/127\.0\.0\.1:\d+$/);
        const jwt = await h.issueJwt("reports", "reports");
        const { policies } = await h.vaultAdmin().kubernetesLogin("kubernetes", outputs.roleName, jwt);
        assert.deepEqual(policies, ["default", "reports"]);
    });
});
