import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** One measured process: wall seconds and the peak RSS of the largest process in its tree. */
export interface Sample {
    seconds: number;
    /** Peak resident set size in MiB, as GNU time's %M reports it (the biggest single process of the tree, not their sum). */
    peakRssMiB?: number;
}

export interface Run extends Sample {
    code: number;
    stdout: string;
    stderr: string;
}

const gnuTime = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/**
 * Runs a command as a whole process and measures it. With GNU time, wall and peak RSS come from its
 * wait4 rusage (the maximum over the process and its waited-for descendants); without it, wall only.
 */
export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "time");
    const [bin, argv] = gnuTime ? [gnuTime, ["-f", "%e %M", "-o", out, cmd, ...args]] : [cmd, args];
    const start = process.hrtime.bigint();
    const { code, stdout, stderr } = await spawnCollect(bin, argv, env, cwd);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    let peakRssMiB: number | undefined;
    if (gnuTime && fs.existsSync(out)) {
        // The last line: GNU time prefixes "Command exited with non-zero status" lines when it fails.
        const last = fs.readFileSync(out, "utf8").trim().split("\n").pop() ?? "";
        const [, kb] = last.split(" ").map(Number);
        if (Number.isFinite(kb)) peakRssMiB = kb / 1024;
    }
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    // hrtime has better resolution than %e (10 ms); both include the same process start-up.
    return { code, stdout, stderr, seconds: wall, peakRssMiB };
}

/** Times an in-process async step (HTTP baselines): wall only, since it shares this process. */
export async function timeAsync(step: () => Promise<void>): Promise<Sample> {
    const start = process.hrtime.bigint();
    await step();
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export function spawnCollect(
    cmd: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
    input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(input ?? "");
    });
}

/** Fails with the command's output tail, so a broken run is never recorded as a figure. */
export function ok<T extends { code: number; stdout: string; stderr: string }>(what: string, run: T): T {
    if (run.code !== 0) throw new Error(`${what} failed (${run.code}):\n${(run.stdout + run.stderr).slice(-3000)}`);
    return run;
}

export interface Stats {
    median: number;
    min: number;
    max: number;
    runs: number[];
}

export function stats(values: number[]): Stats {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}
