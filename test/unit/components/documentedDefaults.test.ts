import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { propertyDocs } from "../../../scripts/docs/configDocs";
import { nonEmpty } from "../../support/assertions";
import { kubernetesAuthBackendDefaults } from "../../../components/kubernetesAuthBackend";
import { serviceAccessDefaults } from "../../../components/serviceAccessArgs";
import { tokenReviewerDefaults } from "../../../components/tokenReviewer";
import { tokenReviewRoleDefaults } from "../../../components/tokenReviewRole";
import { stateEncryptionKeyDefaults } from "../../../components/stateEncryptionKey";

// Each component's defaults live in one object that the code applies; the args' doc comments must
// state the same values twice over: in the text ("Default: X."), which `pulumi package get-schema`
// turns into every language's docs (the analyzer drops tags), and in an @default tag, which
// TypeScript editors show.
const cases: [string, string, Record<string, unknown>, Record<string, string>][] = [
    ["tokenReviewer.ts", "TokenReviewerArgs", tokenReviewerDefaults, {}],
    ["kubernetesAuthBackend.ts", "KubernetesAuthBackendArgs", kubernetesAuthBackendDefaults, {}],
    ["serviceAccessArgs.ts", "ServiceAccessArgs", serviceAccessDefaults, { mountType: "ServiceMountArgs.type" }],
    ["tokenReviewRole.ts", "TokenReviewRoleArgs", tokenReviewRoleDefaults, {}],
    ["stateEncryptionKey.ts", "StateEncryptionKeyArgs", stateEncryptionKeyDefaults, {}],
];

describe("documented defaults", () => {
    for (const [file, iface, defaults, renamed] of cases) {
        it(`${iface}: each default in the doc comments is the one the code applies`, () => {
            for (const [key, value] of Object.entries(defaults)) {
                const [owner, prop] = (renamed[key] ?? `${iface}.${key}`).split(".");
                const doc = propertyDocs(file, owner)[prop];
                assert.ok(doc !== undefined, `${owner}.${prop} is not declared`);
                assert.ok(
                    doc.text.includes(`Default: ${JSON.stringify(value)}.`),
                    `${owner}.${prop}: "${doc.text}" does not say Default: ${JSON.stringify(value)}.`,
                );
                assert.equal(doc.tag, JSON.stringify(value), `${owner}.${prop}: @default`);
            }
        });
    }

    it("every optional argument states its default, in the text and in an @default tag that agree", () => {
        for (const [file, iface] of [
            ...cases.map(([f, i]) => [f, i]),
            ["serviceAccessArgs.ts", "ServiceMountArgs"],
            ["policyRules.ts", "PolicyRule"],
        ]) {
            const docs = propertyDocs(file, iface);
            const optional = nonEmpty(Object.keys(docs).filter((p) => docs[p].optional));
            for (const p of optional) {
                const said = /Default: (.+)\.$/m.exec(docs[p].text)?.[1];
                assert.ok(said, `${iface}.${p}: no "Default: X." in "${docs[p].text}"`);
                assert.equal(docs[p].tag, said, `${iface}.${p}: the @default tag and the text disagree`);
            }
        }
    });
});
