import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { configKeys, serviceConfigKeys, stackConfigSchema } from "../../../stack/configSchema";
import { serviceAccessDefaults } from "../../../components/serviceAccessArgs";
import { configPage, generatedConfigDocs } from "../../../scripts/docs/configDocs";
import { repoDir } from "../../../scripts/lib/repo";

// The config schema (stack/configSchema.ts) and ServiceAccessArgs' doc comments are the one source of
// each key's type, default and description; Pulumi.yaml's declarations and the tables of
// docs/configuration.md are generated from them. A key added, renamed or re-described in one place
// only fails here.

describe("config declarations", () => {
    for (const file of ["Pulumi.yaml", configPage]) {
        it(`${file} is what npm run docs:config generates`, async () => {
            const generated = (await generatedConfigDocs()).find((f) => f.file === file)!;
            assert.ok(generated.committed === generated.generated, `${file} is out of step with its source: run npm run docs:config`);
        });
    }

    const declarations = (
        parse(fs.readFileSync(path.join(repoDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> }
    ).config;

    it("Pulumi.yaml declares exactly the schema's keys, with the schema's (and the components') defaults or unset", () => {
        assert.deepEqual(Object.keys(declarations).sort(), [...configKeys].sort());
        for (const key of configKeys) {
            const parsed = stackConfigSchema.shape[key as keyof typeof stackConfigSchema.shape].safeParse(undefined);
            const schemaDefault = parsed.success ? parsed.data : undefined;
            const declared = declarations[key].default;
            if (schemaDefault === undefined) assert.ok(declared === "" || (Array.isArray(declared) && declared.length === 0), key);
            else assert.deepEqual(declared, schemaDefault, key);
        }
    });

    it("Pulumi.yaml's types accept the dev stack's values, as Pulumi checks them before the program runs", () => {
        const dev = (parse(fs.readFileSync(path.join(repoDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
        // `pulumi config set` stores booleans as "true"/"false", which Pulumi accepts for a boolean key.
        const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : v === "true" || v === "false" ? "boolean" : typeof v);
        for (const [fullKey, value] of Object.entries(dev)) {
            const declared = declarations[fullKey.replace(/^vault-k8s-auth:/, "")] as { type: string; items?: { type: string } };
            assert.equal(typeOf(value), declared.type, fullKey);
            if (Array.isArray(value)) for (const item of value) assert.equal(typeOf(item), declared.items?.type, `${fullKey}[]`);
        }
    });

    it("docs/configuration.md documents every key and every service field, with the defaults the component applies", () => {
        const page = fs.readFileSync(path.join(repoDir, configPage), "utf8");
        const row = (key: string) => page.split("\n").find((l) => l.startsWith(`| \`${key}\``)) ?? "";
        assert.deepEqual(
            [...configKeys, ...serviceConfigKeys].filter((k) => row(k) === ""),
            [],
        );
        assert.match(row("tokenTtl"), new RegExp(`\\| ${serviceAccessDefaults.tokenTtl} `));
        assert.match(row("tokenType"), new RegExp(`\\| "${serviceAccessDefaults.tokenType}" `));
    });
});
