// npm run bench [-- --quick] [--n 1,10,100 | --n none] [--runs K] [--mocks 1000 | --no-mocks] [--profile N]
//                 [--single-max N] [--baselines-max N] [--no-fleet] [--fleet-sweep N:C1,C2,…]
// Measures the Pulumi lifecycle against the seed's CLI procedure and a direct-HTTP floor on the
// benchmark's own local environment, then writes benchmarks/results.json, chart.svg and summary.md.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { floor, floorConcurrency, seedProcedure } from "./baselines";
import { fleetLifecycle } from "./fleetOps";
import { chartOf, machine } from "./machine";
import { loadEnv, repoDir } from "./env";
import { measure, ok, Sample, stats } from "./measure";
import { pulumiLifecycle } from "./pulumiOps";
import { markdown, OpResult, Results } from "./report";

interface Options {
    ns: number[];
    /** The single stack runs up to this N only: its up is quadratic in N (BENCHMARKS.md). */
    singleMax: number;
    /** The seed procedure and the floor run up to this N only (the seed at N = 1000 alone takes ≈ 18 min here). */
    baselinesMax: number;
    fleet: boolean;
    sweep?: { n: number; concurrencies: number[] };
    runs: number;
    mocks?: number;
    profile?: number;
}

function options(argv: string[]): Options {
    const quick = argv.includes("--quick");
    const value = (flag: string) => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    // "--n none": no CLI runs (e.g. only --mocks or --profile).
    const ns = value("--n") === "none" ? [] : (value("--n")?.split(",").map(Number) ?? (quick ? [1, 10] : [1, 10, 100, 300]));
    if (ns.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--n: expected e.g. 1,10,100, got ${value("--n")}`);
    // Quick: one run of N=1,10 fits in about 2 minutes here; three runs do not (namespace deletion alone is ~5 s each).
    const runs = Number(value("--runs") ?? (quick ? 1 : 3));
    // Quick skips the 1000-service mocks runs (about 80 s here, three ways); --mocks N asks for them.
    const mocks = argv.includes("--no-mocks") ? undefined : Number(value("--mocks") ?? (quick ? NaN : 1000)) || undefined;
    const profile = value("--profile") === undefined ? undefined : Number(value("--profile"));
    const singleMax = Number(value("--single-max") ?? 300);
    const sweepArg = value("--fleet-sweep");
    const sweep = sweepArg
        ? { n: Number(sweepArg.split(":")[0]), concurrencies: sweepArg.split(":")[1].split(",").map(Number) }
        : undefined;
    if (sweep && (!Number.isInteger(sweep.n) || sweep.concurrencies.some((c) => !Number.isInteger(c) || c < 1)))
        throw new Error(`--fleet-sweep: expected e.g. 300:2,4,8, got ${sweepArg}`);
    const baselinesMax = Number(value("--baselines-max") ?? Infinity);
    return { ns, singleMax, baselinesMax, fleet: !argv.includes("--no-fleet") && !quick, sweep, runs, mocks, profile };
}

const log = (s: string) => console.log(s);
const summarise = (samples: Sample[]): OpResult => {
    const rss = samples.map((s) => s.peakRssMiB).filter((m): m is number => m !== undefined);
    return { seconds: stats(samples.map((s) => s.seconds)), ...(rss.length ? { peakRssMiB: stats(rss) } : {}) };
};
const collect = (runs: Record<string, Sample>[]): Record<string, OpResult> =>
    Object.fromEntries(Object.keys(runs[0]).map((op) => [op, summarise(runs.map((r) => r[op]))]));

async function main(): Promise<void> {
    const opts = options(process.argv.slice(2));
    const env = loadEnv();
    const outDir = path.join(repoDir, "benchmarks");
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, "results.json");
    // Figures of other sizes from earlier invocations are kept: N=300 may be run on its own.
    const results: Results = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { machine: {}, floorConcurrency, byN: {} };
    results.machine = await machine(env);
    results.floorConcurrency = floorConcurrency;
    const save = () => {
        fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
        fs.writeFileSync(path.join(outDir, "chart.svg"), chartOf(results));
        fs.writeFileSync(path.join(outDir, "summary.md"), markdown(results));
    };

    for (const n of opts.ns) {
        const runs: Record<string, Sample>[] = [];
        for (let run = 1; run <= opts.runs; run++) {
            log(`N=${n}, run ${run}/${opts.runs}`);
            // Interleaved per run, so a burst of load from the neighbours hits every method alike.
            runs.push({
                ...(n <= opts.singleMax ? await pulumiLifecycle(n, run, env, [], log) : {}),
                ...(opts.fleet ? await fleetLifecycle(n, run, env, undefined, log) : {}),
                ...(n <= opts.baselinesMax ? await seedProcedure(n, env, log) : {}),
                ...(n <= opts.baselinesMax ? await floor(n, env, log) : {}),
            });
        }
        results.byN[n] = { ...results.byN[n], ...collect(runs) };
        save();
    }

    if (opts.mocks) {
        // The same program three ways: through tsx (as the unit tests run it), compiled by tsc (as a
        // published program runs), and compiled with 1-frame stack traces (the SDK records one for
        // every internal promise; this shows what that costs).
        const compiled = path.join(repoDir, ".local", "bench-js");
        ok(
            "tsc",
            await measure(
                "npx",
                ["tsc", "-p", "tsconfig.json", "--outDir", compiled, "--declaration", "false", "--sourceMap", "false"],
                process.env,
                repoDir,
            ),
        );
        const child = path.join("scripts", "bench", "mocksChild");
        const ways: [string, string[]][] = [
            ["tsx", ["--import", "tsx", `${child}.ts`]],
            ["compiled", [path.join(compiled, `${child}.js`)]],
            ["compiled, --stack-trace-limit=1", ["--stack-trace-limit=1", path.join(compiled, `${child}.js`)]],
        ];
        results.mocks = { n: opts.mocks, registered: 0, ways: {} };
        for (const [way, args] of ways) {
            const samples: Sample[] = [];
            for (let run = 1; run <= opts.runs; run++) {
                const r = ok(`mocks (${way})`, await measure("node", [...args, String(opts.mocks)], { ...process.env }, repoDir));
                results.mocks.registered = JSON.parse(r.stdout.trim().split("\n").pop()!).registered;
                samples.push(r);
                log(`mocks N=${opts.mocks} ${way}: ${r.seconds.toFixed(2)} s, ${r.peakRssMiB?.toFixed(0)} MiB`);
            }
            results.mocks.ways[way] = summarise(samples);
            save();
        }
    }

    if (opts.sweep) {
        // The fleet's default concurrency: the same fleet at several --concurrency values.
        results.profile = results.profile ?? {};
        for (const c of opts.sweep.concurrencies) {
            const runs: Record<string, Sample>[] = [];
            for (let run = 1; run <= opts.runs; run++) {
                log(`fleet N=${opts.sweep.n} --concurrency ${c}, run ${run}/${opts.runs}`);
                runs.push(await fleetLifecycle(opts.sweep.n, run, env, c, log));
            }
            const all = collect(runs);
            results.profile[`fleet N=${opts.sweep.n} --concurrency ${c}`] = {
                "fleet-up": all["fleet-up"],
                "fleet-preview-noop": all["fleet-preview-noop"],
                "fleet-destroy": all["fleet-destroy"],
            };
            save();
        }
    }

    if (opts.profile) {
        // Where time goes in `up`: the user's levers, one at a time, on the same N.
        const variants: [string, string[], NodeJS.ProcessEnv][] = [
            ["default", [], {}],
            ["--parallel 32", ["--parallel", "32"], {}],
            ["--skip-preview", ["--skip-preview"], {}],
            ["PULUMI_SKIP_CHECKPOINTS=true", [], { PULUMI_SKIP_CHECKPOINTS: "true" }],
            // The language host passes NODE_OPTIONS on to the program's node process.
            ["NODE_OPTIONS=--stack-trace-limit=1", [], { NODE_OPTIONS: "--stack-trace-limit=1" }],
        ];
        results.profile = results.profile ?? {};
        for (const [name, flags, extra] of variants) {
            const runs: Record<string, Sample>[] = [];
            for (let run = 1; run <= opts.runs; run++) {
                log(`profile N=${opts.profile} ${name}, run ${run}/${opts.runs}`);
                runs.push(await pulumiLifecycle(opts.profile, run, { ...env, ...extra }, flags, log));
            }
            const all = collect(runs);
            results.profile[`N=${opts.profile} ${name}`] = { up: all.up, "up-one-change": all["up-one-change"], destroy: all.destroy };
            save();
        }
    }
    save();
    console.log(
        `\n${markdown(results)}\nwritten: ${path.relative(repoDir, file)}, benchmarks/chart.svg, benchmarks/summary.md (${os.hostname()})`,
    );
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
