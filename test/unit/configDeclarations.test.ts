import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { configKeys, serviceConfigKeys, stackConfigSchema } from "../../stack/config";

// The config schema (stack/config.ts) is the source of truth; Pulumi.yaml declares the same keys
// for `pulumi config`, and the README documents each of them. A key added or renamed in one place
// only fails here.
const repoDir = path.resolve(__dirname, "..", "..");
const declarations = (
    parse(fs.readFileSync(path.join(repoDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> }
).config;
const declared = Object.keys(declarations);
const readme = fs.readFileSync(path.join(repoDir, "README.md"), "utf8");
const configSection = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("### Policies and kv-v2"));

describe("config declarations", () => {
    it("Pulumi.yaml declares exactly the schema's keys", () => assert.deepEqual([...declared].sort(), [...configKeys].sort()));

    it("Pulumi.yaml's defaults are the schema's (and the components'), or mean unset", () => {
        for (const key of configKeys) {
            const parsed = stackConfigSchema.shape[key as keyof typeof stackConfigSchema.shape].safeParse(undefined);
            const schemaDefault = parsed.success ? parsed.data : undefined;
            const declaredDefault = declarations[key].default;
            if (schemaDefault === undefined) {
                assert.ok(
                    declaredDefault === "" || (Array.isArray(declaredDefault) && declaredDefault.length === 0),
                    `${key}: ${declaredDefault}`,
                );
            } else {
                assert.deepEqual(declaredDefault, schemaDefault, key);
            }
        }
    });

    it("the README's configuration tables document every key and every service field", () => {
        const missing = [...configKeys, ...serviceConfigKeys].filter((k) => !configSection.includes(`\`${k}\``));
        assert.deepEqual(missing, []);
    });
});
