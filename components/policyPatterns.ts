/**
 * Vault policy path patterns as sets of paths: `+` stands for one whole, non-empty segment, and a
 * trailing `*` for any suffix (also within the last segment: `a/b*` matches `a/bc/d`). With them
 * the renderer can tell which patterns overlap, which contains which, and which one Vault applies
 * where several match (Vault evaluates only the highest-priority match of a policy, not the union).
 */

/**
 * A pattern: its segments (`+` or literal) and whether it ends in `*`; then the last segment is a prefix.
 * @internal
 */
export interface Pattern {
    segments: string[];
    glob: boolean;
}

/** @internal */
export function parsePattern(path: string): Pattern {
    const glob = path.endsWith("*");
    return { segments: (glob ? path.slice(0, -1) : path).split("/"), glob };
}

/** @internal */
export function formatPattern(p: Pattern): string {
    return p.segments.join("/") + (p.glob ? "*" : "");
}

/**
 * Does the pattern match a concrete path?
 * @internal
 */
export function patternMatches(pattern: string, path: string): boolean {
    const { segments, glob } = parsePattern(pattern);
    const parts = path.split("/");
    if (glob ? parts.length < segments.length : parts.length !== segments.length) return false;
    return segments.every((s, i) => {
        if (glob && i === segments.length - 1) return parts.slice(i).join("/").startsWith(s);
        return s === "+" ? parts[i] !== "" : s === parts[i];
    });
}

/**
 * The paths two patterns share: a pattern, "none", or "inexpressible" (e.g. `a/+/b` ∩ `a/x*` is `a/x…/b`).
 * @internal
 */
export type Intersection = Pattern | "none" | "inexpressible";

/** One whole segment of each: `+` yields to a literal; two literals must agree. */
function segmentBoth(a: string, b: string): string | undefined {
    if (a === "+") return b === "" ? undefined : b;
    if (b === "+") return a === "" ? undefined : a;
    return a === b ? a : undefined;
}

/** A whole segment `s` that must also start with `prefix` (a glob's last segment). */
function segmentWithPrefix(s: string, prefix: string): string | "none" | "inexpressible" {
    if (s === "+") return prefix === "" ? "+" : "inexpressible";
    return s.startsWith(prefix) ? s : "none";
}

/** @internal */
export function intersectPatterns(a: Pattern, b: Pattern): Intersection {
    // A glob first, and of two globs the shorter: the other's segments then run at least as far.
    if (!a.glob && b.glob) return intersectPatterns(b, a);
    if (a.glob && b.glob && a.segments.length > b.segments.length) return intersectPatterns(b, a);
    const [n, m] = [a.segments.length, b.segments.length];
    if (!a.glob && n !== m) return "none";
    if (a.glob && m < n) return "none";
    const out: string[] = [];
    const whole = a.glob ? n - 1 : n;
    for (let i = 0; i < whole; i++) {
        const s = segmentBoth(a.segments[i], b.segments[i]);
        if (s === undefined) return "none";
        out.push(s);
    }
    if (!a.glob) return { segments: out, glob: false };
    const prefix = a.segments[n - 1];
    if (b.glob && m === n) {
        const other = b.segments[n - 1];
        if (prefix.startsWith(other)) return { segments: [...out, prefix], glob: true };
        if (other.startsWith(prefix)) return { segments: [...out, other], glob: true };
        return "none";
    }
    // b's segment n-1 is whole (b runs further, or ends there without a glob).
    const s = segmentWithPrefix(b.segments[n - 1], prefix);
    if (s === "none" || s === "inexpressible") return s;
    return { segments: [...out, s, ...b.segments.slice(n)], glob: b.glob };
}

/**
 * Does `outer` match every path `inner` matches?
 * @internal
 */
export function patternContains(outer: string, inner: string): boolean {
    const i = intersectPatterns(parsePattern(outer), parsePattern(inner));
    return typeof i === "object" && formatPattern(i) === inner;
}

/**
 * Vault's priority among patterns that match the same path (docs: policies, "Priority matching"):
 * positive when `a` wins over `b`. Earlier first wildcard loses; a trailing `*` loses; more `+`
 * loses; shorter loses; then the lexicographically smaller loses.
 * @internal
 */
export function comparePriority(a: string, b: string): number {
    const firstWildcard = (p: string) => {
        const i = p.search(/[+*]/);
        return i < 0 ? Infinity : i;
    };
    const pluses = (p: string) => p.split("/").filter((s) => s === "+").length;
    return (
        Math.sign(firstWildcard(a) - firstWildcard(b)) ||
        Number(b.endsWith("*")) - Number(a.endsWith("*")) ||
        Math.sign(pluses(b) - pluses(a)) ||
        Math.sign(a.length - b.length) ||
        (a < b ? -1 : a > b ? 1 : 0)
    );
}

/**
 * A concrete path the pattern matches, to probe with.
 * @internal
 */
export function samplePath(pattern: string): string {
    return pattern
        .split("/")
        .map((s) => (s === "+" ? "probe" : s))
        .join("/")
        .replace(/\*$/, "verify-probe");
}
