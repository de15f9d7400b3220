import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { StackOutputs, verifyService } from "../../scripts/lib/verification";
import { VaultClient } from "../../scripts/lib/vault";
import { Harness, repoDir } from "./harness";

// The real thing: the Pulumi CLI and plugins built by scripts/toolchain.sh, a local kube-apiserver
// with its token controller, and a real Vault server. Steps run in order and build on each other.

const stack = `it-${process.pid}`;
const faultStack = `it-${process.pid}-nocontroller`;
const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}`));

interface TestService {
    name: string;
    kind: "kv" | "kv-v2";
    writes: boolean;
}
const base: TestService[] = [
    { name: "alpha", kind: "kv-v2", writes: false },
    { name: "bravo", kind: "kv", writes: false },
    { name: "charlie", kind: "kv-v2", writes: true },
];
const delta: TestService = { name: "delta", kind: "kv-v2", writes: false };

const serviceConfig = (s: TestService) => ({
    name: s.name,
    namespace: s.name,
    createNamespace: true,
    mount: { path: s.name, type: s.kind },
    rules: [{ path: `${s.name}/*`, capabilities: s.writes ? ["create", "read", "update", "list"] : ["read", "list"] }],
    tokenTtl: "10m",
    tokenMaxTtl: "1h",
});
const configure = (services: TestService[]) => h.writeStackConfig(stack, { services: services.map(serviceConfig) });
/** Where a service's probe secret lives, as the HTTP API addresses it. */
const secretPath = (s: TestService) => (s.kind === "kv-v2" ? `${s.name}/data/probe` : `${s.name}/probe`);
const secretBody = (s: TestService, owner: string) => (s.kind === "kv-v2" ? { data: { owner } } : { owner });
const ownerOf = (s: TestService, body: any) => (s.kind === "kv-v2" ? body.data?.data?.owner : body.data?.owner);

const outputs = () => JSON.parse(h.pulumiOk("stack", "output", "--json", "--stack", stack).stdout) as StackOutputs;
const previewSteps = () => {
    const run = h.pulumiOk("preview", "--json", "--stack", stack);
    return (JSON.parse(run.stdout).steps ?? []) as { op: string; urn: string }[];
};
const nameOf = (urn: string) => urn.split("::").pop()!;
const login = async (s: TestService): Promise<VaultClient> => {
    const o = outputs().serviceAccess[s.name];
    const jwt = await h.issueJwt(o.namespace, o.serviceAccount);
    const { token } = await h.vaultAdmin().kubernetesLogin("kubernetes", o.role, jwt);
    return h.vaultAdmin().withToken(token);
};

