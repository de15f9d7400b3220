import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import * as ts from "typescript";
import { kubernetesAuthBackendDefaults } from "../../components/kubernetesAuthBackend";
import { serviceAccessDefaults } from "../../components/serviceAccess";
import { tokenReviewerDefaults } from "../../components/tokenReviewer";

// Each component's defaults live in one object that the code applies; the args' doc comments,
// which `pulumi package get-schema` turns into every language's docs, must state the same values.
// (Defaults are in the comment text, "Default: X.", not in @default tags: the schema analyzer
// keeps only the text.)
const componentsDir = path.resolve(__dirname, "..", "..", "components");

/** The doc comment text of each property of an interface, by property name. */
function propertyDocs(file: string, interfaceName: string): Record<string, string> {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(componentsDir, file), "utf8"), ts.ScriptTarget.Latest, true);
    const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName);
    assert.ok(decl, `${file}: no interface ${interfaceName}`);
    return Object.fromEntries(
        decl.members.filter(ts.isPropertySignature).map((m) => [
            (m.name as ts.Identifier).text,
            ts
                .getJSDocCommentsAndTags(m)
                .map((d) => (typeof d.comment === "string" ? d.comment : ""))
                .join("\n"),
        ]),
    );
}

const cases: [string, string, Record<string, unknown>, Record<string, string>][] = [
    ["tokenReviewer.ts", "TokenReviewerArgs", tokenReviewerDefaults, {}],
    ["kubernetesAuthBackend.ts", "KubernetesAuthBackendArgs", kubernetesAuthBackendDefaults, {}],
    ["serviceAccess.ts", "ServiceAccessArgs", serviceAccessDefaults, { mountType: "ServiceMountArgs.type" }],
];

describe("documented defaults", () => {
    for (const [file, iface, defaults, renamed] of cases) {
        it(`${iface}: each default in the doc comments is the one the code applies`, () => {
            for (const [key, value] of Object.entries(defaults)) {
                const [owner, prop] = (renamed[key] ?? `${iface}.${key}`).split(".");
                const doc = propertyDocs(file, owner)[prop];
                assert.ok(doc !== undefined, `${owner}.${prop} is not declared`);
                assert.ok(
                    doc.includes(`Default: ${JSON.stringify(value)}`),
                    `${owner}.${prop}: "${doc}" does not say Default: ${JSON.stringify(value)}`,
                );
            }
        });
    }

    it("every optional argument states its default", () => {
        for (const [file, iface] of [
            ...cases.map(([f, i]) => [f, i]),
            ["serviceAccess.ts", "ServiceMountArgs"],
            ["policyDocument.ts", "PolicyRule"],
        ]) {
            const source = fs.readFileSync(path.join(componentsDir, file), "utf8");
            const docs = propertyDocs(file, iface);
            const optional = [...source.matchAll(new RegExp(`^\\s+(?:readonly )?(\\w+)\\?:`, "gm"))]
                .map((m) => m[1])
                .filter((p) => p in docs);
            for (const p of optional) assert.match(docs[p], /Default: /, `${iface}.${p}`);
        }
    });
});
