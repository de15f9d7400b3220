import assert from "node:assert/strict";
import { generateKeyPairSync } from "crypto";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import {
    Captured,
    captureOptions,
    find,
    installMocks,
    parentTypes,
    promiseOf,
    Registered,
    secretInput,
    settle,
    testCa,
    testJwt,
    urnOf,
} from "../../support/mocks";
import { jwtVersion, KubernetesAuthBackend, KubernetesAuthBackendArgs } from "../../../components/kubernetesAuthBackend";
import { testPublicKey } from "../../support/keys";

/** The config fields (all but the backend and the JWT) as the component passed them. */
const configFields = (r: Registered) => {
    const { backend: _b, tokenReviewerJwtWo: _j, tokenReviewerJwtWoVersion: _v, ...fields } = r.inputs;
    return fields;
};

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

    it("configures host, CA (newline-terminated) and the reviewer JWT through the write-only field", async () => {
        const config = find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
        assert.equal(config.inputs.backend, "kubernetes");
        assert.equal(config.inputs.kubernetesHost, host);
        assert.equal(config.inputs.kubernetesCaCert, testCa);
        assert.equal(secretInput(config.inputs.tokenReviewerJwtWo), testJwt);
        assert.equal(config.inputs.tokenReviewerJwtWoVersion, await promiseOf(jwtVersion(testJwt, configFields(config))));
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

    it("outputs the path it mounted and the accessor Vault gave that mount", async () => {
        const auth = find(registered, "vault:index/authBackend:AuthBackend");
        assert.equal(await promiseOf(backend.path), auth.inputs.path);
        assert.equal(await promiseOf(backend.accessor), auth.state.accessor);
        const other = new KubernetesAuthBackend("k8s-other", {
            path: "k8s/other",
            kubernetesHost: host,
            kubernetesCaCert: testCa,
            tokenReviewerJwt: testJwt,
        });
        assert.equal(
            await promiseOf(other.accessor),
            find(registered, "vault:index/authBackend:AuthBackend", "k8s-other-auth").state.accessor,
        );
        assert.notEqual(await promiseOf(other.accessor), await promiseOf(backend.accessor));
    });

    it("turns issuer validation on when an issuer is given, and can send the JWT as a plain (secret) field", async () => {
        new KubernetesAuthBackend("k8s-prod", {
            path: "k8s/prod",
            kubernetesHost: host,
            kubernetesCaCert: testCa,
            tokenReviewerJwt: testJwt,
            issuer: "https://kubernetes.default.svc.cluster.local",
            writeOnlyJwt: false,
            pemKeys: [testPublicKey],
        });
        await settle();
        const config = find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig", "k8s-prod-config");
        assert.equal(config.inputs.disableIssValidation, false);
        assert.equal(config.inputs.issuer, "https://kubernetes.default.svc.cluster.local");
        assert.equal(secretInput(config.inputs.tokenReviewerJwt), testJwt);
        assert.equal(config.inputs.tokenReviewerJwtWo, undefined);
        assert.deepEqual(config.inputs.pemKeys, [testPublicKey]);
    });
});

