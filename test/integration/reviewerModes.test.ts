import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { StackOutputs, verifyAuthMethod, verifyService } from "../../scripts/verify/verification";
import { Harness, repoDir } from "./harness";

// The three reviewer modes for real, on both servers: every service logs in and gets exactly its
// access, tokens are refused once their pod or account is gone (or, in jwt mode, are not, until
// they expire), a new signing key reaches Vault with the next `up`, and `up` switches modes
// secret → client-jwt → jwt → secret leaving nothing of the previous mode behind.

type Mode = "secret" | "client-jwt" | "jwt";
const services = ["alpha", "bravo"];
/** A ServiceAccount the test makes and deletes itself (the role binds it; no component owns it). */
const loose = "delta";
/** In jwt mode each role wants this audience: Vault checks signatures only. */
const jwtAudience = "vault";

const serviceConfig = (name: string, mode: Mode) => ({
    name,
    namespace: name,
    createNamespace: name !== loose,
    createServiceAccount: name !== loose,
    deleteDataOnRemoval: true,
    mount: { path: name, type: "kv-v2" },
    // bravo writes, and is denied one key: the read/write/deny matrix, as verify checks it.
    rules:
        name === "bravo"
            ? [
                  { path: "bravo/*", capabilities: ["create", "read", "update", "list"] },
                  { path: "bravo/locked", capabilities: ["deny"] },
              ]
            : [{ path: `${name}/*`, capabilities: ["read", "list"] }],
    tokenTtl: "10m",
    tokenMaxTtl: "1h",
    ...(mode === "jwt" ? { audience: jwtAudience } : {}),
});

