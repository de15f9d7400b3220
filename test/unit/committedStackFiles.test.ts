import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
const repoDir = path.resolve(__dirname, "..", "..");

// A committed stack file must work in every clone: a passphrase salt, an encrypted key or a
// `secure:` value ties it to one machine's passphrase (a fresh clone then fails with
// "incorrect passphrase").
describe("committed stack files", () => {
    const files = execFileSync("git", ["ls-files", "Pulumi.*.yaml"], { cwd: repoDir, encoding: "utf8" }).split("\n").filter(Boolean);

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