describe("KubernetesAuthBackend input checks", () => {
    const good = { kubernetesHost: host, kubernetesCaCert: testCa, tokenReviewerJwt: testJwt };
    const rejects = (args: any, pattern: RegExp) => assert.throws(() => new KubernetesAuthBackend("bad", { ...good, ...args }), pattern);

    before(async () => {
        await installMocks();
    });

    it("rejects a missing host", () => rejects({ kubernetesHost: undefined }, /- kubernetesHost: is missing; give the API server address/));
    it("rejects a missing CA", () => rejects({ kubernetesCaCert: undefined }, /- kubernetesCaCert: is missing/));
    it("rejects a missing JWT", () => rejects({ tokenReviewerJwt: undefined }, /- tokenReviewerJwt: is missing/));
    it("rejects a host that is not https", () =>
        rejects({ kubernetesHost: "http://10.0.0.1:6443" }, /- kubernetesHost: "http:\/\/10\.0\.0\.1:6443" must use https:\/\//));
    it("rejects a host that is not a URL", () =>
        rejects({ kubernetesHost: "10.0.0.1:6443" }, /- kubernetesHost: .* (is not a URL|must use https)/));
    it("rejects a CA that is not PEM", () =>
        rejects({ kubernetesCaCert: "LS0tLS1CRUdJTi..." }, /- kubernetesCaCert: is not a PEM certificate/));
    it("rejects an invalid mount path", () =>
        rejects({ path: "/kubernetes/" }, /- path: "\/kubernetes\/" is not a valid Vault mount path/));
    it("rejects a reserved mount path", () => rejects({ path: "sys/k8s" }, /- path: "sys\/k8s" is under "sys\/"/));
    it("rejects pemKeys that are not PEM public keys", async () => {
        rejects({ pemKeys: ["ssh-rsa AAAA"] }, /- pemKeys\[0\]: is not a PEM public key or certificate/);
        rejects({ pemKeys: ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"] }, /- pemKeys\[0\]: is not a PEM public key/);
        const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
        rejects(
            { pemKeys: [privateKey.export({ type: "pkcs8", format: "pem" }).toString()] },
            /- pemKeys\[0\]: is a PRIVATE key, which must never be in stack config/,
        );
        await promiseOf(new KubernetesAuthBackend("good-keys", { ...good, pemKeys: [testPublicKey] }).accessor);
        await settle();
    });
});

describe("KubernetesAuthBackend under change", () => {
    let registered: Registered[];
    const base = { kubernetesHost: host, kubernetesCaCert: testCa, tokenReviewerJwt: testJwt };
    before(async () => {
        registered = await installMocks();
    });
    const versionOf = (name: string) => find(registered, "vault:kubernetes/authBackendConfig:AuthBackendConfig", `${name}-config`).inputs;

    it("sends every config field into the JWT's version, so each change re-sends the JWT", async () => {
        new KubernetesAuthBackend("v-base", base);
        const changes: [string, Partial<KubernetesAuthBackendArgs>][] = [
            ["kubernetesHost", { kubernetesHost: "https://10.0.0.2:6443" }],
            ["kubernetesCaCert", { kubernetesCaCert: `${testCa}${testCa}` }],
            ["issuer", { issuer: "https://issuer.example" }],
            ["disableIssValidation", { disableIssValidation: false }],
            ["disableLocalCaJwt", { disableLocalCaJwt: false }],
            ["pemKeys", { pemKeys: [testPublicKey] }],
        ];
        for (const [field, change] of changes) new KubernetesAuthBackend(`v-${field}`, { ...base, ...change });
        await settle();
        const baseVersion = versionOf("v-base").tokenReviewerJwtWoVersion;
        assert.ok(Number.isSafeInteger(baseVersion), String(baseVersion));
        for (const [field] of changes) assert.notEqual(versionOf(`v-${field}`).tokenReviewerJwtWoVersion, baseVersion, field);
    });

    it("replaces the config (a create always sends the JWT) when a field differs, also after a hand edit; plain mode updates", async () => {
        const writeOnly = captureOptions();
        const plain = captureOptions();
        new KubernetesAuthBackend("r-wo", base, { transformations: [writeOnly.transformation] });
        new KubernetesAuthBackend("r-plain", { ...base, writeOnlyJwt: false }, { transformations: [plain.transformation] });
        await settle();
        const configOpts = (c: Captured[]) => c.find((x) => x.type === "vault:kubernetes/authBackendConfig:AuthBackendConfig")!.opts;
        assert.deepEqual([...(configOpts(writeOnly.captured).replaceOnChanges ?? [])].sort(), [
            "disableIssValidation",
            "disableLocalCaJwt",
            "issuer",
            "kubernetesCaCert",
            "kubernetesHost",
            "pemKeys",
        ]);
        assert.deepEqual(configOpts(plain.captured).replaceOnChanges ?? [], []);
    });
});

describe("the write-only JWT version", () => {
    // Vault replaces the whole config on every write, and the provider sends the write-only JWT only
    // when its version changes: any change of any field must change the version, or the update
    // stores an empty reviewer JWT and every login fails.
    const fields = {
        kubernetesHost: host,
        kubernetesCaCert: testCa,
        issuer: undefined as string | undefined,
        disableIssValidation: true,
        disableLocalCaJwt: true,
        pemKeys: undefined as string[] | undefined,
    };
    const version = (jwt: string, f: Record<string, unknown>) => promiseOf(jwtVersion(jwt, f));

    before(async () => {
        await installMocks();
    });

    it("is stable for the same JWT and config", async () => {
        assert.equal(await version(testJwt, fields), await version(testJwt, { ...fields }));
    });

    it("changes with the JWT (a token regenerated in the same Secret)", async () => {
        assert.notEqual(await version(testJwt, fields), await version(`${testJwt}x`, fields));
    });

    for (const [field, value] of [
        ["kubernetesHost", "https://10.0.0.2:6443"],
        ["kubernetesCaCert", `${testCa}${testCa}`],
        ["issuer", "https://issuer.example"],
        ["disableIssValidation", false],
        ["disableLocalCaJwt", false],
        ["pemKeys", ["-----BEGIN PUBLIC KEY-----"]],
    ] as const) {
        it(`changes when ${field} changes`, async () => {
            assert.notEqual(await version(testJwt, fields), await version(testJwt, { ...fields, [field]: value }));
        });
    }

    it("is a positive whole number the provider's int64 holds exactly, and not a secret", async () => {
        const v = jwtVersion(pulumi.secret(testJwt), fields);
        const n = await promiseOf(v);
        assert.ok(Number.isSafeInteger(n) && n > 0, String(n));
        assert.equal(await pulumi.isSecret(v), false);
    });
});
