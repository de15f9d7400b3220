import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { repoDir } from "../../../scripts/lib/repo";

// scripts/toolchain/toolchain.sh's choice of what to build and in which order, run for real with its
// build functions (scripts/toolchain/build.sh) replaced by stand-ins that record when each "build"
// starts and ends. What the builds do is the integration suite's business.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-schedule-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const stubs = `
log() { printf '==> %s\\n' "$*" >&2; }
die() { printf 'error: %s\\n' "$*" >&2; exit 1; }
TOOLCHAIN_BIN=${scratch}/bin TOOLCHAIN_DIR=${scratch}
tool_source() { if [[ " \${CACHED:-} " == *" $1 "* ]]; then echo cached; else echo build; fi; }
check_sources() { true; }
# A build takes DURATION s (0.3); FAIL names one that fails at once. Cached tools only link.
build() {
    if [[ " \${CACHED:-} " == *" $1 "* ]]; then echo "link $1" >>"$EVENTS"; return 0; fi
    echo "start $1" >>"$EVENTS"
    [[ $1 != "\${FAIL:-}" ]] || return 1
    sleep "\${DURATION:-0.3}"
    echo "end $1" >>"$EVENTS"
}
cold_build_minutes() { echo 7; }
install_plugin() { echo "install $1" >>"$EVENTS"; }
npm_plugin_version() { echo 1; }
`;
const scripts = path.join(scratch, "scripts");
for (const dir of ["lib", "toolchain"]) fs.mkdirSync(path.join(scripts, dir), { recursive: true });
fs.copyFileSync(path.join(repoDir, "scripts", "toolchain", "toolchain.sh"), path.join(scripts, "toolchain", "toolchain.sh"));
fs.writeFileSync(path.join(scripts, "lib", "common.sh"), stubs);
fs.writeFileSync(path.join(scripts, "toolchain", "build.sh"), "");

let runs = 0;
function toolchain(args: string[], env: Record<string, string> = {}) {
    const events = path.join(scratch, `events-${runs++}`);
    fs.writeFileSync(events, "");
    const r = spawnSync("bash", [path.join(scripts, "toolchain", "toolchain.sh"), ...args], {
        encoding: "utf8",
        env: { ...process.env, EVENTS: events, ...env },
    });
    return { status: r.status, stderr: r.stderr, events: fs.readFileSync(events, "utf8").trim().split("\n").filter(Boolean) };
}

/** The most builds running at once, from the start/end events. */
function mostAtOnce(events: string[]): number {
    let running = 0;
    let most = 0;
    for (const e of events) {
        running += e.startsWith("start ") ? 1 : e.startsWith("end ") ? -1 : 0;
        most = Math.max(most, running);
    }
    return most;
}

describe("toolchain.sh: what it builds, and in which order", () => {
    it("main builds what local:up needs, not Vault 1.14 or the YAML host, and installs both plugins", () => {
        const r = toolchain(["main"]);
        assert.equal(r.status, 0, r.stderr);
        const built = r.events.filter((e) => e.startsWith("end ")).map((e) => e.slice(4));
        assert.deepEqual(built.sort(), ["kube", "kubernetes", "language-nodejs", "openbao", "pulumi", "vault-plugin"]);
        assert.deepEqual(
            r.events.filter((e) => e.startsWith("install ")),
            ["install kubernetes", "install vault"],
        );
        assert.match(r.stderr, /cold build of kubernetes kube pulumi openbao vault-plugin language-nodejs: about 7 min/);
    });

    it("starts a tool only after the one whose compiled packages it reuses, at most two at a time", () => {
        // Builds of 1 s: long enough that two started together overlap, even on a busy machine.
        const r = toolchain(["all"], { DURATION: "1" });
        assert.equal(r.status, 0, r.stderr);
        const at = (e: string) => r.events.indexOf(e);
        for (const [tool, first] of [
            ["yaml", "pulumi"],
            ["openbao", "kube"],
        ]) {
            assert.ok(at(`start ${tool}`) > at(`end ${first}`), `${tool} started before ${first} ended: ${r.events.join(", ")}`);
        }
        assert.equal(mostAtOnce(r.events), 2);
        assert.equal(mostAtOnce(toolchain(["all"], { VAULT_K8S_AUTH_BUILD_JOBS: "3", DURATION: "1" }).events), 3);
    });

    it("links cached tools without queueing them, and names only what it builds in its estimate", () => {
        const r = toolchain(["main"], { CACHED: "kubernetes kube openbao" });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.events.filter((e) => e.startsWith("link ")).sort(), ["link kube", "link kubernetes", "link openbao"]);
        assert.match(r.stderr, /cold build of pulumi vault-plugin language-nodejs:/);
    });

    it("a single tool brings the CLI along when it is a plugin (it is installed with it)", () => {
        const r = toolchain(["kubernetes"]);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.events.filter((e) => e.startsWith("end ")).sort(), ["end kubernetes", "end pulumi"]);
        assert.deepEqual(toolchain(["vault-server"]).events, ["start vault-server", "end vault-server"]);
    });

    it("after a failed build starts nothing new, lets running ones finish, and names the failure", () => {
        // The others take long enough that the failure is seen before a slot frees, even on a busy machine.
        const r = toolchain(["main"], { FAIL: "kubernetes", DURATION: "2" });
        assert.equal(r.status, 1);
        assert.match(r.stderr, /error: toolchain: kubernetes failed to build/);
        // The first two start together, in either order.
        assert.deepEqual([...r.events.slice(0, 2).sort(), ...r.events.slice(2)], ["start kube", "start kubernetes", "end kube"]);
        assert.ok(!r.events.some((e) => e.startsWith("install ")));
    });

    it("refuses an unknown tool or group, naming the ones there are", () => {
        const r = toolchain(["mian"]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /no tool or group 'mian'; usage: toolchain.sh \[all\|main\|pulumi\|TOOL\]\.\.\. \(TOOL: kubernetes kube/);
        assert.deepEqual(r.events, []);
    });
});
