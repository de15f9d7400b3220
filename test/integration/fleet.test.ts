import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { Harness, repoDir, Run } from "./harness";

// The fleet for real: `npm run fleet` (scripts/fleet/fleet.sh, the Automation API) runs the platform
// stack and three team stacks of a copy of the example declaration (fleet/) on a local cluster and
// OpenBao, then Vault 1.14. Steps run in order and build on each other.

interface Row {
    stack: string;
    op: string;
    create: string;
    update: string;
    delete: string;
    result: string;
}

/** The final table's rows, by stack. */
function table(run: Run): Record<string, Row> {
    const lines = run.stdout.split("\n");
    const head = lines.findIndex((l) => /^stack\s+op\s+create\s+update\s+delete\s+same\s+seconds\s+result/.test(l));
    assert.ok(head >= 0, `no table in:\n${run.stdout}\n${run.stderr}`);
    const rows: Record<string, Row> = {};
    for (const l of lines.slice(head + 1)) {
        if (!l.trim()) break;
        const [stack, op, create, update, del, , , ...result] = l.trim().split(/\s+/);
        rows[stack] = { stack, op, create, update, delete: del, result: result.join(" ") };
    }
    return rows;
}

const servers = (process.env.VAULT_K8S_AUTH_IT_SERVERS ?? "openbao,vault").split(",") as ("openbao" | "vault")[];
for (const server of servers) {
    describe(`the fleet on ${server === "openbao" ? "OpenBao 2.6.2" : "Vault 1.14.1"}`, { timeout: 40 * 60 * 1000 }, () => {
        const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-fleet-${server}`));
        const dir = path.join(h.localDir, "fleet");
        const teamFile = (team: string) => path.join(dir, "teams", `${team}.yaml`);
        const readTeam = (team: string) => parse(fs.readFileSync(teamFile(team), "utf8"));
        const writeTeam = (team: string, doc: unknown) => fs.writeFileSync(teamFile(team), stringify(doc));
        const fleet = (...args: string[]) => h.fleet(...args, "--fleet", dir);
        const ok = (run: Run) => {
            assert.equal(run.code, 0, run.stdout + run.stderr);
            return run;
        };
        const vault = () => h.vaultAdmin();
        const status = async (p: string) => (await vault().request("GET", p)).status;

        before(() => {
            h.start(server);
            fs.cpSync(path.join(repoDir, "fleet"), dir, { recursive: true });
        });

        after(() => {
            h.fleet("destroy", "--prune", "--fleet", dir);
            h.stop();
            fs.rmSync(h.localDir, { recursive: true, force: true });
        });

        it("up: the platform stack first, then the three teams; fleet verify logs every service in", () => {
            const up = ok(fleet("up"));
            const rows = table(up);
            assert.deepEqual(Object.keys(rows).sort(), ["fleet", "fleet.payments", "fleet.reports", "fleet.search"]);
            for (const r of Object.values(rows)) assert.equal(r.result, "ok", r.stack);
            // No team starts before the platform stack is done: teams read its outputs.
            const at = (pattern: RegExp) => up.stdout.split("\n").findIndex((l) => pattern.test(l));
            assert.ok(at(/ fleet: up done/) < at(/ fleet\.(payments|reports|search): up started/), up.stdout);
            const verify = ok(fleet("verify"));
            assert.match(verify.stdout, /^5 passed, 0 failed \(3 stack\(s\)\)$/m);
            assert.match(
                verify.stdout,
                /✔ fleet\.payments: ledger\n {4}✔ login as ledger@ledger → role ledger: policies \[default, ledger\]/,
            );
        });

        it("one team's file changed: only that team's stack changes; --only previews that team alone", () => {
            const reports = readTeam("reports");
            reports.services[0].tokenTtl = "2h";
            writeTeam("reports", reports);
            const preview = table(ok(fleet("preview", "--only", "reports")));
            assert.deepEqual(Object.keys(preview), ["fleet.reports"]);
            assert.equal(preview["fleet.reports"].update, "1");
            const rows = table(ok(fleet("up")));
            assert.deepEqual([rows["fleet.reports"].create, rows["fleet.reports"].update, rows["fleet.reports"].delete], ["0", "1", "0"]);
            for (const s of ["fleet", "fleet.payments", "fleet.search"])
                assert.deepEqual([rows[s].create, rows[s].update, rows[s].delete], ["0", "0", "0"], s);
        });

        it("a team's bad config: that team's file named, nothing applied anywhere", async () => {
            const [payments, search] = [readTeam("payments"), readTeam("search")];
            writeTeam("payments", {
                services: [
                    ...payments.services,
                    {
                        ...payments.services[0],
                        name: "refunds",
                        namespace: "refunds",
                        mount: { path: "refunds", type: "kv-v2" },
                        rules: [{ path: "refunds/*", capabilities: ["read"] }],
                    },
                ],
            });
            writeTeam("search", {
                services: [{ ...search.services[0], rules: [{ path: "search/*", capabilities: ["reed"] }] }, search.services[1]],
            });
            const run = fleet("up");
            assert.equal(run.code, 2, run.stdout + run.stderr);
            assert.match(run.stderr, /teams\/search\.yaml: services\[0\]\.rules\[0\]\.capabilities\[0\]: "reed" is not a Vault capability/);
            assert.doesNotMatch(run.stdout, /started/);
            assert.equal(await status("auth/kubernetes-fleet/role/refunds"), 404);
            writeTeam("payments", payments);
            writeTeam("search", search);
        });

        it("two teams binding the same ServiceAccount: refused before any stack runs", async () => {
            const reports = readTeam("reports");
            const intruder = {
                name: "intruder",
                namespace: "checkout",
                serviceAccountName: "checkout",
                createServiceAccount: false,
                rules: [{ path: "reports/*", capabilities: ["read"] }],
            };
            writeTeam("reports", { services: [...reports.services, intruder] });
            const run = fleet("up");
            assert.equal(run.code, 2, run.stdout + run.stderr);
            assert.match(
                run.stderr,
                /teams\/reports\.yaml: services\[1\] \(intruder\): its binding overlaps .*teams\/payments\.yaml: services\[0\] \(checkout\)'s \(ServiceAccount "checkout" in namespace "checkout"/,
            );
            assert.equal(await status("auth/kubernetes-fleet/role/intruder"), 404);
            writeTeam("reports", reports);
        });

        it("a stack that fails mid-fleet (Vault refuses its mount): the others complete, and a re-run converges", async () => {
            // A mount Vault already holds at the path a new service of the reports team asks for.
            assert.equal((await vault().request("POST", "sys/mounts/reports-archive", { type: "kv" })).status, 204);
            const [reports, payments] = [readTeam("reports"), readTeam("payments")];
            writeTeam("reports", {
                services: [
                    ...reports.services,
                    {
                        ...reports.services[0],
                        name: "archive",
                        namespace: "archive",
                        mount: { path: "reports-archive", type: "kv" },
                        rules: [{ path: "reports-archive/*", capabilities: ["read"] }],
                    },
                ],
            });
            payments.services[1].tokenTtl = "20m";
            writeTeam("payments", payments);
            const failed = fleet("up");
            assert.equal(failed.code, 1, failed.stdout + failed.stderr);
            assert.match(failed.stdout, /^failed: fleet\.reports$/m);
            assert.match(failed.stdout, /path is already in use at reports-archive/);
            const rows = table(failed);
            assert.equal(rows["fleet.payments"].result, "ok");
            assert.equal(rows["fleet.payments"].update, "1");
            assert.match(rows["fleet.reports"].result, /^FAILED: /);
            // The operator frees the path; the same command converges.
            assert.equal((await vault().request("DELETE", "sys/mounts/reports-archive")).status, 204);
            const again = table(ok(fleet("up")));
            assert.equal(again["fleet.reports"].result, "ok");
            assert.equal(again["fleet.payments"].update, "0");
            assert.match(ok(fleet("verify")).stdout, /^6 passed, 0 failed/m);
        });

        it("a service moved from one team's file to another's in one run: the giving stack runs first, the service logs in", () => {
            // No mount or namespace of its own: those would be kept behind by the giving stack (see docs/fleet.md).
            const [reports, payments] = [readTeam("reports"), readTeam("payments")];
            const mover = {
                name: "mover",
                namespace: "reports",
                allowPathsOutsideMounts: true,
                rules: [{ path: "reports/mover/*", capabilities: ["read"] }],
            };
            writeTeam("reports", { services: [...reports.services, mover] });
            ok(fleet("up", "--only", "reports"));
            writeTeam("reports", reports);
            writeTeam("payments", { services: [...payments.services, mover] });
            const up = ok(fleet("up"));
            const at = (pattern: RegExp) => up.stdout.split("\n").findIndex((l) => pattern.test(l));
            assert.ok(at(/ fleet\.reports: up done/) < at(/ fleet\.payments: up started/), up.stdout);
            assert.match(ok(fleet("verify")).stdout, /✔ fleet\.payments: mover\n {4}✔ login as mover@reports → role mover/);
            writeTeam("payments", payments);
            ok(fleet("up"));
        });

        // One server proves it: the ordering of the switch is Pulumi's and this project's, not the server's.
        it(
            "the platform switched to jwt and back: every team stack follows in the same run, every service logs in",
            { skip: server !== "openbao" },
            async () => {
                const fleetFile = path.join(dir, "fleet.yaml");
                const declaration = fs.readFileSync(fleetFile, "utf8");
                const teams = ["payments", "reports", "search"];
                const before = Object.fromEntries(teams.map((t) => [t, readTeam(t)]));
                const passed = (run: Run) => /^(\d+) passed, 0 failed/m.exec(run.stdout)?.[1];
                const count = passed(ok(fleet("verify")));
                assert.ok(count, "verify passes before the switch");

                const jwt = parse(declaration);
                jwt.platform.config.reviewerMode = "jwt";
                fs.writeFileSync(fleetFile, stringify(jwt));
                for (const t of teams) writeTeam(t, { services: before[t].services.map((svc: object) => ({ ...svc, audience: "vault" })) });
                ok(fleet("up"));
                assert.equal((await vault().request("GET", "sys/auth")).body.data["kubernetes-fleet/"].type, "jwt");
                assert.equal(passed(ok(fleet("verify"))), count, "every service logs in in jwt mode");

                fs.writeFileSync(fleetFile, declaration);
                for (const t of teams) writeTeam(t, before[t]);
                ok(fleet("up"));
                assert.equal((await vault().request("GET", "sys/auth")).body.data["kubernetes-fleet/"].type, "kubernetes");
                assert.equal(passed(ok(fleet("verify"))), count, "and again in secret mode");
            },
        );

        it("a team removed: refused without --prune; with --prune its roles and policies go, its data stays", async () => {
            assert.equal((await vault().request("POST", "reports/probe", { owner: "reports" })).status, 204);
            fs.rmSync(teamFile("reports"));
            const refused = fleet("up");
            assert.equal(refused.code, 2, refused.stdout + refused.stderr);
            assert.match(
                refused.stderr,
                /stack\(s\) fleet\.reports of no team file in .*teams: a team was removed from the declaration\. Run with --prune/,
            );
            assert.equal(await status("auth/kubernetes-fleet/role/reports"), 200);
            const pruned = table(ok(fleet("up", "--prune")));
            assert.equal(pruned["fleet.reports"].op, "destroy");
            for (const name of ["reports", "archive"]) {
                assert.equal(await status(`auth/kubernetes-fleet/role/${name}`), 404, name);
                assert.equal(await status(`sys/policies/acl/${name}`), 404, name);
            }
            // Kept: the mount and its secret, and the namespace.
            assert.equal((await vault().request<{ data: { owner: string } }>("GET", "reports/probe")).body.data.owner, "reports");
            assert.equal(h.kubectl("get", "namespace", "reports").code, 0);
            assert.match(ok(fleet("verify")).stdout, /^4 passed, 0 failed \(2 stack\(s\)\)$/m);
        });

        it("destroy: every stack's roles, policies and the auth method go; only the kept data stays", async () => {
            const rows = table(ok(fleet("destroy")));
            assert.deepEqual(Object.keys(rows), ["fleet.payments", "fleet.search", "fleet"]);
            const auths = (await vault().request<Record<string, unknown>>("GET", "sys/auth")).body;
            assert.ok(!("kubernetes-fleet/" in ((auths as { data?: object }).data ?? auths)), JSON.stringify(auths));
            const policies = (await vault().request<{ data: { keys: string[] } }>("LIST", "sys/policies/acl")).body.data.keys;
            assert.deepEqual(
                policies.filter((p) => !["default", "root"].includes(p)),
                [],
            );
            assert.equal(h.kubectl("get", "clusterrolebinding", "vault-token-reviewer:fleet-vault-auth:vault-auth").code, 1);
            // The services' kv mounts are kept by default (deleteDataOnRemoval: false).
            const mounts = (await vault().request<{ data?: Record<string, unknown> }>("GET", "sys/mounts")).body;
            assert.ok("checkout/" in (mounts.data ?? mounts), Object.keys(mounts.data ?? mounts).join(", "));
        });
    });
}
