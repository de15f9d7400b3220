import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filledTokenData } from "../../components/tokenReviewer";

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
