import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { moveOrder } from "../../../scripts/fleet/moves";

// A service moved between teams: the stack that gives up its role and policy runs first.
const holds = (roles: string[], policies = roles) => ({ roles, policies });

describe("services moved between teams", () => {
    it("nothing moved: no stack runs first", () =>
        assert.deepEqual(moveOrder({ a: holds(["x"]), b: holds(["y"]) }, { a: holds(["x"]), b: holds(["y", "z"]) }), {
            first: [],
            conflicts: [],
        }));
    it("a service moved from a to b: a first", () =>
        assert.deepEqual(moveOrder({ a: holds(["x", "w"]), b: holds(["y"]) }, { a: holds(["w"]), b: holds(["y", "x"]) }), {
            first: ["a"],
            conflicts: [],
        }));
    it("a policy name alone taken over counts too", () =>
        assert.deepEqual(moveOrder({ a: holds(["x"], ["p"]) }, { a: holds([], []), b: holds(["y"], ["p"]) }).first, ["a"]));
    it("a removed team's service taken over: the removed stack first", () =>
        assert.deepEqual(moveOrder({ gone: holds(["x"]), b: holds([]) }, { b: holds(["x"]) }).first, ["gone"]));
    it("a to b and b to c at once: refused, two runs are needed", () =>
        assert.deepEqual(
            moveOrder({ a: holds(["x"]), b: holds(["y"]), c: holds([]) }, { a: holds([]), b: holds(["x"]), c: holds(["y"]) }),
            { first: ["a", "b"], conflicts: ["a → b"] },
        ));
    it("a swap between a and b: refused", () =>
        assert.deepEqual(moveOrder({ a: holds(["x"]), b: holds(["y"]) }, { a: holds(["y"]), b: holds(["x"]) }).conflicts, [
            "a → b",
            "b → a",
        ]));
});
