import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, describe, it } from "node:test";
import { repoDir } from "./harness";

// The README's main job exactly as a new user runs it: a fresh clone, `npm ci`, `npm run local:up`,
// `npm run verify`, the example fleet (`npm run fleet -- up`, `verify`), `npm run local:down` -
// twice, to show it also works on a second run and after local:down. Nothing may be left running, and the clone's `git status` must stay clean.

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

/** The processes the clone's environment recorded in its pid files; read while it runs (stop removes them). */
function recordedPids(): number[] {
    const files = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((f) => f.endsWith(".pid")) : [];
    return files.map((f) => Number(fs.readFileSync(path.join(stateDir, f), "utf8")));
}

/** Which of those pids, and which processes started from the clone's folder, are still alive. */
function leftRunning(pids: number[]): string[] {
    const alive = pids.filter((pid) => {
        try {
            process.kill(pid, 0);
            return true;
        } catch {
            return false;
        }
    });
    const byPath = spawnSync("pgrep", ["-af", clone], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    return [...alive.map((pid) => `pid ${pid}`), ...byPath];
}

/**
 * The working tree as it is, tracked files with uncommitted changes included: `git stash create`
 * makes a commit of it without touching the checkout, published under a temporary ref to clone.
 */
function cloneWorkingTree(): void {
    const git = (cwd: string, ...args: string[]) => spawnSync("git", args, { cwd, encoding: "utf8" }).stdout.trim();
    const wip = git(repoDir, "stash", "create");
    run("git", "clone", "--quiet", repoDir, ".");
    if (wip === "") return;
    const ref = `refs/vault-k8s-auth-main-job/${process.pid}`;
    git(repoDir, "update-ref", ref, wip);
    try {
        run("git", "fetch", "--quiet", "origin", ref);
        run("git", "checkout", "--quiet", "--detach", wip);
    } finally {
        git(repoDir, "update-ref", "-d", ref);
    }
}

describe("the README's main job on a fresh clone", { timeout: 90 * 60 * 1000 }, () => {
    /** Every process the environment started, recorded while it ran. */
    let pids: number[] = [];
    const recordRunning = () => {
        const now = recordedPids();
        assert.ok(now.length >= 4, `etcd, kube-apiserver, kube-controller-manager and the server recorded: ${now}`);
        pids = [...pids, ...now];
    };
    after(() => {
        if (leftRunning(pids).length > 0) spawnSync("bash", ["scripts/local/env.sh", "stop"], { cwd: clone, env });
        fs.rmSync(clone, { recursive: true, force: true });
    });

    it("clones the working tree and installs exactly the locked dependencies", () => {
        cloneWorkingTree();
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
        recordRunning();
    });

    it("`npm run verify` works on its own", () => {
        assert.match(run("npm", "run", "verify"), /✔ my-app[\s\S]*✔ payments[\s\S]*2 passed, 0 failed/);
    });

    it("a second `npm run local:up` converges with nothing to change", () => {
        const out = run("npm", "run", "local:up");
        assert.match(out, /2 passed, 0 failed/);
        assert.doesNotMatch(out, /\+ \d+ created|~ \d+ updated|- \d+ deleted/);
    });

    it("the example fleet beside it: `npm run fleet -- up`, then `npm run fleet -- verify`", () => {
        assert.match(run("npm", "run", "fleet", "--", "up"), /^fleet\.search\s+up\s+\d+\s+0\s+0\s+\d+\s+[\d.]+\s+ok$/m);
        assert.match(run("npm", "run", "fleet", "--", "verify"), /^5 passed, 0 failed \(3 stack\(s\)\)$/m);
    });

    it("`npm run local:down` destroys both, leaves nothing running; after it, the main job works again", () => {
        const down = run("npm", "run", "local:down");
        assert.match(down, /fleet destroy \(platform stack fleet and its teams\)/);
        assert.deepEqual(leftRunning(pids), []);
        assert.match(run("npm", "run", "local:up"), /2 passed, 0 failed/);
        recordRunning();
        assert.match(run("npm", "run", "verify"), /2 passed, 0 failed/);
        run("npm", "run", "local:down");
        assert.deepEqual(leftRunning(pids), []);
    });

    it("`npm run local:up -- --backend postgres` keeps the dev stack in a PostgreSQL of its own; `local:down` stops that too", () => {
        const out = run("npm", "run", "local:up", "--", "--backend", "postgres");
        assert.match(out, /state in PostgreSQL 127\.0\.0\.1:\d+/);
        assert.match(out, /pulumi up \(stack dev, backend postgres\)/);
        assert.match(out, /2 passed, 0 failed/);
        recordRunning();
        assert.ok(recordedPids().length >= 5, "PostgreSQL recorded beside the cluster and the server");
        run("npm", "run", "local:down");
        assert.deepEqual(leftRunning(pids), []);
    });

    it("leaves the clone's working tree clean (no salt or state written into committed files)", () => {
        assert.equal(run("git", "status", "--porcelain"), "");
    });
});
