import { Stats } from "./measure";

/** What results.json holds: per N, per operation, seconds (and peak RSS where a process was measured). */
export interface OpResult {
    seconds: Stats;
    peakRssMiB?: Stats;
}
export interface Results {
    machine: Record<string, string>;
    floorConcurrency: number;
    byN: Record<string, Record<string, OpResult>>;
    /** The program under mocks, run in several ways (see run.ts). */
    mocks?: { n: number; registered: number; ways: Record<string, OpResult> };
    profile?: Record<string, Record<string, OpResult>>;
}

export const opLabels: Record<string, string> = {
    "preview-empty": "pulumi preview (empty stack)",
    up: "pulumi up",
    "preview-noop": "pulumi preview (no-op)",
    "preview-refresh": "pulumi preview --refresh",
    "up-one-change": "pulumi up (1 service changed)",
    destroy: "pulumi destroy",
    "fleet-up": "fleet up (platform + teams of ~30)",
    "fleet-preview-noop": "fleet preview (no-op, every stack)",
    "fleet-preview-one-team": "fleet preview --only one team (PR check)",
    "fleet-up-one-team": "fleet up (1 team's service changed)",
    "fleet-destroy": "fleet destroy",
    "seed-create": "seed CLI procedure: create",
    "seed-delete": "seed CLI procedure: delete",
    "floor-create": "floor HTTP: create",
    "floor-read": "floor HTTP: read all",
    "floor-delete": "floor HTTP: delete (until gone)",
};

const f = (x: number | undefined, d = 2) => (x === undefined ? "–" : x.toFixed(d));
const cell = (s: Stats) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

/** Markdown: the table of medians (min–max), the ratios and the growth factors, from the raw results. */
export function markdown(r: Results): string {
    const ns = Object.keys(r.byN)
        .map(Number)
        .sort((a, b) => a - b);
    const ops = Object.keys(opLabels).filter((op) => ns.some((n) => r.byN[n][op]));
    const lines: string[] = [];
    lines.push(
        `| operation | ${ns.map((n) => `N=${n} s, median (min–max)`).join(" | ")} | ${ns.map((n) => `N=${n} peak RSS MiB`).join(" | ")} |`,
    );
    lines.push(`|---|${ns.map(() => "---|").join("")}${ns.map(() => "---|").join("")}`);
    for (const op of ops) {
        const t = ns.map((n) => (r.byN[n][op] ? `${cell(r.byN[n][op].seconds)} [${r.byN[n][op].seconds.runs.length}]` : "not run"));
        const m = ns.map((n) => f(r.byN[n][op]?.peakRssMiB?.median, 0));
        lines.push(`| ${opLabels[op]} | ${t.join(" | ")} | ${m.join(" | ")} |`);
    }
    lines.push("", "Ratios of medians (lower is better for Pulumi):", "");
    const ratio = (n: number, a: string, b: string) => {
        const x = r.byN[n][a]?.seconds.median;
        const y = r.byN[n][b]?.seconds.median;
        return x !== undefined && y !== undefined ? `${(x / y).toFixed(1)}×` : "–";
    };
    const pairs: [string, string, string][] = [
        ["up / floor create", "up", "floor-create"],
        ["up / seed create", "up", "seed-create"],
        ["preview (no-op) / floor read", "preview-noop", "floor-read"],
        ["preview --refresh / floor read", "preview-refresh", "floor-read"],
        ["destroy / floor delete", "destroy", "floor-delete"],
        ["destroy / seed delete", "destroy", "seed-delete"],
        ["seed create / floor create", "seed-create", "floor-create"],
        ["fleet up / seed create", "fleet-up", "seed-create"],
        ["fleet up / floor create", "fleet-up", "floor-create"],
        ["fleet up / single-stack up", "fleet-up", "up"],
        ["fleet destroy / seed delete", "fleet-destroy", "seed-delete"],
        ["fleet preview (no-op) / single-stack preview (no-op)", "fleet-preview-noop", "preview-noop"],
    ];
    lines.push(`| ratio | ${ns.map((n) => `N=${n}`).join(" | ")} |`, `|---|${ns.map(() => "---|").join("")}`);
    for (const [label, a, b] of pairs) lines.push(`| ${label} | ${ns.map((n) => ratio(n, a, b)).join(" | ")} |`);
    if (ns.length > 1) {
        lines.push("", "Growth, time(N) / time(previous N):", "");
        const steps = ns.slice(1).map((n, i) => [ns[i], n] as const);
        lines.push(
            `| operation | ${steps.map(([a, b]) => `${b}/${a} (N ×${b / a})`).join(" | ")} |`,
            `|---|${steps.map(() => "---|").join("")}`,
        );
        for (const op of ops) {
            const g = steps.map(([a, b]) => {
                const x = r.byN[b][op]?.seconds.median;
                const y = r.byN[a][op]?.seconds.median;
                return x !== undefined && y !== undefined ? `${(x / y).toFixed(2)}` : "–";
            });
            lines.push(`| ${opLabels[op]} | ${g.join(" | ")} |`);
        }
    }
    if (r.mocks?.ways) {
        const m = r.mocks;
        lines.push("", `Program under mocks, N=${m.n} (${m.registered} registrations), median (min–max) [runs]:`, "");
        for (const [way, v] of Object.entries(m.ways)) {
            lines.push(
                `- ${way}: ${cell(v.seconds)} s, peak RSS ${v.peakRssMiB ? cell(v.peakRssMiB) : "–"} MiB [${v.seconds.runs.length}]`,
            );
        }
    }
    if (r.profile) {
        lines.push("", "Profile variants (median s, peak RSS MiB):", "");
        for (const [variant, res] of Object.entries(r.profile)) {
            lines.push(
                `- ${variant}: ${Object.entries(res)
                    .map(([op, v]) => `${op} ${cell(v.seconds)} s`)
                    .join("; ")}`,
            );
        }
    }
    return lines.join("\n") + "\n";
}
