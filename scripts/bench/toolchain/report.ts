// Where the CPU of a cold toolchain build went (cold.sh writes DIR): per wrapper, and how much of it
// compiled packages that another wrapper compiled too, at the same version (a build order or a shared
// cache run could reuse it) or at another version (aligning the versions could).
//
//   tsx scripts/bench/toolchain/report.ts DIR
import * as fs from "node:fs";
import * as path from "node:path";

interface ToolRun {
    cpu: number;
    wrapper: string;
    tool: string;
    pkg: string;
    /** module@version, "std", or "local" (the wrapper's own unpacked source). */
    module: string;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: report.ts DIR (the folder cold.sh wrote)");

/** The module (path@version) that holds a source folder, from its GOMODCACHE path. */
function moduleOf(src: string): string {
    const inCache = src.split("/gomodcache/")[1];
    if (inCache)
        return inCache
            .split("/")
            .reduce((acc, part) => (acc.includes("@") ? acc : `${acc}/${part}`), "")
            .slice(1);
    return src.includes("/go/src/") ? "std" : "local";
}

function readRuns(): ToolRun[] {
    return fs
        .readFileSync(path.join(dir, "tools.log"), "utf8")
        .split("\n")
        .map((line) => line.split(" "))
        .filter((f) => f.length === 7 && !Number.isNaN(Number(f[0])))
        .map(([user, sys, , wrapper, tool, pkg, src]) => ({
            cpu: Number(user) + Number(sys),
            wrapper,
            tool,
            pkg,
            module: tool === "link" ? "-" : moduleOf(src),
        }));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const r = (x: number) => Math.round(x);

function wrapperFile(wrapper: string, file: string): string {
    const toolchain = path.join(dir, "cache", "toolchain");
    const built = fs.readdirSync(toolchain).find((d) => d.startsWith(`${wrapper}-`) && !d.includes("."));
    try {
        return built ? fs.readFileSync(path.join(toolchain, built, file), "utf8").trim() : "?";
    } catch {
        return "?";
    }
}

const runs = readRuns();
const wrappers = [...new Set(runs.map((x) => x.wrapper))].sort();
const [wall, user, sys, maxKb] = fs.readFileSync(path.join(dir, "total.time"), "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);

console.log(`\n## Cold toolchain build: ${dir}\n`);
console.log(`Whole run: ${r(wall)} s wall, ${r(user + sys)} CPU-s (largest process ${r(maxKb / 1024)} MB).\n`);
console.log("| wrapper | wall s | CPU-s (build.sh) | compile CPU-s | link CPU-s | packages compiled |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const w of wrappers) {
    const mine = runs.filter((x) => x.wrapper === w);
    const compile = mine.filter((x) => x.tool !== "link");
    const link = mine.filter((x) => x.tool === "link");
    console.log(
        `| ${w} | ${wrapperFile(w, ".build-seconds")} | ${wrapperFile(w, ".build-cpu-seconds")} | ${r(sum(compile.map((x) => x.cpu)))} | ${r(sum(link.map((x) => x.cpu)))} | ${compile.length} |`,
    );
}

// Compiles of one package by several wrappers: at one version (reusable through the build cache when
// one build finishes first) or at several (reusable only once the versions are aligned).
const compiles = runs.filter((x) => x.tool === "compile" && x.module !== "local");
const byPkg = new Map<string, ToolRun[]>();
for (const c of compiles) byPkg.set(c.pkg, [...(byPkg.get(c.pkg) ?? []), c]);
let sameVersionExtra = 0;
let otherVersionExtra = 0;
const byModulePath = new Map<string, { extra: number; versions: Map<string, Set<string>> }>();
for (const [, cs] of byPkg) {
    if (new Set(cs.map((c) => c.wrapper)).size < 2) continue;
    const byVersion = new Map<string, ToolRun[]>();
    for (const c of cs) byVersion.set(c.module, [...(byVersion.get(c.module) ?? []), c]);
    // Within one version, every compile after the first is a repeat; across versions, all but one.
    const perVersion = [...byVersion.values()].map((v) => ({ first: Math.max(...v.map((c) => c.cpu)), all: sum(v.map((c) => c.cpu)) }));
    const same = sum(perVersion.map((v) => v.all - v.first));
    const other = sum(perVersion.map((v) => v.first)) - Math.max(...perVersion.map((v) => v.first));
    sameVersionExtra += same;
    otherVersionExtra += other;
    const modulePath = cs[0].module === "std" ? "std" : cs[0].module.split("@")[0];
    const entry = byModulePath.get(modulePath) ?? { extra: 0, versions: new Map() };
    entry.extra += same + other;
    for (const c of cs)
        entry.versions.set(
            c.module.split("@")[1] ?? "std",
            (entry.versions.get(c.module.split("@")[1] ?? "std") ?? new Set()).add(c.wrapper),
        );
    byModulePath.set(modulePath, entry);
}
const compileCpu = sum(compiles.map((x) => x.cpu));
console.log(
    `\nCompiling module and standard-library packages: ${r(compileCpu)} CPU-s. Of it, compiled again by another wrapper: ` +
        `${r(sameVersionExtra)} CPU-s at the same version, ${r(otherVersionExtra)} CPU-s at another version.\n`,
);
console.log("Modules compiled by several wrappers, by repeated CPU (top 25):\n");
console.log("| module | repeated CPU-s | versions (wrappers) |");
console.log("|---|---:|---|");
for (const [m, e] of [...byModulePath].sort((a, b) => b[1].extra - a[1].extra).slice(0, 25)) {
    const versions = [...e.versions].map(([v, ws]) => `${v} (${[...ws].sort().join(", ")})`).join("; ");
    console.log(`| ${m} | ${r(e.extra)} | ${versions} |`);
}
fs.writeFileSync(
    path.join(dir, "report.json"),
    JSON.stringify({ wall, cpu: user + sys, compileCpu, sameVersionExtra, otherVersionExtra, wrappers }, null, 2),
);
