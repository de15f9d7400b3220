import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { StackOutputs, verifyService } from "../../scripts/verify/verification";
import { VaultClient } from "../../scripts/lib/vault";
import { Harness, repoDir } from "./harness";

// The real thing: the Pulumi CLI, the official kubernetes and vault plugins and the Node.js host
// built by scripts/toolchain/toolchain.sh, a local kube-apiserver with its token controller, and a real
// OpenBao, then a real Vault. Steps run in order and build on each other.

interface TestService {
    name: string;
    kind: "kv" | "kv-v2";
    writes: boolean;
    audience?: string;
}
const alpha: TestService = { name: "alpha", kind: "kv-v2", writes: false };
const bravo: TestService = { name: "bravo", kind: "kv", writes: false };
const charlie: TestService = { name: "charlie", kind: "kv-v2", writes: true };
const echo: TestService = { name: "echo", kind: "kv-v2", writes: false, audience: "vault" };
const delta: TestService = { name: "delta", kind: "kv-v2", writes: false };
const matrix = [alpha, bravo, charlie];
const base = [...matrix, echo];
/** The kv-v2 API prefixes a logical path lives under; a deny must reach every one. */
const kvV2Prefixes = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"];

const serviceConfig = (s: TestService) => ({
    name: s.name,
    namespace: s.name,
    createNamespace: true,
    mount: { path: s.name, type: s.kind },
    rules: [
        { path: `${s.name}/*`, capabilities: s.writes ? ["create", "read", "update", "list"] : ["read", "list"] },
        ...(s === charlie ? [{ path: "charlie/locked", capabilities: ["deny"] }] : []),
    ],
    tokenTtl: "10m",
    tokenMaxTtl: "1h",
    ...(s.audience ? { audience: s.audience } : {}),
});
/** Where a service's probe secret lives, as the HTTP API addresses it. */
const secretPath = (s: TestService, key = "probe") => (s.kind === "kv-v2" ? `${s.name}/data/${key}` : `${s.name}/${key}`);
const secretBody = (s: TestService, owner: string) => (s.kind === "kv-v2" ? { data: { owner } } : { owner });
const ownerOf = (s: TestService, body: any) => (s.kind === "kv-v2" ? body.data?.data?.owner : body.data?.owner);
const nameOf = (urn: string) => urn.split("::").pop()!;
/** The resources a preview would change (a replacement's several steps count once). */
const changedResources = (steps: { op: string; urn: string }[]) => [
    ...new Set(steps.filter((s) => !["same", "read", "refresh"].includes(s.op)).map((s) => nameOf(s.urn))),
];

