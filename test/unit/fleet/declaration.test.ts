import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { repoDir } from "../../../scripts/lib/repo";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { FleetError, loadFleet } from "../../../scripts/fleet/declaration";

// The fleet's declaration is checked whole, across every team's file, before any stack runs; each
// problem is reported under the file and the key the user wrote.

const qualify = (s: string) => `organization/vault-k8s-auth/${s}`;
const service = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    namespace: name,
    createNamespace: true,
    mount: { path: name, type: "kv-v2" },
    rules: [{ path: `${name}/*`, capabilities: ["read"] }],
    ...extra,
});

/** Writes a fleet folder: fleet.yaml and teams/<team>.yaml (strings are written as they are). */
function fleetDir(
    teams: Record<string, unknown>,
    platform: Record<string, unknown> = { stack: "fleet", config: { authPath: "k8s" } },
): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, "teams"));
    fs.writeFileSync(path.join(dir, "fleet.yaml"), stringify({ platform }));
    for (const [team, content] of Object.entries(teams))
        fs.writeFileSync(path.join(dir, "teams", `${team}.yaml`), typeof content === "string" ? content : stringify(content));
    return dir;
}

function problems(dir: string): string[] {
    try {
        loadFleet(dir, qualify);
    } catch (e) {
        if (e instanceof FleetError) return e.problems;
        throw e;
    }
    assert.fail("the declaration was accepted");
}

const rel = (dir: string, file: string) => path.relative(process.cwd(), path.join(dir, file));

describe("the fleet declaration", () => {
    it("reads the example fleet: the platform stack and one stack per team file", () => {
        const fleet = loadFleet(path.join(repoDir, "fleet"), qualify);
        assert.equal(fleet.platform.stack, "fleet");
        assert.equal(fleet.platform.parsed.authPath, "kubernetes-fleet");
        assert.deepEqual(
            fleet.teams.map((t) => [t.stack, t.services.map((s) => s.name)]),
            [
                ["fleet.payments", ["checkout", "ledger"]],
                ["fleet.reports", ["reports"]],
                ["fleet.search", ["indexer", "query"]],
            ],
        );
    });

    it("refuses a role name used by two teams, naming both files", () => {
        const dir = fleetDir({ a: { services: [service("api")] }, b: { services: [service("web", { roleName: "api" })] } });
        assert.deepEqual(problems(dir), [
            `services[].roleName: "api" is used more than once (${rel(dir, "teams/a.yaml")}: services[0] (api), ${rel(dir, "teams/b.yaml")}: services[0] (web)); each must be unique.`,
        ]);
    });

    it("refuses a policy name used by two teams", () => {
        const dir = fleetDir({ a: { services: [service("api")] }, b: { services: [service("web", { policyName: "api" })] } });
        assert.match(problems(dir).join("\n"), /services\[\]\.policyName: "api" is used more than once/);
    });

    it("refuses two teams binding the same ServiceAccount (the overlap check, across stacks)", () => {
        const dir = fleetDir({
            a: { services: [service("api")] },
            b: {
                services: [
                    service("web", { createNamespace: false, boundServiceAccountNames: ["api"], boundServiceAccountNamespaces: ["api"] }),
                ],
            },
        });
        assert.deepEqual(problems(dir), [
            `${rel(dir, "teams/b.yaml")}: services[0] (web): its binding overlaps ${rel(dir, "teams/a.yaml")}: services[0] (api)'s (ServiceAccount "api" in namespace "api" could log in to both roles); give each service its own account, or set allowSharedServiceAccount: true on both.`,
        ]);
    });

    it("refuses two teams mounting colliding paths, and creating the same namespace", () => {
        const dir = fleetDir({
            a: { services: [service("api")] },
            b: { services: [service("web", { namespace: "api", mount: { path: "api/web" } })] },
        });
        const found = problems(dir).join("\n");
        assert.match(
            found,
            /teams\/b\.yaml: services\[0\] \(web\)\.mount\.path: "api\/web" collides with .*teams\/a\.yaml: services\[0\] \(api\)\.mount\.path "api"/,
        );
        assert.match(found, /services\[\]\.namespace \(createNamespace: true\): "api" is used more than once/);
    });

    it("reports unknown keys and bad values under the team's file, every team at once", () => {
        const dir = fleetDir({
            a: { services: [service("api", { tokenTll: 60 })] },
            b: { services: [service("web", { rules: [{ path: "web/*", capabilities: ["reed"] }] })] },
        });
        assert.deepEqual(problems(dir), [
            `${rel(dir, "teams/a.yaml")}: services[0]: unknown key(s) "tokenTll"; check the spelling against Pulumi.yaml (Vault would silently ignore a misspelt option).`,
            `${rel(dir, "teams/b.yaml")}: services[0].rules[0].capabilities[0]: "reed" is not a Vault capability; use one of create, read, update, patch, delete, list, sudo, deny, delete-versions, undelete-versions, destroy-versions, delete-metadata, read-metadata`,
        ]);
    });

    it("refuses the platform's keys and platformStack in a team's file", () => {
        const dir = fleetDir({ a: { authPath: "mine", platformStack: "x", services: [service("api")] } });
        const found = problems(dir);
        assert.ok(
            found.includes(`${rel(dir, "teams/a.yaml")}: platformStack: set by the fleet (the platform stack of fleet.yaml); remove it.`),
            found.join("\n"),
        );
        assert.ok(
            found.some((p) => p.startsWith(`${rel(dir, "teams/a.yaml")}: authPath: belongs to the platform stack`)),
            found.join("\n"),
        );
    });

    it("reports a YAML syntax error with its file, and a bad team file name", () => {
        const dir = fleetDir({ a: "services:\n  - name: [oops\n", Bad_Name: { services: [] } });
        const found = problems(dir);
        assert.ok(
            found.some((p) => p.startsWith(`${rel(dir, "teams/a.yaml")}: `)),
            found.join("\n"),
        );
        assert.ok(
            found.includes(
                `${rel(dir, "teams/Bad_Name.yaml")}: "Bad_Name" is not a team name; name the file <team>.yaml with lowercase letters, digits and "-".`,
            ),
        );
    });

    it("checks the platform's config under fleet.yaml's keys", () => {
        const dir = fleetDir({ a: { services: [service("api")] } }, { stack: "fleet", config: { authPath: "k8s", kvV2Mounts: ["k8s"] } });
        assert.deepEqual(problems(dir), [
            `${rel(dir, "fleet.yaml")}: platform.config.kvV2Mounts: "k8s" collides with authPath "k8s"; choose another path.`,
        ]);
    });
});
