import assert from "node:assert/strict";

/** A selection a test iterates over: an empty one would let every assertion in the loop pass unseen. */
export function nonEmpty<T>(items: T[]): T[] {
    assert.ok(items.length > 0, "the selection is empty: nothing would be checked");
    return items;
}