const servers = (process.env.VAULT_K8S_AUTH_IT_SERVERS ?? "openbao,vault").split(",") as ("openbao" | "vault")[];
for (const server of servers) {
    describe(`reviewer modes on ${server === "openbao" ? "OpenBao 2.6.2" : "Vault 1.14.1"}`, { timeout: 30 * 60 * 1000 }, () => {
        const stack = `it-${process.pid}-modes-${server}`;
        const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-modes-${server}`));
        let mode: Mode = "secret";
        const config = () => ({ reviewerMode: mode, services: [...services, loose].map((s) => serviceConfig(s, mode)) });
        const outputs = () => JSON.parse(h.pulumiOk("stack", "output", "--json", "--stack", stack).stdout) as StackOutputs;
        const kubectlOk = (...args: string[]) => {
            const r = h.kubectl(...args);
            assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
            return r.stdout.trim();
        };
        const audience = () => (mode === "jwt" ? jwtAudience : "");
        /** A login of `role` with `jwt`: the Vault token (revoked again) or the server's refusal. */
        const tryLogin = async (role: string, jwt: string): Promise<{ ok: boolean; error?: string }> => {
            try {
                const { token } = await h.vaultAdmin().kubernetesLogin("kubernetes", role, jwt);
                await h.vaultAdmin().withToken(token).revokeSelf();
                return { ok: true };
            } catch (e) {
                return { ok: false, error: (e as Error).message };
            }
        };
        /** Seconds until a login with `jwt` is refused (polled every 0.5 s, at most `limit` s); undefined if never. */
        const secondsUntilRefused = async (role: string, jwt: string, limit = 60): Promise<number | undefined> => {
            const start = Date.now();
            while (Date.now() - start < limit * 1000) {
                if (!(await tryLogin(role, jwt)).ok) return (Date.now() - start) / 1000;
                await new Promise((r) => setTimeout(r, 500));
            }
            return undefined;
        };
        /**
         * `pulumi up` to `next`, while every 0.2 s a service logs in with a token for the old mode
         * and one for the new: the longest time in which neither was accepted, in seconds.
         */
        const switchTo = async (next: Mode): Promise<number> => {
            const tokens = [
                await h.issueJwt("alpha", "alpha", audience()),
                await h.issueJwt("alpha", "alpha", next === "jwt" ? jwtAudience : ""),
            ];
            mode = next;
            h.writeStackConfig(stack, config());
            const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--stack", stack], { cwd: repoDir, env: h.env });
            let output = "";
            up.stdout.on("data", (d) => (output += d));
            up.stderr.on("data", (d) => (output += d));
            const done = new Promise<number>((resolve) => up.on("close", (code) => resolve(code ?? -1)));
            let finished = false;
            void done.then(() => (finished = true));
            let lastOk = Date.now();
            let gap = 0;
            while (!finished) {
                const results = await Promise.all(tokens.map((t) => tryLogin("alpha", t)));
                if (results.some((r) => r.ok)) lastOk = Date.now();
                gap = Math.max(gap, Date.now() - lastOk);
                await new Promise((r) => setTimeout(r, 200));
            }
            h.transcript.push(output);
            assert.equal(await done, 0, `pulumi up to ${next} failed:\n${output.slice(-4000)}`);
            return gap / 1000;
        };
        const everyServiceVerifies = async () => {
            const o = outputs();
            const method = await verifyAuthMethod(o, h.vaultAdmin());
            assert.ok(method.ok, method.text);
            const rules = { services: [...services, loose].map((s) => serviceConfig(s, mode)) };
            for (const name of [...services, loose]) {
                const checks = await verifyService(name, o, rules, h.vaultAdmin(), (ns, sa, aud) => h.issueJwt(ns, sa, aud));
                assert.ok(
                    checks.every((c) => c.ok),
                    `${name}:\n${checks.map((c) => c.text).join("\n")}`,
                );
            }
            return method.text;
        };
        /** A Pending pod of `alpha` (no kubelet needed) and a token bound to it. */
        const podBoundToken = async (): Promise<{ pod: string; jwt: string }> => {
            const pod = `probe-${Date.now()}`;
            kubectlOk(
                "-n",
                "alpha",
                "run",
                pod,
                "--image=none",
                "--restart=Never",
                "--overrides",
                '{"spec":{"serviceAccountName":"alpha"}}',
            );
            const uid = kubectlOk("-n", "alpha", "get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
            const args = [
                "create",
                "token",
                "alpha",
                "-n",
                "alpha",
                "--duration=10m",
                "--bound-object-kind",
                "Pod",
                "--bound-object-name",
                pod,
            ];
            const jwt = kubectlOk(...args, "--bound-object-uid", uid, ...(audience() ? [`--audience=${audience()}`] : []));
            return { pod, jwt };
        };
        const createLooseAccount = () => kubectlOk("-n", loose, "create", "serviceaccount", loose);
        const recorded: string[] = [];
        const record = (line: string) => {
            recorded.push(line);
            console.log(`    [${server}] ${line}`);
        };
        /** Revocation as the mode has it: refused after the pod or the account is deleted, or (jwt) still accepted. */
        const revocation = async () => {
            const { pod, jwt } = await podBoundToken();
            assert.deepEqual(await tryLogin("alpha", jwt), { ok: true }, "a token bound to an existing pod logs in");
            kubectlOk("-n", "alpha", "delete", "pod", pod, "--wait=false");
            const accountJwt = await h.issueJwt(loose, loose, audience());
            assert.deepEqual(await tryLogin(loose, accountJwt), { ok: true });
            kubectlOk("-n", loose, "delete", "serviceaccount", loose);
            if (mode === "jwt") {
                // Nothing tells Vault: both stay valid until they expire (10 min here).
                await new Promise((r) => setTimeout(r, 15_000));
                assert.deepEqual(await tryLogin("alpha", jwt), { ok: true }, "jwt mode: the deleted pod's token still logs in");
                assert.deepEqual(await tryLogin(loose, accountJwt), { ok: true }, "jwt mode: the deleted account's token still logs in");
                record("jwt: 15 s after deletion the pod's and the account's tokens still log in (until they expire)");
            } else {
                const podGone = await secondsUntilRefused("alpha", jwt);
                const accountGone = await secondsUntilRefused(loose, accountJwt);
                assert.ok(podGone !== undefined, `${mode}: the deleted pod's token still logs in after 60 s`);
                assert.ok(accountGone !== undefined, `${mode}: the deleted account's token still logs in after 60 s`);
                record(
                    `${mode}: refused ${podGone.toFixed(1)} s after the pod's deletion, ${accountGone.toFixed(1)} s after the account's`,
                );
            }
            createLooseAccount();
        };

        before(() => {
            h.start(server);
            h.writeStackConfig(stack, config());
            h.pulumiOk("stack", "init", stack);
            kubectlOk("create", "namespace", loose);
            createLooseAccount();
        });

        after(() => {
            h.pulumi("destroy", "--yes", "--stack", stack);
            h.pulumi("stack", "rm", "--yes", "--force", "--stack", stack);
            fs.rmSync(path.join(repoDir, `Pulumi.${stack}.yaml`), { force: true });
            h.stop();
            fs.rmSync(h.localDir, { recursive: true, force: true });
            console.log(`    [${server}] ${recorded.join("\n    ")}`);
        });

        it("secret: every service verifies; the token Secret is in no ServiceAccount's .secrets; revoked tokens are refused", async () => {
            h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
            record(await everyServiceVerifies());
            assert.equal(kubectlOk("-n", "vault-auth", "get", "serviceaccount", "vault-auth", "-o", "jsonpath={.secrets}"), "");
            assert.match(
                kubectlOk("-n", "vault-auth", "get", "secret", "vault-auth-token", "-o", "jsonpath={.type}"),
                /service-account-token/,
            );
            await revocation();
        });

        it("client-jwt: no reviewer credential anywhere; each account may create TokenReviews and nothing more", async () => {
            record(`secret → client-jwt: logins failed for at most ${(await switchTo("client-jwt")).toFixed(1)} s during the up`);
            record(await everyServiceVerifies());
            // Nothing of the secret mode is left: the Secret, the account and the auth-delegator binding.
            assert.match(h.kubectl("-n", "vault-auth", "get", "secret", "vault-auth-token").stderr, /NotFound/);
            assert.match(h.kubectl("-n", "vault-auth", "get", "serviceaccount", "vault-auth").stderr, /NotFound/);
            assert.equal(kubectlOk("get", "clusterrolebinding", "-o", "name").includes("vault-token-reviewer"), false);
            const rules = JSON.parse(kubectlOk("get", "clusterrole", "vault-token-review", "-o", "jsonpath={.rules}"));
            assert.deepEqual(rules, [{ apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] }]);
            const can = (verb: string, resource: string, who: string) =>
                h.kubectl("auth", "can-i", verb, resource, "--as", `system:serviceaccount:${who}:${who}`).stdout.trim();
            for (const s of [...services, loose]) assert.equal(can("create", "tokenreviews.authentication.k8s.io", s), "yes", s);
            assert.equal(can("create", "subjectaccessreviews.authorization.k8s.io", "alpha"), "no");
            await revocation();
            // Over 10 s after the up deleted the reviewer's Secret (past the API server's token cache), its
            // JWT is void: that logins still pass shows Vault holds none, also where it does not say so (Vault 1.14).
            await everyServiceVerifies();
        });

        it("jwt: signatures only; deleted pods' and accounts' tokens stay valid until they expire; a new signing key logs in after `up`", async () => {
            record(`client-jwt → jwt: logins failed for at most ${(await switchTo("jwt")).toFixed(1)} s during the up`);
            record(await everyServiceVerifies());
            const config = (await h.vaultAdmin().request("GET", "auth/kubernetes/config")).body.data;
            assert.equal(config.kubernetes_host, undefined, "jwt mode: Vault holds no API server address");
            assert.equal(kubectlOk("get", "clusterrole,clusterrolebinding", "-l", "app.kubernetes.io/component", "-o", "name"), "");
            // A token for the API server's own audience is refused: the role wants "vault".
            assert.equal((await tryLogin("alpha", await h.issueJwt("alpha", "alpha"))).ok, false);
            await revocation();

            const before = await h.issueJwt("alpha", "alpha", jwtAudience, "30m");
            h.script("local/env.sh", "rotate-sa-key");
            const after = await h.issueJwt("alpha", "alpha", jwtAudience);
            const refused = await tryLogin("alpha", after);
            assert.equal(refused.ok, false, "a token signed with a key Vault does not know yet is refused");
            h.pulumiOk("up", "--yes", "--skip-preview", "--stack", stack);
            assert.deepEqual(await tryLogin("alpha", after), { ok: true }, "after `up` the new key's tokens log in");
            assert.deepEqual(await tryLogin("alpha", before), { ok: true }, "and the old key's, while the cluster still publishes it");
            record(`key rotation: before \`up\`: ${refused.error?.split("\n").pop()}; after: both keys' tokens log in`);
        });

        it("back to secret: the jwt method and the TokenReview role are gone, and the reviewer JWT is in no output, state or log", async () => {
            record(`jwt → secret: logins failed for at most ${(await switchTo("secret")).toFixed(1)} s during the up`);
            record(await everyServiceVerifies());
            assert.match(h.kubectl("get", "clusterrole", "vault-token-review").stderr, /NotFound/);
            const jwt = Buffer.from(
                kubectlOk("-n", "vault-auth", "get", "secret", "vault-auth-token", "-o", "jsonpath={.data.token}"),
                "base64",
            ).toString();
            assert.ok(jwt.length > 100);
            const state = h.pulumiOk("stack", "export", "--stack", stack).stdout;
            for (const text of [state, ...h.transcript]) assert.equal(text.includes(jwt), false, "the reviewer JWT leaked");
        });
    });
}
