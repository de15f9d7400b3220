import assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { stackLocks } from "../../scripts/recover/stackLocks";
import { Harness, repoDir, Run } from "./harness";

// Team state for real: the Pulumi CLI against a PostgreSQL backend (PostgreSQL 15 from Debian's
// packages, started by `local/env.sh start --backend postgres`), the local cluster and OpenBao. Two
// runs at once, a CLI killed mid-`up`, the database stopped mid-`up`, Vault stopped mid-`destroy`,
// and a move of state from a file backend, each followed by docs/team-state.md's recovery as written.
// OpenBao only: locking and recovery are Pulumi's and this project's, not the server's.

const lockMessage =
    /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\.\n\s+postgres:\/\/\*\*\*\*:\*\*\*\*@127\.0\.0\.1:\d+\/pulumi\/\.pulumi\/locks\/organization\/vault-k8s-auth\/[\w.-]+\/[\w-]+\.json\?sslmode=disable: created by \S+ \(pid \d+\)/;

/** A run of the CLI in the background, and how it ended. */
interface Background {
    child: ChildProcess;
    done: Promise<Run>;
}

/** Prints the lines of `text` that match `pattern` (at most `max`), each after `label`: the evidence of a run. */
function show(label: string, text: string, pattern: RegExp, max = Infinity): void {
    const lines = text.split("\n").filter((l) => pattern.test(l));
    console.log(
        lines
            .slice(0, max)
            .map((l) => `    ${label}: ${l}`)
            .join("\n"),
    );
}

