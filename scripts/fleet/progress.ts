import { Changes } from "./stacks";

/**
 * Live progress of a fleet run, as plain lines (CI logs have no terminal to redraw): one line as
 * each stack starts and ends, and every few seconds the stacks still running with their elapsed
 * time and completed steps. Then a table of every stack.
 */

export type Outcome = { ok: true; changes: Changes } | { ok: false; error: string } | { skipped: string };

interface Row {
    stack: string;
    op: string;
    started?: number;
    seconds?: number;
    steps: number;
    outcome?: Outcome;
}

export class Progress {
    private readonly rows = new Map<string, Row>();
    private readonly began = Date.now();
    private readonly timer: NodeJS.Timeout;

    constructor(
        private readonly write: (line: string) => void = (l) => console.log(l),
        everySeconds = 10,
    ) {
        this.timer = setInterval(() => this.running(), everySeconds * 1000);
        this.timer.unref();
    }

    queue(stack: string, op: string): void {
        this.rows.set(stack, { stack, op, steps: 0 });
    }

    start(stack: string): void {
        const row = this.row(stack);
        row.started = Date.now();
        this.write(`${this.clock()} ${stack}: ${row.op} started`);
    }

    step(stack: string): void {
        this.row(stack).steps++;
    }

    finish(stack: string, outcome: Outcome): void {
        const row = this.row(stack);
        row.outcome = outcome;
        row.seconds = row.started === undefined ? 0 : (Date.now() - row.started) / 1000;
        const what =
            "skipped" in outcome
                ? `skipped: ${outcome.skipped}`
                : outcome.ok
                  ? `done in ${row.seconds.toFixed(0)}s (${describe(outcome.changes)})`
                  : `FAILED after ${row.seconds.toFixed(0)}s:\n${indent(outcome.error)}`;
        this.write(`${this.clock()} ${stack}: ${row.op} ${what}`);
    }

    /** Stops the periodic lines; returns the stacks that failed. */
    end(): string[] {
        clearInterval(this.timer);
        return this.failed();
    }

    failed(): string[] {
        return [...this.rows.values()].filter((r) => r.outcome && "ok" in r.outcome && !r.outcome.ok).map((r) => r.stack);
    }

    /** The final table: stack, operation, creates/updates/deletes, seconds, result. */
    table(): string {
        const head = ["stack", "op", "create", "update", "delete", "same", "seconds", "result"];
        const body = [...this.rows.values()].map((r) => {
            const o = r.outcome;
            const c = o && "ok" in o && o.ok ? o.changes : undefined;
            const result = !o ? "not run" : "skipped" in o ? `skipped (${o.skipped})` : o.ok ? "ok" : `FAILED: ${o.error.split("\n")[0]}`;
            const n = (k: keyof Changes) => (c ? String(c[k]) : "-");
            return [r.stack, r.op, n("create"), n("update"), n("delete"), n("same"), r.seconds?.toFixed(1) ?? "-", result];
        });
        const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
        const line = (cells: string[]) =>
            cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]) : i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
        return [line(head), ...body.map(line)].join("\n");
    }

    private running(): void {
        const rows = [...this.rows.values()];
        const running = rows.filter((r) => r.started !== undefined && !r.outcome);
        if (running.length === 0) return;
        const queued = rows.filter((r) => r.started === undefined && !r.outcome).length;
        const done = rows.filter((r) => r.outcome).length;
        const now = Date.now();
        const list = running.map((r) => `${r.stack} ${((now - r.started!) / 1000).toFixed(0)}s (${r.steps} steps)`).join(", ");
        this.write(`${this.clock()} running: ${list}; ${queued} queued, ${done} done`);
    }

    private row(stack: string): Row {
        const row = this.rows.get(stack);
        if (!row) throw new Error(`progress: ${stack} was not queued`);
        return row;
    }

    private clock(): string {
        return `[${((Date.now() - this.began) / 1000).toFixed(0).padStart(4)}s]`;
    }
}

function describe(c: Changes): string {
    return `+${c.create} ~${c.update} -${c.delete}, ${c.same} unchanged`;
}

function indent(text: string): string {
    return text
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n");
}
