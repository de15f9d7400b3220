/**
 * Which stacks of the fleet a change touches, for the pull-request check:
 *   changed.ts FLEET_DIR < changed-paths   →  prints "all", "none", or the changed teams, comma-separated
 * A team's own file touches that team's stack; the platform's declaration, the program (anything
 * but documents) or a removed team's file (whose preview shows the pending prune) touches every stack.
 */
import * as fs from "fs";
import * as path from "path";

export function changedStacks(fleetDir: string, changed: readonly string[]): "all" | "none" | string[] {
    const teamsDir = path.join(fleetDir, "teams") + path.sep;
    const teams = new Set<string>();
    for (const file of changed) {
        if (file.startsWith(teamsDir) && /\.ya?ml$/.test(file) && fs.existsSync(file))
            teams.add(path.basename(file).replace(/\.ya?ml$/, ""));
        else if (!/\.md$/.test(file)) return "all";
    }
    return teams.size === 0 ? "none" : [...teams].sort();
}

if (require.main === module) {
    const dir = path.normalize(process.argv[2] ?? "fleet");
    const paths = fs
        .readFileSync(0, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .map((p) => path.normalize(p));
    const result = changedStacks(dir, paths);
    console.log(Array.isArray(result) ? result.join(",") : result);
}
