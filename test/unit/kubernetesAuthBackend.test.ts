import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { find, installMocks, parentTypes, promiseOf, Registered, secretInput, settle, testCa, testJwt, urnOf } from "../support/mocks";
import { KubernetesAuthBackend } from "../../components/kubernetesAuthBackend";

const host = "https://10.0.0.1:6443";

describe("KubernetesAuthBackend", () => {
    let registered: Registered[];
    let backend: KubernetesAuthBackend;

    before(async () => {
        registered = await installMocks();
        const provider = new vault.Provider("vault", { address: "http://127.0.0.1:8200" });
        backend = new KubernetesAuthBackend(
            "kubernetes",
            {
                kubernetesHost: pulumi.output(host),
                kubernetesCaCert: pulumi.output(testCa.trimEnd()),
                tokenReviewerJwt: pulumi.secret(testJwt),
                tokenReviewerJwtVersion: 7,
            },
            { providers: { vault: provider } },
        );
        await promiseOf(backend.accessor);
        await settle();
    });

    it("mounts an auth method of type kubernetes at kubernetes", () => {
        const auth = find(registered, "vault:index/authBackend:AuthBackend");
        assert.equal(auth.inputs.type, "kubernetes");
        assert.equal(auth.inputs.path, "kubernetes");
    });

    it("configures host, CA (newline-terminated) and the reviewer JWT through the write-only field", () => {
        const config = find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
        assert.equal(config.inputs.backend, "kubernetes");
        assert.equal(config.inputs.kubernetesHost, host);
        assert.equal(config.inputs.kubernetesCaCert, testCa);
        assert.equal(secretInput(config.inputs.tokenReviewerJwtWo), testJwt);
        assert.equal(config.inputs.tokenReviewerJwtWoVersion, 7);
        assert.equal(config.inputs.tokenReviewerJwt, undefined);
        assert.equal(config.inputs.disableLocalCaJwt, true);
        assert.equal(config.inputs.disableIssValidation, true);
    });

    it("parents both resources to the component and uses the given vault provider", () => {
        for (const type of ["vault:index/authBackend:AuthBackend", "vault:kubernetes/authBackendConfig:AuthBackendConfig"]) {
            const r = find(registered, type);
            assert.deepEqual(parentTypes(urnOf(type, r.name)), ["vault-k8s-auth:index:KubernetesAuthBackend"]);
            assert.match(r.provider ?? "", /pulumi:providers:vault::vault::/);
        }
    });

    it("outputs the path and the mount accessor", async () => {
        assert.equal(await promiseOf(backend.path), "kubernetes");
        assert.equal(await promiseOf(backend.accessor), "auth_kubernetes_0a1b2c3d");
    });

    it("turns issuer validation on when an issuer is given, and can send the JWT as a plain (secret) field", async () => {
        new KubernetesAuthBackend("k8s-prod", {
            path: "k8s/prod",
            kubernetesHost: host,
            kubernetesCaCert: testCa,
            tokenReviewerJwt: testJwt,
            issuer: "https://kubernetes.default.svc.cluster.local",
            writeOnlyJwt: false,
            pemKeys: [testCa],
        });
        await settle();
        const config = find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig", "k8s-prod-config");
        assert.equal(config.inputs.disableIssValidation, false);
        assert.equal(config.inputs.issuer, "https://kubernetes.default.svc.cluster.local");
        assert.equal(secretInput(config.inputs.tokenReviewerJwt), testJwt);
        assert.equal(config.inputs.tokenReviewerJwtWo, undefined);
        assert.deepEqual(config.inputs.pemKeys, [testCa]);
    });
});

describe("KubernetesAuthBackend input checks", () => {
    const good = { kubernetesHost: host, kubernetesCaCert: testCa, tokenReviewerJwt: testJwt };
    const rejects = (args: any, pattern: RegExp) => assert.throws(() => new KubernetesAuthBackend("bad", { ...good, ...args }), pattern);

    before(async () => {
        await installMocks();
    });

    it("rejects a missing host", () =>
        rejects({ kubernetesHost: undefined }, /authBackend\.kubernetesHost: is missing; give the API server address/));
    it("rejects a missing CA", () => rejects({ kubernetesCaCert: undefined }, /authBackend\.kubernetesCaCert: is missing/));
    it("rejects a missing JWT", () => rejects({ tokenReviewerJwt: undefined }, /authBackend\.tokenReviewerJwt: is missing/));
    it("rejects a host that is not https", () =>
        rejects(
            { kubernetesHost: "http://10.0.0.1:6443" },
            /authBackend\.kubernetesHost: "http:\/\/10\.0\.0\.1:6443" must use https:\/\//,
        ));
    it("rejects a host that is not a URL", () =>
        rejects({ kubernetesHost: "10.0.0.1:6443" }, /authBackend\.kubernetesHost: .* (is not a URL|must use https)/));
    it("rejects a CA that is not PEM", () =>
        rejects({ kubernetesCaCert: "LS0tLS1CRUdJTi..." }, /authBackend\.kubernetesCaCert: is not a PEM certificate/));
    it("rejects an invalid mount path", () =>
        rejects({ path: "/kubernetes/" }, /authBackend\.path: "\/kubernetes\/" is not a valid Vault mount path/));
    it("rejects a reserved mount path", () => rejects({ path: "sys/k8s" }, /authBackend\.path: "sys\/k8s" is under "sys\/"/));
});