// Both servers by default; VAULT_K8S_AUTH_IT_SERVERS=openbao narrows a local run to one.
const servers = (process.env.VAULT_K8S_AUTH_IT_SERVERS ?? "openbao,vault").split(",") as ("openbao" | "vault")[];
for (const server of servers) {
    describe(`end to end on ${server === "openbao" ? "OpenBao 2.6.2" : "Vault 1.14.1"}`, { timeout: 60 * 60 * 1000 }, () => {
        const stack = `it-${process.pid}-${server}`;
        const faultStack = `${stack}-nocontroller`;
        const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-${server}`));
        /** Extra stack config on top of the services, changed step by step. */
        let extra: Record<string, unknown> = {};
        let configured: TestService[] = [];
        const configure = (services: TestService[], more: Record<string, unknown> = {}) => {
            extra = more;
            configured = services;
            h.writeStackConfig(stack, { ...extra, services: services.map(serviceConfig) });
        };
        /** What `verify` holds Vault to: the services' rules as this test configured them. */
        const rulesConfig = () => ({ services: configured.map(serviceConfig) });
        const outputs = () => JSON.parse(h.pulumiOk("stack", "output", "--json", "--stack", stack).stdout) as StackOutputs;
        const previewSteps = (...flags: string[]) => {
            const run = h.pulumiOk("preview", "--json", "--stack", stack, ...flags);
            return (JSON.parse(run.stdout).steps ?? []) as { op: string; urn: string; detailedDiff?: Record<string, unknown> }[];
        };
        const up = (...flags: string[]) => h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack, ...flags);
        const login = async (name: string, audience?: string): Promise<VaultClient> => {
            const o = outputs().serviceAccess[name];
            const jwt = await h.issueJwt(o.namespace, o.serviceAccountName, audience ?? o.audience);
            const { token } = await h.vaultAdmin().kubernetesLogin("kubernetes", o.roleName, jwt);
            return h.vaultAdmin().withToken(token);
        };
        /** Every service of the stack logs in for real (and its token is revoked again). */
        const everyServiceLogsIn = async () => {
            for (const name of Object.keys(outputs().serviceAccess)) await (await login(name)).revokeSelf();
        };
        const pki = (file: string) => path.join(h.localDir, "env-state", "pki", file);

        before(() => {
            h.start(server);
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

        it("the official plugins, the 3.248 language host and the named server are the ones running", async () => {
            const health = await h.vaultAdmin().request("GET", "sys/health");
            assert.equal(health.body.version, server === "openbao" ? "2.6.2" : "1.14.1", JSON.stringify(health.body));
            const plugins = h.pulumiOk("plugin", "ls").stdout;
            assert.match(plugins, /^vault\s+resource\s+7\.8\.0\b/m);
            assert.match(plugins, /^kubernetes\s+resource\s+4\.25\.0\b/m);
            const about = h.pulumiOk("about", "--stack", stack).stdout;
            assert.match(about, /language\s+nodejs\s+3\.248\.0/);
        });

        it("previews a new stack as the guide's resources, all to be created", () => {
            const creates = previewSteps().filter((s) => s.op === "create");
            const types = creates.map((s) => s.urn.split("::")[2].split("$").pop());
            const count = (t: string) => types.filter((x) => x === t).length;
            for (const t of [
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                "kubernetes:core/v1:Secret",
                "vault:index/authBackend:AuthBackend",
                "vault:kubernetes/authBackendConfig:AuthBackendConfig",
            ]) {
                assert.equal(count(t), 1, t);
            }
            for (const t of ["vault:index/policy:Policy", "vault:kubernetes/authBackendRole:AuthBackendRole", "vault:index/mount:Mount"]) {
                assert.equal(count(t), base.length, t);
            }
            assert.equal(count("kubernetes:core/v1:ServiceAccount"), base.length + 1);
        });

        it("`pulumi up` succeeds and every service passes verification", async () => {
            up();
            const o = outputs();
            for (const s of base) {
                const checks = await verifyService(s.name, o, rulesConfig(), h.vaultAdmin(), (ns, sa, aud) => h.issueJwt(ns, sa, aud));
                assert.ok(
                    checks.every((c) => c.ok),
                    checks.map((c) => c.text).join("\n"),
                );
            }
        });

        it("`preview --refresh --expect-no-changes` after a clean up reports no change", () => {
            h.pulumiOk("preview", "--refresh", "--expect-no-changes", "--stack", stack);
        });

        it("a config mistake stops `up` before any change, naming the field and the fix, without a stack trace", () => {
            const kept = configured;
            h.writeStackConfig(stack, {
                ...extra,
                services: [...kept.map(serviceConfig), { ...serviceConfig(delta), tokenType: "servise" }],
            });
            const run = h.pulumi("up", "--yes", "--skip-preview", "--stack", stack);
            assert.notEqual(run.code, 0);
            const out = run.stdout + run.stderr;
            assert.match(out, /services\[4\]\.tokenType: "servise" is not a Vault token type; use one of default, service/);
            assert.doesNotMatch(out, /at parseStackConfig|config\.ts:\d+/);
            configure(kept, extra);
            h.pulumiOk("preview", "--expect-no-changes", "--stack", stack);
        });

        it("each service reads its own secret and is denied every other service's, and ungranted writes (N×N)", async () => {
            const admin = h.vaultAdmin();
            for (const s of matrix)
                assert.ok([200, 204].includes((await admin.request("POST", secretPath(s), secretBody(s, s.name))).status));
            for (const me of matrix) {
                const client = await login(me.name);
                for (const other of matrix) {
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

        it("a kv-v2 deny really denies, on every API prefix", async () => {
            const admin = h.vaultAdmin();
            assert.ok([200, 204].includes((await admin.request("POST", "charlie/data/locked", { data: { x: "1" } })).status));
            const client = await login("charlie");
            const paths = kvV2Prefixes.map((p) => `charlie/${p}/locked`);
            const caps = await client.capabilitiesSelf(paths);
            for (const p of paths) assert.deepEqual(caps[p], ["deny"], p);
            assert.equal((await client.request("GET", "charlie/data/locked")).status, 403);
            assert.equal((await client.request("DELETE", "charlie/metadata/locked")).status, 403);
            assert.equal((await client.request("POST", "charlie/destroy/locked", { versions: [1] })).status, 403);
            assert.equal((await client.request("GET", "charlie/data/probe")).status, 200, "the rest of the mount stays readable");
            await client.revokeSelf();
        });

        it("a role with an audience accepts a token for that audience and refuses one without", async () => {
            await (await login("echo", "vault")).revokeSelf();
            const o = outputs().serviceAccess.echo;
            assert.match(o.loginExample, /\/var\/run\/secrets\/vault\/token/);
            const plain = await h.issueJwt(o.namespace, o.serviceAccountName, "");
            await assert.rejects(h.vaultAdmin().kubernetesLogin("kubernetes", o.roleName, plain), /HTTP (400|403)/);
        });

        it("every service still logs in after each auth-config change (host, CA bundle, issuer, disableLocalCaJwt, pemKeys)", async () => {
            const apiPort = h.env.APISERVER_PORT!;
            const otherCa = execFileSync(
                "openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=unrelated-ca", "-keyout", "/dev/null"],
                { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
            );
            const changes: [string, Record<string, unknown>][] = [
                ["kubernetesHost", { kubernetesHost: `https://localhost:${apiPort}` }],
                ["kubernetesCaCert (a bundle)", { kubernetesCaCert: fs.readFileSync(pki("ca.crt"), "utf8") + otherCa }],
                ["issuer", { issuer: "https://kubernetes.default.svc.cluster.local" }],
                ["disableLocalCaJwt", { disableLocalCaJwt: false }],
                ["pemKeys", { pemKeys: [fs.readFileSync(pki("sa.pub"), "utf8")] }],
            ];
            let config: Record<string, unknown> = {};
            for (const [field, change] of changes) {
                config = { ...config, ...change };
                configure(base, config);
                // In write-only mode a field change replaces the config: a create always sends the JWT.
                assert.deepEqual(changedResources(previewSteps()), ["kubernetes-config"], `${field}: only the auth config changes`);
                up();
                await everyServiceLogsIn().catch((e) => assert.fail(`after changing ${field}: ${(e as Error).message}`));
            }
            configure(base);
            up();
            await everyServiceLogsIn().catch((e) => assert.fail(`after resetting every field: ${(e as Error).message}`));
        });

        it("an auth config edited by hand (as `vault write …/config` does, without the JWT) is restored by `up --refresh`", async () => {
            const admin = h.vaultAdmin();
            const current = (await admin.request("GET", "auth/kubernetes/config")).body.data;
            const edit = await admin.request("POST", "auth/kubernetes/config", {
                kubernetes_host: `https://localhost:${h.env.APISERVER_PORT}`,
                kubernetes_ca_cert: current.kubernetes_ca_cert,
                disable_local_ca_jwt: true,
            });
            assert.ok([200, 204].includes(edit.status), JSON.stringify(edit.body));
            assert.deepEqual(changedResources(previewSteps("--refresh")), ["kubernetes-config"]);
            up("--refresh");
            await everyServiceLogsIn().catch((e) => assert.fail(`after repairing the drift: ${(e as Error).message}`));
            h.pulumiOk("preview", "--refresh", "--expect-no-changes", "--stack", stack);
        });

        it("in plain (non-write-only) JWT mode, config changes keep logins working too", async () => {
            configure(base, { writeOnlyReviewerJwt: false });
            up();
            await everyServiceLogsIn();
            configure(base, { writeOnlyReviewerJwt: false, kubernetesHost: `https://localhost:${h.env.APISERVER_PORT}` });
            up();
            await everyServiceLogsIn();
            configure(base);
            up();
            await everyServiceLogsIn();
        });

        it("a token regenerated inside the same Secret is re-sent on the next `up --refresh`", async () => {
            // As after a signing-key rotation: the Secret's data.token now holds another valid token.
            const fresh = await h.issueJwt("vault-auth", "vault-auth", "", "24h");
            const patch = JSON.stringify({ data: { token: Buffer.from(fresh).toString("base64") } });
            assert.equal(h.kubectl("patch", "secret", "vault-auth-token", "-n", "vault-auth", "-p", patch).code, 0);
            const steps = previewSteps("--refresh").filter((s) => s.op === "update");
            assert.ok(
                steps.some((s) => nameOf(s.urn) === "kubernetes-config" && "tokenReviewerJwtWoVersion" in (s.detailedDiff ?? {})),
                JSON.stringify(steps),
            );
            up("--refresh");
            await everyServiceLogsIn();
            h.pulumiOk("preview", "--refresh", "--expect-no-changes", "--stack", stack);
        });

        it("the provider's own arguments work: vaultAddress and vaultToken from config, vaultSkipChildToken both ways", async () => {
            const { VAULT_ADDR: address, VAULT_TOKEN: _admin, ...withoutVault } = h.env;
            // A token that may do everything but issue child tokens: the flag decides whether `up` works.
            const admin = h.vaultAdmin();
            const policy = {
                policy: 'path "*" { capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"] }\npath "auth/token/create" { capabilities = ["deny"] }',
            };
            assert.ok([200, 204].includes((await admin.request("PUT", "sys/policies/acl/no-child-tokens", policy)).status));
            const created = await admin.request("POST", "auth/token/create", {
                policies: ["no-child-tokens"],
                no_default_policy: true,
                ttl: "30m",
            });
            const token: string = created.body.auth.client_token;
            for (const skip of [false, true]) {
                configure(base, { vaultAddress: address, vaultSkipChildToken: skip });
                h.pulumiOk("config", "set", "--secret", "vaultToken", token, "--stack", stack);
                // `up` records the provider's arguments (nothing to change, so no Vault call yet); a
                // refresh then reads every resource through them, which needs the provider's client.
                const record = h.pulumiWith(withoutVault, "up", "--yes", "--skip-preview", "--stack", stack);
                assert.equal(record.code, 0, record.stdout + record.stderr);
                const refresh = h.pulumiWith(withoutVault, "preview", "--refresh", "--expect-no-changes", "--stack", stack);
                if (skip) {
                    assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
                } else {
                    assert.notEqual(
                        refresh.code,
                        0,
                        "without vaultSkipChildToken the provider asks for a child token, which this token may not",
                    );
                    assert.match(refresh.stdout + refresh.stderr, /failed to create limited child token[\s\S]*auth\/token\/create/);
                }
            }
            const state = h.pulumiOk("stack", "export", "--stack", stack).stdout;
            assert.ok(!state.includes(token), "the Vault token is encrypted in state");
            // Back to the admin token from the environment; the provider's recorded config follows on `up`.
            configure(base);
            up();
            await admin.request("POST", "auth/token/revoke", { token });
            h.pulumiOk("preview", "--refresh", "--expect-no-changes", "--stack", stack);
        });

        it("a role edited by hand is reported by `preview --refresh` and fixed by `up`", async () => {
            const admin = h.vaultAdmin();
            assert.ok([200, 204].includes((await admin.request("POST", "auth/kubernetes/role/alpha", { token_ttl: 60 })).status));
            const steps = previewSteps("--refresh").filter((s) => s.op !== "same" && s.op !== "read" && s.op !== "refresh");
            assert.deepEqual(
                steps.map((s) => `${s.op} ${nameOf(s.urn)}`),
                ["update alpha-role"],
            );
            up("--refresh");
            assert.equal((await admin.request("GET", "auth/kubernetes/role/alpha")).body.data.token_ttl, 600);
            h.pulumiOk("preview", "--refresh", "--expect-no-changes", "--stack", stack);
        });

        it("a role deleted by hand comes back with `up --refresh`", async () => {
            const admin = h.vaultAdmin();
            assert.equal((await admin.request("DELETE", "auth/kubernetes/role/alpha")).status, 204);
            up("--refresh");
            assert.equal((await admin.request("GET", "auth/kubernetes/role/alpha")).status, 200);
            await (await login("alpha")).revokeSelf();
        });

        it("adding a service changes only that service's resources", () => {
            configure([...base, delta]);
            const changed = previewSteps().filter((s) => s.op !== "same");
            assert.ok(changed.length > 0);
            for (const s of changed) assert.ok(nameOf(s.urn).startsWith("delta"), `${s.op} ${s.urn}`);
        });

        it("with Vault stopped, `up` fails clearly; once Vault is back it converges with no duplicates", async () => {
            h.script("local/env.sh", "stop-vault");
            const failed = h.pulumi("up", "--yes", "--skip-preview", "--stack", stack);
            assert.notEqual(failed.code, 0);
            assert.match(failed.stdout + failed.stderr, /connection refused|cannot reach Vault|dial tcp/i);
            h.script("local/env.sh", "start-vault");
            up();
            h.pulumiOk("preview", "--expect-no-changes", "--stack", stack);

            const admin = h.vaultAdmin();
            const mounts = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
            assert.deepEqual(
                mounts.filter((m) => m.startsWith("kubernetes")),
                ["kubernetes/"],
            );
            const roles = (await admin.request("LIST", "auth/kubernetes/role")).body.data.keys as string[];
            assert.deepEqual([...roles].sort(), [...base, delta].map((s) => s.name).sort());
            const policies = (await admin.request("LIST", "sys/policies/acl")).body.data.keys as string[];
            for (const s of [...base, delta]) assert.equal(policies.filter((p) => p === s.name).length, 1);
            const checks = await verifyService("delta", outputs(), rulesConfig(), admin, (ns, sa, aud) => h.issueJwt(ns, sa, aud));
            assert.ok(
                checks.every((c) => c.ok),
                checks.map((c) => c.text).join("\n"),
            );
        });

        it("removing a service deletes its role and policy and keeps its secrets and namespace", async () => {
            const admin = h.vaultAdmin();
            assert.equal((await admin.request("POST", secretPath(delta), secretBody(delta, "delta"))).status, 200);
            configure(base);
            const changed = previewSteps().filter((s) => s.op !== "same");
            assert.ok(changed.some((s) => s.op === "delete"));
            for (const s of changed) assert.ok(nameOf(s.urn).startsWith("delta"), `${s.op} ${s.urn}`);
            up();
            assert.equal((await admin.request("GET", "auth/kubernetes/role/delta")).status, 404);
            assert.equal((await admin.request("GET", "sys/policies/acl/delta")).status, 404);
            const kept = await admin.request("GET", secretPath(delta));
            assert.equal(kept.status, 200, "the secret outlives the service");
            assert.equal(ownerOf(delta, kept.body), "delta");
            assert.equal(h.kubectl("get", "namespace", "delta").code, 0, "the namespace outlives the service");
        });

        it("renaming a service (with formerNames) replaces and deletes nothing, and its logins still work", async () => {
            const renamed = {
                ...serviceConfig(charlie),
                name: "charlie-v2",
                formerNames: ["charlie"],
                roleName: "charlie",
                policyName: "charlie",
                serviceAccountName: "charlie",
                mount: { path: "charlie", type: "kv-v2", description: "Secrets of charlie" },
            };
            h.writeStackConfig(stack, { services: [...[alpha, bravo, echo].map(serviceConfig), renamed] });
            const steps = previewSteps();
            const moved = steps.filter((s) => ["create", "delete", "replace", "create-replacement", "delete-replaced"].includes(s.op));
            assert.deepEqual(
                moved.map((s) => `${s.op} ${nameOf(s.urn)}`),
                [],
            );
            up();
            const client = await login("charlie-v2");
            assert.equal((await client.request("GET", "charlie/data/probe")).status, 200);
            await client.revokeSelf();
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
            h.script("local/env.sh", "stop-controller");
            try {
                h.writeStackConfig(faultStack, { reviewerNamespace: "vault-auth-nc", authPath: "kubernetes-nc", services: [] });
                h.pulumiOk("stack", "init", faultStack);
                const failed = h.pulumi("up", "--yes", "--skip-preview", "--stack", faultStack);
                assert.notEqual(failed.code, 0);
                assert.match(failed.stdout + failed.stderr, /vault-auth-nc\/vault-auth-token|vault-auth-token/);
                const config = await h.vaultAdmin().request("GET", "auth/kubernetes-nc/config");
                assert.notEqual(config.status, 200, "no Vault config with an empty JWT");
            } finally {
                h.script("local/env.sh", "start-controller");
            }
            h.pulumiOk("up", "--yes", "--skip-preview", "--refresh", "--stack", faultStack);
            assert.equal((await h.vaultAdmin().request("GET", "auth/kubernetes-nc/config")).status, 200);
            h.pulumiOk("destroy", "--yes", "--skip-preview", "--stack", faultStack);
        });

        it("`destroy` removes everything but the services' data (their mounts and namespaces, kept by default)", async () => {
            h.pulumiOk("destroy", "--yes", "--skip-preview", "--stack", stack);
            const admin = h.vaultAdmin();
            const auth = Object.keys((await admin.request("GET", "sys/auth")).body.data ?? {});
            assert.ok(!auth.some((m) => m.startsWith("kubernetes")), `auth mounts: ${auth}`);
            const mounts = Object.keys((await admin.request("GET", "sys/mounts")).body.data ?? {});
            for (const s of base) assert.ok(mounts.includes(`${s.name}/`), `mount ${s.name} is kept`);
            const policies = (await admin.request("LIST", "sys/policies/acl")).body.data.keys as string[];
            assert.deepEqual(
                policies.filter((p) => [...base, delta].some((s) => s.name === p)),
                [],
            );
            const crbs = h.kubectl("get", "clusterrolebindings", "-o", "name").stdout;
            assert.doesNotMatch(crbs, /vault-token-reviewer/);
            for (const ns of ["vault-auth", "vault-auth-nc", ...base.map((s) => s.name)]) {
                const left = h.kubectl("get", "serviceaccounts,secrets", "-n", ns, "-o", "name");
                assert.ok(left.code !== 0 || !/vault-auth|alpha|bravo|charlie|echo/.test(left.stdout), `${ns}: ${left.stdout}`);
            }
        });
    });
}