describe("end to end against a real cluster and Vault", { timeout: 60 * 60 * 1000 }, () => {
    before(() => {
        h.start();
        configure(base);
        h.pulumiOk("stack", "init", stack);
    });

    after(() => {
        for (const s of [stack, faultStack]) {
            h.pulumi("destroy", "--yes", "--stack", s);
            h.pulumi("stack", "rm", "--yes", "--force", "--stack", s);
            fs.rmSync(path.join(repoDir, `Pulumi.${s}.yaml`), { force: true });
        }
        h.stop();
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("previews a new stack as the guide's resources, all to be created", () => {
        const creates = previewSteps().filter((s) => s.op === "create");
        const types = creates.map((s) => s.urn.split("::")[2].split("$").pop());
        for (const t of [
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "kubernetes:core/v1:Secret",
            "vault:index/authBackend:AuthBackend",
            "vault:kubernetes/authBackendConfig:AuthBackendConfig",
        ]) {
            assert.equal(types.filter((x) => x === t).length, 1, t);
        }
        for (const t of ["vault:index/policy:Policy", "vault:kubernetes/authBackendRole:AuthBackendRole", "vault:index/mount:Mount"]) {
            assert.equal(types.filter((x) => x === t).length, 3, t);
        }
        assert.equal(types.filter((x) => x === "kubernetes:core/v1:ServiceAccount").length, 4);
    });

    it("`pulumi up` succeeds and every service passes verification", async () => {
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
        const o = outputs();
        for (const s of base) {
            const checks = await verifyService(s.name, o, h.vaultAdmin(), (ns, sa, aud) => h.issueJwt(ns, sa, aud));
            assert.ok(
                checks.every((c) => c.ok),
                checks.map((c) => c.text).join("\n"),
            );
        }
    });

    it("a second preview has no changes", () => {
        h.pulumiOk("preview", "--expect-no-changes", "--stack", stack);
    });

    it("each service reads its own secret and is denied every other service's, and unGranted writes (N×N)", async () => {
        const admin = h.vaultAdmin();
        for (const s of base) assert.ok([200, 204].includes((await admin.request("POST", secretPath(s), secretBody(s, s.name))).status));
        for (const me of base) {
            const client = await login(me);
            for (const other of base) {
                const read = await client.request("GET", secretPath(other));
                const write = await client.request("POST", secretPath(other), secretBody(other, me.name));
                if (other === me) {
                    assert.equal(read.status, 200, `${me.name} reads own`);
                    assert.equal(ownerOf(other, read.body), me.name);
                    assert.equal([200, 204].includes(write.status), me.writes, `${me.name} writes own: ${write.status}`);
                } else {
                    assert.equal(read.status, 403, `${me.name} reads ${other.name}`);
                    assert.equal(write.status, 403, `${me.name} writes ${other.name}`);
                }
            }
            await client.revokeSelf();
        }
    });

    it("a role deleted by hand comes back with `pulumi refresh` and `pulumi up`", async () => {
        const admin = h.vaultAdmin();
        assert.equal((await admin.request("DELETE", "auth/kubernetes/role/alpha")).status, 204);
        assert.equal((await admin.request("GET", "auth/kubernetes/role/alpha")).status, 404);
        h.pulumiOk("refresh", "--yes", "--skip-preview", "--stack", stack);
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
        assert.equal((await admin.request("GET", "auth/kubernetes/role/alpha")).status, 200);
        await (await login(base[0])).revokeSelf();
    });

    it("adding a service changes only that service's resources", () => {
        configure([...base, delta]);
        const changed = previewSteps().filter((s) => s.op !== "same");
        assert.ok(changed.length > 0);
        for (const s of changed) assert.ok(nameOf(s.urn).startsWith("delta"), `${s.op} ${s.urn}`);
    });

    it("with Vault stopped, `up` fails clearly; once Vault is back it converges with no duplicates", async () => {
        h.script("local-env.sh", "stop-vault");
        const failed = h.pulumi("up", "--yes", "--skip-preview", "--stack", stack);
        assert.notEqual(failed.code, 0);
        assert.match(failed.stdout + failed.stderr, /connection refused|cannot reach Vault|dial tcp/i);
        h.script("local-env.sh", "start-vault");
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
        h.pulumiOk("preview", "--expect-no-changes", "--stack", stack);

        const admin = h.vaultAdmin();
        const mounts = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
        assert.deepEqual(
            mounts.filter((m) => m.startsWith("kubernetes")),
            ["kubernetes/"],
        );
        const roles = (await admin.request("LIST", "auth/kubernetes/role")).body.data.keys as string[];
        assert.deepEqual([...roles].sort(), ["alpha", "bravo", "charlie", "delta"]);
        const policies = (await admin.request("LIST", "sys/policies/acl")).body.data.keys as string[];
        for (const s of [...base, delta]) assert.equal(policies.filter((p) => p === s.name).length, 1);
        const o = outputs();
        const checks = await verifyService("delta", o, admin, (ns, sa, aud) => h.issueJwt(ns, sa, aud));
        assert.ok(
            checks.every((c) => c.ok),
            checks.map((c) => c.text).join("\n"),
        );
    });

    it("removing a service changes only that service's resources", async () => {
        configure(base);
        const changed = previewSteps().filter((s) => s.op !== "same");
        assert.ok(changed.some((s) => s.op === "delete"));
        for (const s of changed) assert.ok(nameOf(s.urn).startsWith("delta"), `${s.op} ${s.urn}`);
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
        assert.equal((await h.vaultAdmin().request("GET", "auth/kubernetes/role/delta")).status, 404);
    });

    it("never shows the reviewer JWT in plain text: state, outputs, CLI output", () => {
        const secret = h.kubectl("get", "secret", "vault-auth-token", "-n", "vault-auth", "-o", "jsonpath={.data.token}");
        const jwt = Buffer.from(secret.stdout, "base64").toString("utf8");
        assert.ok(jwt.split(".").length === 3, "the reviewer JWT exists");
        const state = h.pulumiOk("stack", "export", "--stack", stack).stdout;
        const outs = h.pulumiOk("stack", "output", "--json", "--stack", stack).stdout;
        for (const [what, text] of [
            ["stack export", state],
            ["stack outputs", outs],
            ["CLI output", h.transcript.join("\n")],
        ]) {
            assert.ok(!text.includes(jwt), `${what} contains the JWT`);
            assert.ok(!text.includes(jwt.split(".")[1]), `${what} contains the JWT's payload`);
        }
    });

    it("without the token controller, `up` stops with a clear error and writes no Vault config", async () => {
        h.script("local-env.sh", "stop-controller");
        try {
            h.writeStackConfig(faultStack, { reviewerNamespace: "vault-auth-nc", authPath: "kubernetes-nc", services: [] });
            h.pulumiOk("stack", "init", faultStack);
            const failed = h.pulumi("up", "--yes", "--skip-preview", "--stack", faultStack);
            assert.notEqual(failed.code, 0);
            assert.match(failed.stdout + failed.stderr, /vault-auth-nc\/vault-auth-token|vault-auth-token/);
            const config = await h.vaultAdmin().request("GET", "auth/kubernetes-nc/config");
            assert.notEqual(config.status, 200, "no Vault config with an empty JWT");
        } finally {
            h.script("local-env.sh", "start-controller");
        }
        h.pulumiOk("up", "--yes", "--skip-preview", "--refresh", "--stack", faultStack);
        assert.equal((await h.vaultAdmin().request("GET", "auth/kubernetes-nc/config")).status, 200);
        h.pulumiOk("destroy", "--yes", "--skip-preview", "--stack", faultStack);
    });

    it("`destroy` leaves nothing of ours behind in Vault or the cluster", async () => {
        h.pulumiOk("destroy", "--yes", "--skip-preview", "--stack", stack);
        const admin = h.vaultAdmin();
        const auth = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
        assert.ok(!auth.some((m) => m.startsWith("kubernetes")), `auth mounts: ${auth}`);
        const mounts = Object.keys((await admin.request("GET", "sys/mounts")).body.data ?? {});
        for (const s of base) assert.ok(!mounts.includes(`${s.name}/`), `mount ${s.name}`);
        const policies = (await admin.request("LIST", "sys/policies/acl")).body.data.keys as string[];
        assert.deepEqual(
            policies.filter((p) => [...base, delta].some((s) => s.name === p)),
            [],
        );
        const crbs = h.kubectl("get", "clusterrolebindings", "-o", "name").stdout;
        assert.doesNotMatch(crbs, /auth-delegator/);
        for (const ns of ["vault-auth", "vault-auth-nc", ...base.map((s) => s.name)]) {
            const sa = h.kubectl("get", "serviceaccounts,secrets", "-n", ns, "-o", "name");
            assert.ok(sa.code !== 0 || !/vault-auth|alpha|bravo|charlie/.test(sa.stdout), `${ns}: ${sa.stdout}`);
        }
    });
});
