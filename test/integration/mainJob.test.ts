import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, describe, it } from "node:test";
import { repoDir } from "./harness";

// The README's main job exactly as a new user runs it: a fresh clone, `npm ci`, `npm run local:up`,
// `npm run verify`, `npm run local:down` - twice, to show it also works on a second run and after
// local:down. Nothing may be left running, and the clone's `git status` must stay clean.

const clone = fs.mkdtempSync(path.join(os.tmpdir(), "vault-k8s-auth-clone-"));
const stateDir = path.join(clone, ".local", "env-state");
// The clone has no ../shared beside it: point it at this checkout's pinned sources (only a cold
// toolchain cache reads them). KUBECONFIG/VAULT_ADDR unset: the local default, not someone's cluster.
const { KUBECONFIG: _k, VAULT_ADDR: _v, VAULT_TOKEN: _t, PULUMI_BACKEND_URL: _b, VAULT_K8S_AUTH_LOCAL_DIR: _l, ...ambient } = process.env;
const env = {
    ...ambient,
    VAULT_K8S_AUTH_VENDOR_SRC: process.env.VAULT_K8S_AUTH_VENDOR_SRC ?? path.resolve(repoDir, "..", "shared", "vendor-src"),
};

function run(cmd: string, ...args: string[]): string {
    const r = spawnSync(cmd, args, { cwd: clone, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 80 * 60 * 1000 });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed (${r.status}):\n${out.slice(-4000)}`);
    return out;
}

/** Processes started from the clone's environment that are still alive. */
function leftRunning(): string[] {
    const pids = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((f) => f.endsWith(".pid")) : [];
    const alive = pids.filter((f) => {
        try {
            process.kill(Number(fs.readFileSync(path.join(stateDir, f), "utf8")), 0);
            return true;
        } catch {
            return false;
        }
    });
    const byPath = spawnSync("pgrep", ["-af", clone], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    return [...alive, ...byPath];
}

describe("the README's main job on a fresh clone", { timeout: 90 * 60 * 1000 }, () => {
    after(() => {
        if (leftRunning().length > 0) spawnSync("bash", ["scripts/local-env.sh", "stop"], { cwd: clone, env });
        fs.rmSync(clone, { recursive: true, force: true });
    });

    it("clones and installs exactly the locked dependencies", () => {
        run("git", "clone", "--quiet", repoDir, ".");
        assert.deepEqual(
            fs.readdirSync(clone).filter((f) => f === ".local"),
            [],
            "an empty .local/",
        );
        run("npm", "ci", "--no-audit", "--no-fund");
    });

    it("`npm run local:up` brings up the dev stack and every service logs in", () => {
        const out = run("npm", "run", "local:up");
        assert.match(out, /2 passed, 0 failed/);
    });

    it("`npm run verify` works on its own", () => {
        assert.match(run("npm", "run", "verify"), /✔ my-app[\s\S]*✔ payments[\s\S]*2 passed, 0 failed/);
    });

    it("a second `npm run local:up` converges with nothing to change", () => {
        const out = run("npm", "run", "local:up");
        assert.match(out, /2 passed, 0 failed/);
        assert.doesNotMatch(out, /\+ \d+ created|~ \d+ updated|- \d+ deleted/);
    });

    it("`npm run local:down` leaves nothing running; after it, the main job works again", () => {
        run("npm", "run", "local:down");
        assert.deepEqual(leftRunning(), []);
        assert.match(run("npm", "run", "local:up"), /2 passed, 0 failed/);
        assert.match(run("npm", "run", "verify"), /2 passed, 0 failed/);
        run("npm", "run", "local:down");
        assert.deepEqual(leftRunning(), []);
    });

    it("leaves the clone's working tree clean (no salt or state written into committed files)", () => {
        assert.equal(run("git", "status", "--porcelain"), "");
    });
});