describe("team state on PostgreSQL (OpenBao 2.6.2)", { timeout: 40 * 60 * 1000 }, () => {
    const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-team`));
    const stacks = new Set<string>();
    /**
     * A team stack's config (on the platform stack's auth method, unless `own` says otherwise): n
     * services named prefix0…, each with its namespace, account, kv-v2 mount, policy and role. */
    const configure = (
        stack: string,
        prefix: string,
        n: number,
        own: Record<string, unknown> = { platformStack: "organization/vault-k8s-auth/platform" },
    ) => {
        stacks.add(stack);
        h.writeStackConfig(stack, {
            ...own,
            services: Array.from({ length: n }, (_, i) => ({
                name: `${prefix}${i}`,
                namespace: `${prefix}${i}`,
                createNamespace: true,
                deleteDataOnRemoval: true,
                mount: { path: `${prefix}${i}`, type: "kv-v2" },
                rules: [{ path: `${prefix}${i}/*`, capabilities: ["read", "list"] }],
            })),
        });
    };
    const background = (...args: string[]): Background => {
        const child = spawn("pulumi", args, { cwd: repoDir, env: h.env });
        let [stdout, stderr] = ["", ""];
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
        void done.then((r) => h.transcript.push(r.stdout, r.stderr));
        return { child, done };
    };
    const up = (stack: string) => background("up", "--yes", "--skip-preview", "--stack", stack);
    /** What Vault and the cluster hold of the services named prefix…: roles, policies, mounts, namespaces, accounts. */
    const counts = async (prefix: string, authPath = "kubernetes") => {
        const list = async (p: string) =>
            ((await h.vaultAdmin().request("LIST", p)).body.data?.keys ?? []).filter((k: string) => k.startsWith(prefix)).length;
        const mounts = Object.keys((await h.vaultAdmin().request("GET", "sys/mounts")).body.data).filter((m) =>
            m.startsWith(prefix),
        ).length;
        const kube = (kind: string) =>
            h
                .kubectl("get", kind, "-A", "-o", "name")
                .stdout.split("\n")
                .filter((l) => l.includes(`/${prefix}`)).length;
        return {
            roles: await list(`auth/${authPath}/role`),
            policies: await list("sys/policies/acl"),
            mounts,
            namespaces: kube("namespaces"),
            serviceAccounts: kube("serviceaccounts"),
        };
    };
    /** Waits until Vault holds at least `n` of the prefix's policies (a run is under way), at most 120 s. */
    const whenPolicies = async (prefix: string, n: number) => {
        for (let i = 0; i < 1200; i++) {
            if ((await counts(prefix)).policies >= n) return;
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`Vault never held ${n} policies of ${prefix}`);
    };
    /** The stack converged: its state whole (each resource once, nothing pending), each object once, and its services log in. */
    const converged = async (stack: string, prefix: string, n: number, authPath = "kubernetes") => {
        const state = JSON.parse(h.pulumiOk("stack", "export", "--stack", stack).stdout);
        const urns = state.deployment.resources.map((r: { urn: string }) => r.urn);
        assert.equal(new Set(urns).size, urns.length, "a resource is in the state twice");
        assert.deepEqual(state.deployment.pending_operations ?? [], []);
        assert.deepEqual(await counts(prefix, authPath), { roles: n, policies: n, mounts: n, namespaces: n, serviceAccounts: n });
        assert.match(h.pulumiOk("preview", "--expect-no-changes", "--stack", stack).stdout, /\d+ unchanged/);
        for (const i of [0, n - 1]) {
            const jwt = await h.issueJwt(`${prefix}${i}`, `${prefix}${i}`);
            const { token } = await h.vaultAdmin().kubernetesLogin(authPath, `${prefix}${i}`, jwt);
            await h.vaultAdmin().withToken(token).revokeSelf();
        }
    };
    /** Stops `service` of the local environment until `run` ends, then starts it again whatever happened; the run's result. */
    const whileStopped = async (service: "postgres" | "vault", run: Background): Promise<Run> => {
        h.script("local/env.sh", `stop-${service}`);
        try {
            return await run.done;
        } finally {
            // Whatever happens here, the next steps need it back.
            h.script("local/env.sh", `start-${service}`);
        }
    };
    /** docs/team-state.md's recovery, exactly as written there. */
    const recover = (stack: string) => {
        const run = h.script("recover/recover.sh", "--stack", stack);
        h.transcript.push(run.stdout, run.stderr);
        return run.stdout + run.stderr;
    };

    before(() => {
        h.start("openbao", "--backend", "postgres");
        assert.match(h.env.PULUMI_BACKEND_URL!, /^postgres:\/\/pulumi:[^@]+@127\.0\.0\.1:\d+\/pulumi\?sslmode=disable$/);
        // The platform stack: the reviewer and the auth method every other stack's services use.
        stacks.add("platform");
        h.writeStackConfig("platform", {});
        h.pulumiOk("stack", "init", "platform");
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", "platform");
    });

    after(() => {
        for (const s of [...stacks].reverse()) {
            h.pulumi("cancel", "--yes", "--stack", s);
            h.pulumi("destroy", "--yes", "--stack", s);
            h.pulumi("stack", "rm", "--yes", "--force", "--stack", s);
            fs.rmSync(path.join(repoDir, `Pulumi.${s}.yaml`), { force: true });
        }
        h.stop();
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("a second `up` of a stack while one runs: exactly one runs, the other stops at once naming the lock; the state is whole", async () => {
        configure("race", "race", 12);
        h.pulumiOk("stack", "init", "race");
        const a = up("race");
        // The second starts once the first holds the lock. (Two that take it in the same instant can
        // both stop, as seen in CI: Pulumi writes its lock, then checks for others. Neither runs twice.)
        for (let i = 0; i < 600 && (await stackLocks("race", h.env.PULUMI_BACKEND_URL)).length === 0; i++) {
            await new Promise((r) => setTimeout(r, 50));
        }
        const lost = await up("race").done;
        const won = await a.done;
        assert.equal(won.code, 0, won.stdout + won.stderr);
        assert.notEqual(lost.code, 0, "both runs ran");
        assert.match(lost.stderr, lockMessage);
        assert.doesNotMatch(lost.stdout, /created/, "the refused run changed something");
        await converged("race", "race", 12);
    });

    it("two stacks in the same backend run side by side", async () => {
        configure("side-a", "sidea", 6);
        configure("side-b", "sideb", 6);
        h.pulumiOk("stack", "init", "side-a");
        h.pulumiOk("stack", "init", "side-b");
        const runs = await Promise.all([up("side-a").done, up("side-b").done]);
        for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
        await converged("side-a", "sidea", 6);
        await converged("side-b", "sideb", 6);
    });

    it("a CLI killed mid-up: the next run names the lock left behind; `npm run recover` converges, nothing twice or missing", async () => {
        configure("crash", "crash", 30);
        h.pulumiOk("stack", "init", "crash");
        const run = up("crash");
        await whenPolicies("crash", 6);
        run.child.kill("SIGKILL");
        await run.done;
        const next = h.pulumi("up", "--yes", "--skip-preview", "--stack", "crash");
        assert.notEqual(next.code, 0);
        assert.match(next.stderr, lockMessage);
        const out = recover("crash");
        show("recover", out, /^(lock|pending create|no pending)/);
        assert.match(out, /^lock: \S+ \(pid \d+\) since /m);
        await converged("crash", "crash", 30);
    });

    it("PostgreSQL stopped mid-up: the run fails naming the state database; once it is back, `npm run recover` converges", async () => {
        configure("dbdown", "dbdown", 30);
        h.pulumiOk("stack", "init", "dbdown");
        const run = up("dbdown");
        await whenPolicies("dbdown", 2);
        const failed = await whileStopped("postgres", run);
        assert.notEqual(failed.code, 0, "the run ended before PostgreSQL stopped");
        show("the run said", failed.stdout + failed.stderr, /error/i, 2);
        assert.match(failed.stdout + failed.stderr, /postgres|state database|127\.0\.0\.1:\d+/i);
        recover("dbdown");
        await converged("dbdown", "dbdown", 30);
    });

    it("Vault stopped mid-destroy: destroy fails naming Vault; once it is back, destroy again removes everything", async () => {
        const run = background("destroy", "--yes", "--skip-preview", "--stack", "dbdown");
        for (let i = 0; i < 600 && (await counts("dbdown")).policies > 22; i++) await new Promise((r) => setTimeout(r, 50));
        const failed = await whileStopped("vault", run);
        assert.notEqual(failed.code, 0);
        assert.match(failed.stdout + failed.stderr, /127\.0\.0\.1:\d+|connection refused|vault/i);
        recover("dbdown"); // a lock or pending operation of the failed run, if any; its up is a no-op on what is left
        h.pulumiOk("destroy", "--yes", "--skip-preview", "--stack", "dbdown");
        assert.deepEqual(await counts("dbdown"), { roles: 0, policies: 0, mounts: 0, namespaces: 0, serviceAccounts: 0 });
    });

    it("a stack moved from a file backend by `stack export`/`import`: preview shows no change, its secrets decrypt", async () => {
        const fileBackend = { ...h.env, PULUMI_BACKEND_URL: `file://${path.join(h.localDir, "file-state")}` };
        fs.mkdirSync(path.join(h.localDir, "file-state"), { recursive: true });
        // A stack of its own (its reviewer and auth method): a team stack would look for its platform in the file backend.
        configure("moved", "moved", 3, { authPath: "kubernetes-moved", reviewerNamespace: "relocated-auth" });
        const kubeconfig = fs.readFileSync(h.env.KUBECONFIG!, "utf8");
        const file = (...args: string[]) => {
            const r = h.pulumiWith(fileBackend, ...args);
            assert.equal(r.code, 0, r.stdout + r.stderr);
            return r;
        };
        file("stack", "init", "moved");
        // A secret in config and in state: the cluster's kubeconfig.
        file("config", "set", "--secret", "kubeconfig", kubeconfig, "--stack", "moved");
        file("up", "--yes", "--skip-preview", "--stack", "moved");
        // docs/team-state.md's commands, as written there.
        file("stack", "export", "--stack", "moved", "--file", path.join(h.localDir, "moved.json"));
        h.pulumiOk("stack", "init", "moved");
        h.pulumiOk("stack", "import", "--stack", "moved", "--file", path.join(h.localDir, "moved.json"));
        h.pulumiOk("preview", "--expect-no-changes", "--stack", "moved");
        assert.equal(h.pulumiOk("config", "get", "kubeconfig", "--stack", "moved").stdout.trim(), kubeconfig.trim());
        // Without --preserve-config, `stack rm` would delete Pulumi.moved.yaml, which the moved stack still reads.
        file("stack", "rm", "--yes", "--force", "--preserve-config", "--stack", "moved");
        await converged("moved", "moved", 3, "kubernetes-moved");
    });

    it("secrets in Vault's transit engine: a team stack encrypted with the platform's key, by a token that may do only that", async () => {
        h.writeStackConfig("platform", { stateEncryptionKey: "team-state" });
        h.pulumiOk("up", "--yes", "--skip-preview", "--stack", "platform");
        const outputs = JSON.parse(h.pulumiOk("stack", "output", "--json", "--stack", "platform").stdout);
        assert.deepEqual(outputs.stateEncryption, { secretsProvider: "hashivault://team-state", policyName: "pulumi-state-team-state" });
        const token = async (policies: string[]) =>
            (await h.vaultAdmin().request("POST", "auth/token/create", { policies, no_default_policy: true, ttl: "1h" })).body.auth
                .client_token as string;
        const stateToken = await token(["pulumi-state-team-state"]);
        const probes = [
            "transit/encrypt/team-state",
            "transit/decrypt/team-state",
            "transit/keys/team-state",
            "transit/encrypt/other",
            "sys/mounts",
        ];
        const caps = (await h.vaultAdmin().request("POST", "sys/capabilities", { token: stateToken, paths: probes })).body.data;
        assert.deepEqual(
            probes.map((p) => caps[p]),
            [["update"], ["update"], ["deny"], ["deny"], ["deny"]],
        );
        // docs/team-state.md's commands: the secrets provider's own token (VAULT_SERVER_TOKEN) beside the vault provider's (VAULT_TOKEN).
        const withStateToken = { ...h.env, VAULT_SERVER_TOKEN: stateToken };
        const run = (...args: string[]) => {
            const r = h.pulumiWith(withStateToken, ...args);
            assert.equal(r.code, 0, r.stdout + r.stderr);
            return r;
        };
        configure("vaulted", "vaulted", 2);
        const kubeconfig = fs.readFileSync(h.env.KUBECONFIG!, "utf8");
        run("stack", "init", "vaulted", "--secrets-provider", "hashivault://team-state");
        run("config", "set", "--secret", "kubeconfig", kubeconfig, "--stack", "vaulted");
        run("up", "--yes", "--skip-preview", "--stack", "vaulted");
        const stackFile = fs.readFileSync(path.join(repoDir, "Pulumi.vaulted.yaml"), "utf8");
        assert.match(stackFile, /^secretsprovider: hashivault:\/\/team-state$/m);
        assert.match(stackFile, /^encryptedkey: /m);
        assert.doesNotMatch(stackFile, /encryptionsalt/);
        run("preview", "--expect-no-changes", "--stack", "vaulted");
        assert.equal(run("config", "get", "kubeconfig", "--stack", "vaulted").stdout.trim(), kubeconfig.trim());
        // A token without the policy decrypts nothing.
        const denied = h.pulumiWith({ ...h.env, VAULT_SERVER_TOKEN: await token(["default"]) }, "preview", "--stack", "vaulted");
        assert.notEqual(denied.code, 0);
        assert.match(denied.stdout + denied.stderr, /permission denied/);
        await converged("vaulted", "vaulted", 2);
    });

    it("keeps the password out of every output: the URL's password is masked, and it is in .local/ with mode 600", () => {
        const file = path.join(h.localDir, "postgres-password");
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        const password = fs.readFileSync(file, "utf8").trim();
        assert.ok(password.length >= 20);
        assert.ok(h.transcript.length > 0);
        for (const t of h.transcript) assert.equal(t.includes(password), false, "the database password appeared in an output");
    });
});

describe("the local default after a crash (file backend, OpenBao 2.6.2)", { timeout: 20 * 60 * 1000 }, () => {
    const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-localcrash`));
    const env = () => ({ ...process.env, ...h.env, VAULT_K8S_AUTH_LOCAL_DIR: h.localDir });

    before(() => h.start("openbao"));
    after(() => {
        h.script("local/down.sh");
        fs.rmSync(h.localDir, { recursive: true, force: true });
    });

    it("`npm run local:up` killed mid-up: running it again recovers by itself and every service verifies", async () => {
        const first = spawn("bash", [path.join(repoDir, "scripts", "local", "up.sh")], { cwd: repoDir, env: env() });
        let output = "";
        first.stdout.on("data", (d) => (output += d));
        first.stderr.on("data", (d) => (output += d));
        const ended = new Promise<number>((resolve) => first.on("close", (code) => resolve(code ?? -1)));
        // Kill the Pulumi CLI as soon as Vault holds the first of the dev stack's policies.
        for (let i = 0; i < 2400; i++) {
            const policies = (await h.vaultAdmin().request("LIST", "sys/policies/acl")).body.data?.keys ?? [];
            if (policies.includes("my-app") || policies.includes("payments")) break;
            await new Promise((r) => setTimeout(r, 25));
        }
        const killed = h.exec("pkill", ["-9", "-f", "pulumi up --yes --refresh --stack dev"], env());
        assert.equal(killed.code, 0, `no pulumi up to kill:\n${output}`);
        assert.notEqual(await ended, 0, output);
        const again = h.script("local/up.sh");
        const text = again.stdout + again.stderr;
        show("local:up again", text, /^(lock|pending create|no pending)|passed, \d+ failed/);
        assert.match(text, /^lock: \S+ \(pid \d+\) since /m);
        assert.match(text, /2 passed, 0 failed/);
    });
});
