import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { testCa } from "../../support/mocks";
import { check } from "../../support/policyPackHarness";
import { messages, types } from "../../support/policyPackFixtures";

// policy/rules/authBackendConfig.ts. `check` runs every policy of the pack, so each test also shows the others stay quiet.

const authConfig = (over: Record<string, unknown> = {}) => ({
    backend: "kubernetes",
    kubernetesHost: "https://10.0.0.1:6443",
    kubernetesCaCert: testCa,
    tokenReviewerJwtWo: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    tokenReviewerJwtWoVersion: 1,
    disableLocalCaJwt: true,
    ...over,
});

describe("vault-auth-config-reviewer", () => {
    it("passes a pinned CA with the write-only JWT", async () => {
        assert.deepEqual(await check(types.config, authConfig()), []);
    });

    it("passes tokenReviewerJwt that the resource marks as a secret output", async () => {
        const { tokenReviewerJwtWo: jwt, tokenReviewerJwtWoVersion: _v, ...rest } = authConfig();
        const props = { ...rest, tokenReviewerJwt: jwt };
        assert.deepEqual(await check(types.config, props, { additionalSecretOutputs: ["tokenReviewerJwt", "tokenReviewerJwtWo"] }), []);
    });

    it("passes a client-jwt config (no reviewer JWT at all), even when the config requires the write-only field", async () => {
        const { tokenReviewerJwtWo: _j, tokenReviewerJwtWoVersion: _v, ...clientJwt } = authConfig();
        assert.deepEqual(await check(types.config, clientJwt), []);
        const config = { "vault-auth-config-reviewer": { requireWriteOnlyJwt: true } };
        assert.deepEqual(await check(types.config, clientJwt, { config }), []);
    });

    it("rejects a missing or empty CA", async () => {
        const { kubernetesCaCert: _ca, ...withoutCa } = authConfig();
        const expected = [
            {
                policy: "vault-auth-config-reviewer",
                message:
                    "kubernetesCaCert is not set, so Vault cannot pin the API server it sends TokenReview requests to. " +
                    "Set kubernetesCaCert to the API server's PEM CA (e.g. the kubeconfig's certificate-authority-data, base64-decoded).",
            },
        ];
        assert.deepEqual(await check(types.config, withoutCa), expected);
        assert.deepEqual(await check(types.config, authConfig({ kubernetesCaCert: "  \n" })), expected);
    });

    it("rejects tokenReviewerJwt that is not marked as a secret output", async () => {
        const { tokenReviewerJwtWo: jwt, tokenReviewerJwtWoVersion: _v, ...rest } = authConfig();
        assert.deepEqual(await check(types.config, { ...rest, tokenReviewerJwt: jwt }), [
            {
                policy: "vault-auth-config-reviewer",
                message:
                    "tokenReviewerJwt is set but not listed in additionalSecretOutputs, so nothing guarantees it is encrypted in state " +
                    "(a policy pack cannot see an input's secret flag). Pass the JWT as tokenReviewerJwtWo with a tokenReviewerJwtWoVersion, " +
                    'or wrap it in pulumi.secret() and add additionalSecretOutputs: ["tokenReviewerJwt"].',
            },
        ]);
    });

    it("rejects tokenReviewerJwt altogether when the config requires the write-only field", async () => {
        const { tokenReviewerJwtWo: jwt, tokenReviewerJwtWoVersion: _v, ...rest } = authConfig();
        const options = {
            additionalSecretOutputs: ["tokenReviewerJwt"],
            config: { "vault-auth-config-reviewer": { requireWriteOnlyJwt: true } },
        };
        assert.deepEqual(messages(await check(types.config, { ...rest, tokenReviewerJwt: jwt }, options)), [
            "tokenReviewerJwt is set, and this stack requires the write-only field (requireWriteOnlyJwt). " +
                "Pass the JWT as tokenReviewerJwtWo with a tokenReviewerJwtWoVersion (KubernetesAuthBackend: writeOnlyJwt: true).",
        ]);
        assert.deepEqual(await check(types.config, authConfig(), options), []);
    });

    it("still checks the JWT when the CA is unknown during preview", async () => {
        const preview = authConfig({ kubernetesCaCert: unknownValue, tokenReviewerJwtWo: unknownValue });
        assert.deepEqual(messages(await check(types.config, preview)), [
            "can't run during preview: string value at .kubernetesCaCert can't be known during preview",
        ]);
        const { tokenReviewerJwtWo: _j, tokenReviewerJwtWoVersion: _v, ...rest } = preview;
        const plain = await check(types.config, { ...rest, tokenReviewerJwt: unknownValue });
        assert.equal(plain.length, 2);
        assert.match(plain[1].message, /^tokenReviewerJwt is set but not listed in additionalSecretOutputs/);
    });
});
