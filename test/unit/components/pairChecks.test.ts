import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkBindingOverlaps, RoleBinding } from "../../../components/roleBindings";
import { collidingPaths, mountsCollide } from "../../../components/validation";

// The checks across services compare only the pairs that can collide (a fleet has a thousand
// services): on generated inputs they must report exactly what comparing every pair reports.

/** A small deterministic generator (mulberry32): each case is replayable from its seed. */
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)];

function everyPair<T>(xs: readonly T[], test: (a: T, b: T) => boolean): [number, number][] {
    const pairs: [number, number][] = [];
    xs.forEach((a, i) => xs.slice(i + 1).forEach((b, k) => test(a, b) && pairs.push([i, i + 1 + k])));
    return pairs;
}

describe("checks across services, on generated inputs (seeds 1-300)", () => {
    it("collidingPaths finds exactly the colliding pairs of mount paths", () => {
        for (let seed = 1; seed <= 300; seed++) {
            const r = random(seed);
            const paths = Array.from({ length: 1 + Math.floor(r() * 12) }, () =>
                Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ["a", "b", "ab", "a-b"])).join("/"),
            );
            assert.deepEqual(collidingPaths(paths), everyPair(paths, mountsCollide), `seed ${seed}: ${JSON.stringify(paths)}`);
        }
    });

    it("checkBindingOverlaps reports what comparing every pair of bindings reports", () => {
        const values = ["api", "web", "team-*", "*-api", "*", "team-api"];
        for (let seed = 1; seed <= 300; seed++) {
            const r = random(seed);
            const bindings: RoleBinding[] = Array.from({ length: 1 + Math.floor(r() * 10) }, (_, i) => ({
                at: `services[${i}]`,
                names: Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, values)),
                namespaces: Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, values)),
                shared: r() < 0.2,
            }));
            // Every pair, one at a time: the check itself on two bindings compares that pair only.
            const expected = everyPair(bindings, (a, b) => checkBindingOverlaps([a, b]).length > 0).flatMap(([i, j]) =>
                checkBindingOverlaps([bindings[i], bindings[j]]),
            );
            assert.deepEqual(checkBindingOverlaps(bindings), expected, `seed ${seed}: ${JSON.stringify(bindings)}`);
        }
    });
});
