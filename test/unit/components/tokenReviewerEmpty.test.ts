import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, it } from "node:test";
import { filledTokenData } from "../../../components/tokenReviewer";

describe("the token Secret check", () => {
    it("fails on an empty Secret with an error naming the Secret and the likely cause", () => {
        for (const data of [undefined, {}, { "ca.crt": "x", token: "" }] as (Record<string, string> | undefined)[]) {
            assert.throws(
                () => filledTokenData(data, "vault-auth/vault-auth-token"),
                (e: Error) => {
                    assert.match(e.message, /Secret vault-auth\/vault-auth-token has no data\.token/);
                    assert.match(e.message, /kube-controller-manager/);
                    return true;
                },
            );
        }
    });

    it("passes a filled Secret through", () => {
        assert.deepEqual(filledTokenData({ token: "dG9r" }, "ns/s"), { token: "dG9r" });
    });
});

describe("the reviewer wired to the auth backend", () => {
    // In its own process: the failed registration is an unhandled rejection node:test would claim,
    // and the runtime's leaked-promise check sets exit code 1, so only the printed JSON counts.
    const run = (secret: "filled" | "empty") => {
        const program = path.join(__dirname, "..", "..", "support", "reviewerWiredToBackend.ts");
        const child = spawnSync(process.execPath, ["--import", "tsx", program, secret], { encoding: "utf8" });
        const json = child.stdout.split("\n").find((line) => line.startsWith("{"));
        assert.ok(json, `no result from ${program}: ${child.stderr}`);
        return JSON.parse(json) as { types: string[]; errors: string[] };
    };
    const config = "vault:kubernetes/authBackendConfig:AuthBackendConfig";

    it("configures Vault when the token controller filled the Secret", () => {
        const { types, errors } = run("filled");
        assert.deepEqual(errors, []);
        assert.ok(types.includes(config), types.join(", "));
    });

    it("never sends an empty JWT to Vault: the config is not registered, and the error names the Secret", () => {
        const { types, errors } = run("empty");
        assert.ok(types.includes("kubernetes:core/v1:Secret"), types.join(", "));
        assert.ok(!types.includes(config), types.join(", "));
        assert.ok(errors.length > 0);
        for (const e of errors) assert.match(e, /Secret vault-auth\/vault-auth-token has no data\.token/);
    });
});
