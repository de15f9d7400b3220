import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { repoDir } from "../../../scripts/lib/repo";

// The toolchain's choice of how each tool is provided (scripts/toolchain/build.sh: check_sources,
// tool_source, link_prebuilt), run as bash functions against an empty cache and an empty vendor-src
// folder. Nothing is built: the "released binaries" here are tiny shell scripts.
const toolchainDir = path.join(repoDir, "tools", "toolchain");
const vaultVersion: string = JSON.parse(fs.readFileSync(path.join(repoDir, "node_modules", "@pulumi", "vault", "package.json"), "utf8"))
    .pulumi.version;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-sources-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;

/** A fresh empty cache and vendor-src folder for one test. */
function freshDirs(): { cache: string; vendor: string } {
    const base = path.join(scratch, String(scratchCount++));
    const dirs = { cache: path.join(base, "cache"), vendor: path.join(base, "vendor-src") };
    fs.mkdirSync(dirs.cache, { recursive: true });
    fs.mkdirSync(dirs.vendor, { recursive: true });
    return dirs;
}

/** Runs `script` in bash after sourcing common.sh and build.sh, with the given cache and vendor-src. */
function runLib(dirs: { cache: string; vendor: string }, script: string, env: Record<string, string> = {}) {
    const inherited = { ...process.env };
    delete inherited.PULUMI_HOME;
    delete inherited.VAULT_K8S_AUTH_PREBUILT_BIN;
    delete inherited.XDG_CACHE_HOME;
    const scripts = path.join(repoDir, "scripts");
    const result = spawnSync(
        "bash",
        ["-c", `set -euo pipefail; source "${scripts}/lib/common.sh"; source "${scripts}/toolchain/build.sh"; ${script}`],
        {
            encoding: "utf8",
            env: { ...inherited, VAULT_K8S_AUTH_CACHE: dirs.cache, VAULT_K8S_AUTH_VENDOR_SRC: dirs.vendor, ...env },
        },
    );
    return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/** The tarballs tools/toolchain/NAME/SOURCES pins, with their sha256. */
function pinned(tool: string): [string, string][] {
    return fs
        .readFileSync(path.join(toolchainDir, tool, "SOURCES"), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "" && !l.startsWith("#"))
        .map((l) => l.trim().split(/\s+/) as [string, string]);
}

/** An executable shell script at `file`, standing in for a released binary. */
function fakeBinary(file: string, output: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\necho ${output}\n`, { mode: 0o755 });
}

const toolsWithSources = fs
    .readdirSync(toolchainDir)
    .filter((t) => fs.existsSync(path.join(toolchainDir, t, "SOURCES")))
    .sort();
const prebuiltBinaries: Record<string, string> = {
    "language-nodejs": "pulumi-language-nodejs",
    yaml: "pulumi-language-yaml",
    openbao: "bao",
};

describe("toolchain: pinned sources and the ways out", () => {
    it("the tools built from pinned sources are the ones the ways out cover", () => {
        assert.deepEqual(toolsWithSources, ["language-nodejs", "openbao", "vault-plugin", "yaml"]);
    });

    for (const tool of toolsWithSources) {
        it(`${tool}: missing sources stop check_sources, naming the tarball and both ways out`, () => {
            const dirs = freshDirs();
            const run = runLib(dirs, `check_sources ${tool}`);
            assert.equal(run.status, 1, run.stderr);
            const [tarball] = pinned(tool)[0];
            assert.match(run.stderr, new RegExp(`error: ${tool} is built from pinned public source that is not here: `));
            assert.ok(run.stderr.includes(path.join(dirs.vendor, tarball)), run.stderr);
            // Way out 1: the vendor sources.
            assert.ok(run.stderr.includes("export VAULT_K8S_AUTH_VENDOR_SRC="), run.stderr);
            // Way out 2: the released binaries, the plugin into this cache's PULUMI_HOME, the others by folder.
            const pulumiHome = path.join(dirs.cache, "pulumi-home");
            assert.ok(
                run.stderr.includes(`PULUMI_HOME=${pulumiHome} pulumi plugin install --reinstall resource vault ${vaultVersion}`),
                run.stderr,
            );
            assert.ok(run.stderr.includes(`export VAULT_K8S_AUTH_PREBUILT_BIN=${path.join(dirs.cache, "released-bin")}`), run.stderr);
            for (const t of toolsWithSources) assert.ok(run.stderr.includes(t), `${t} not mentioned:\n${run.stderr}`);
            for (const b of Object.values(prebuiltBinaries)) assert.ok(run.stderr.includes(b), `${b} not mentioned:\n${run.stderr}`);
            assert.ok(run.stderr.includes("https://get.pulumi.com/releases/sdk/pulumi-v3.248.0-"), run.stderr);
        });
    }

    it("a tarball with another sha256 than SOURCES pins is refused, naming both", () => {
        const dirs = freshDirs();
        const [tarball, want] = pinned("yaml")[0];
        const content = "not the release tarball\n";
        fs.writeFileSync(path.join(dirs.vendor, tarball), content);
        const got = crypto.createHash("sha256").update(content).digest("hex");
        const run = runLib(dirs, "check_sources yaml");
        assert.equal(run.status, 1, run.stderr);
        assert.ok(
            run.stderr.includes(`${path.join(dirs.vendor, tarball)}: sha256 ${got}, tools/toolchain/yaml/SOURCES pins ${want}`),
            run.stderr,
        );
    });

    it("with VAULT_K8S_AUTH_PREBUILT_BIN set but no binary for the tool, the message says so", () => {
        const dirs = freshDirs();
        const bin = path.join(dirs.cache, "..", "released");
        fs.mkdirSync(bin);
        const run = runLib(dirs, "check_sources yaml", { VAULT_K8S_AUTH_PREBUILT_BIN: bin });
        assert.equal(run.status, 1, run.stderr);
        assert.ok(run.stderr.includes(`VAULT_K8S_AUTH_PREBUILT_BIN=${bin} holds no executable pulumi-language-yaml`), run.stderr);
        assert.ok(run.stderr.includes(`export VAULT_K8S_AUTH_PREBUILT_BIN=${bin};`), run.stderr);
    });
});

describe("toolchain: how each tool is provided (tool_source)", () => {
    it("an uncached tool is built, even when a released binary is in a folder nobody named", () => {
        const dirs = freshDirs();
        fakeBinary(path.join(dirs.cache, "released-bin", "bao"), "fake bao");
        for (const tool of ["openbao", "yaml", "language-nodejs", "vault-plugin", "pulumi"]) {
            const run = runLib(dirs, `tool_source ${tool}`);
            assert.equal(run.stdout, "build", `${tool}: ${run.stderr}`);
        }
    });

    for (const [tool, binary] of Object.entries(prebuiltBinaries)) {
        it(`${tool}: the released ${binary} in VAULT_K8S_AUTH_PREBUILT_BIN is linked instead of a build`, () => {
            const dirs = freshDirs();
            const bin = path.join(dirs.cache, "..", "released");
            fakeBinary(path.join(bin, binary), `released-${binary}`);
            const env = { VAULT_K8S_AUTH_PREBUILT_BIN: bin };
            const chosen = runLib(dirs, `tool_source ${tool}`, env);
            assert.equal(chosen.stdout, `prebuilt ${path.join(bin, binary)}`, chosen.stderr);
            // toolchain.sh then links it and checks no sources: here with none at all.
            const linked = runLib(dirs, `mkdir -p "$TOOLCHAIN_BIN"; link_prebuilt ${tool} "${path.join(bin, binary)}"; ${binary}`, env);
            assert.equal(linked.status, 0, linked.stderr);
            assert.equal(linked.stdout, `released-${binary}`);
            assert.match(linked.stderr, new RegExp(`${tool}: released binary .*/${binary} \\(VAULT_K8S_AUTH_PREBUILT_BIN\\), not built`));
            assert.equal(fs.readlinkSync(path.join(dirs.cache, "toolchain", "bin", binary)), path.join(bin, binary));
        });
    }

    it("a non-executable file in VAULT_K8S_AUTH_PREBUILT_BIN, or a tool without a released binary, is built", () => {
        const dirs = freshDirs();
        const bin = path.join(dirs.cache, "..", "released");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "bao"), "not executable", { mode: 0o644 });
        fakeBinary(path.join(bin, "pulumi"), "fake pulumi");
        fakeBinary(path.join(bin, "pulumi-resource-vault"), "fake plugin");
        for (const tool of ["openbao", "pulumi", "vault-plugin"]) {
            const run = runLib(dirs, `tool_source ${tool}`, { VAULT_K8S_AUTH_PREBUILT_BIN: bin });
            assert.equal(run.stdout, "build", `${tool}: ${run.stderr}`);
        }
    });

    it("a cached build wins over a released binary", () => {
        const dirs = freshDirs();
        const bin = path.join(dirs.cache, "..", "released");
        fakeBinary(path.join(bin, "bao"), "fake bao");
        const run = runLib(
            dirs,
            `mkdir -p "$TOOLCHAIN_DIR/openbao-$(wrapper_key openbao)"; touch "$TOOLCHAIN_DIR/openbao-$(wrapper_key openbao)/.complete"; tool_source openbao`,
            {
                VAULT_K8S_AUTH_PREBUILT_BIN: bin,
            },
        );
        assert.equal(run.stdout, "cached", run.stderr);
    });

    describe("vault-plugin: the released plugin installed in PULUMI_HOME", () => {
        const pluginRel = path.join("pulumi-home", "plugins", `resource-vault-v${vaultVersion}`, "pulumi-resource-vault");

        it("is used as installed, without sources", () => {
            const dirs = freshDirs();
            fakeBinary(path.join(dirs.cache, pluginRel), "released plugin");
            const run = runLib(dirs, "tool_source vault-plugin");
            assert.equal(run.stdout, `installed ${path.join(dirs.cache, pluginRel)}`, run.stderr);
        });

        it("is not used while half-installed (.partial)", () => {
            const dirs = freshDirs();
            fakeBinary(path.join(dirs.cache, pluginRel), "released plugin");
            fs.writeFileSync(path.join(dirs.cache, "pulumi-home", "plugins", `resource-vault-v${vaultVersion}.partial`), "");
            assert.equal(runLib(dirs, "tool_source vault-plugin").stdout, "build");
        });

        it("is not taken for a release when toolchain.sh installed it from a build of an older wrapper", () => {
            const dirs = freshDirs();
            fakeBinary(path.join(dirs.cache, pluginRel), "our own build");
            fakeBinary(path.join(dirs.cache, "toolchain", "vault-plugin-0123456789ab", "pulumi-resource-vault"), "our own build");
            assert.equal(runLib(dirs, "tool_source vault-plugin").stdout, "build");
        });

        it("gives way to a cached build", () => {
            const dirs = freshDirs();
            fakeBinary(path.join(dirs.cache, pluginRel), "released plugin");
            const key = runLib(dirs, "wrapper_key vault-plugin").stdout;
            fs.mkdirSync(path.join(dirs.cache, "toolchain", `vault-plugin-${key}`), { recursive: true });
            fs.writeFileSync(path.join(dirs.cache, "toolchain", `vault-plugin-${key}`, ".complete"), "");
            assert.equal(runLib(dirs, "tool_source vault-plugin").stdout, "cached");
        });
    });
});
