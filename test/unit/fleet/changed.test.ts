import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changedStacks } from "../../../scripts/fleet/changed";

// The pull-request check previews the teams whose file changed, and every stack when the platform
// or the program changed.
describe("the stacks a change touches", () => {
    it("a team's file: that team", () => assert.deepEqual(changedStacks("fleet", ["fleet/teams/search.yaml"]), ["search"]));
    it("two teams' files: both", () =>
        assert.deepEqual(changedStacks("fleet", ["fleet/teams/search.yaml", "fleet/teams/payments.yaml"]), ["payments", "search"]));
    it("a removed team's file: all (their preview names the stack to prune)", () =>
        assert.equal(changedStacks("fleet", ["fleet/teams/removed.yaml"]), "all"));
    it("the platform's declaration: all", () =>
        assert.equal(changedStacks("fleet", ["fleet/fleet.yaml", "fleet/teams/search.yaml"]), "all"));
    it("the program or a component: all", () => {
        for (const f of [
            "index.ts",
            "components/serviceAccess.ts",
            "stack/configSchema.ts",
            "package-lock.json",
            "policy/rules/tokenTtl.ts",
        ])
            assert.equal(changedStacks("fleet", ["fleet/teams/search.yaml", f]), "all", f);
    });
    it("documents only: none", () => assert.equal(changedStacks("fleet", ["README.md", "fleet/teams/README.md"]), "none"));
});
