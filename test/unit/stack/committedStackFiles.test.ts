import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { repoDir } from "../../../scripts/lib/repo";

// The local default's stack files (dev, the examples', any test stack's) must work in every clone,
// whose passphrase is its own (.local/passphrase): a salt, an encrypted key or a `secure:` value
// ties one to a single machine (a fresh clone then fails with "incorrect passphrase"). A team's own
// stack (e.g. Pulumi.prod.yaml with its KMS or shared passphrase) is tied to that provider on
// purpose, and is not one of these.
const localDefaultStacks = ["Pulumi.dev.yaml", "Pulumi.it-*.yaml", "examples/**/Pulumi.*.yaml"];
describe("committed stack files of the local default", () => {
    const files = execFileSync("git", ["ls-files", ...localDefaultStacks], { cwd: repoDir, encoding: "utf8" })
        .split("\n")
        .filter(Boolean);

    it("there is at least the dev stack", () => assert.ok(files.includes("Pulumi.dev.yaml"), files.join(", ")));

    for (const file of files) {
        it(`${file} carries no secrets-provider state and no secure: value`, () => {
            const text = fs.readFileSync(`${repoDir}/${file}`, "utf8");
            const doc = parse(text) ?? {};
            for (const key of ["encryptionsalt", "encryptedkey", "secretsprovider"]) assert.equal(doc[key], undefined, `${file}: ${key}`);
            assert.doesNotMatch(text, /^\s*secure:|\bsecure: /m, `${file}: a secure: value`);
        });
    }
});
