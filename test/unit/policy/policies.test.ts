import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoDir } from "../../../scripts/lib/repo";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../../policy/policies";
import { devStackConfig, runProgram, writeKubeconfig } from "../../support/devStack";
import { installMocks, Registered, settle, testCa, unwrapSecrets } from "../../support/mocks";
import { check, checkStack } from "../../support/policyPackHarness";
import { jsonPolicy, role, types } from "../../support/policyPackFixtures";

// policy/policies.ts: the pack as a whole (its list of policies, its example config), the dev stack under it,
// and the pack served over gRPC as the Pulumi CLI runs it. The rules have a test file each, beside this one.

describe("policy pack", () => {
    it("has seven uniquely named mandatory policies", () => {
        assert.deepEqual(
            policies.map((p) => [p.name, p.enforcementLevel]),
            [
                ["vault-role-bound-service-accounts", "mandatory"],
                ["vault-role-token-ttl", "mandatory"],
                ["vault-jwt-role-scope", "mandatory"],
                ["vault-policy-no-privileged-paths", "mandatory"],
                ["vault-auth-config-reviewer", "mandatory"],
                ["k8s-reviewer-binding-scope", "mandatory"],
                ["vault-policy-kv-v2-paths", "mandatory"],
            ],
        );
    });

    it("ships an example --policy-pack-config that names only real policies and config keys, and weakens no rule", () => {
        const example = JSON.parse(fs.readFileSync(path.join(repoDir, "policy", "config.example.json"), "utf8"));
        const valid = (v: unknown, schema: { type?: unknown; items?: unknown }): boolean =>
            schema.type === "integer"
                ? Number.isInteger(v)
                : schema.type === "array"
                  ? Array.isArray(v) && v.every((item) => valid(item, schema.items as { type?: unknown }))
                  : typeof v === schema.type;
        for (const [name, value] of Object.entries(example as Record<string, unknown>)) {
            const policy = policies.find((p) => p.name === name);
            assert.ok(policy, name);
            // An enforcement level (a string, or the key enforcementLevel) would downgrade a mandatory rule.
            assert.equal(typeof value, "object", `${name}: the example sets an enforcement level`);
            assert.ok(!("enforcementLevel" in (value as object)), `${name}: the example sets an enforcement level`);
            const properties = policy.configSchema?.properties ?? {};
            for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
                const schema = properties[key];
                assert.ok(schema, `${name}.${key}`);
                assert.equal(valid(v, schema as { type?: unknown; items?: unknown }), true, `${name}.${key}`);
            }
        }
    });

    it("ignores resource types it has no rule for", async () => {
        assert.deepEqual(await check("kubernetes:core/v1:ServiceAccount", { metadata: { name: "default" } }), []);
    });
});

describe("the dev stack under the policy pack", () => {
    let registered: Registered[];

    before(async () => {
        process.env.KUBECONFIG = writeKubeconfig("https://127.0.0.1:6443");
        process.env.VAULT_ADDR = "http://127.0.0.1:8200";
        registered = await installMocks();
        pulumi.runtime.setAllConfig(devStackConfig());
        await runProgram();
        await settle();
    });

    it("registers resources of every type the pack checks, and none violates a policy", async () => {
        const custom = registered.filter((r) => r.custom);
        for (const type of Object.values(types))
            assert.ok(
                custom.some((r) => r.type === type),
                type,
            );
        for (const r of custom) {
            // The engine hands the pack secret inputs unwrapped (see vault-auth-config-reviewer).
            assert.deepEqual(await check(r.type, unwrapSecrets(r.inputs) as Record<string, unknown>, { name: r.name }), [], r.name);
        }
    });

    it("passes the stack checks too (its kv-v2 Mount, its labelled reviewer account and binding)", async () => {
        const resources = registered
            .filter((r) => r.custom)
            .map((r) => ({ type: r.type, name: r.name, props: unwrapSecrets(r.state) as Record<string, unknown> }));
        assert.ok(
            resources.some(
                (r) => r.type === types.mount && r.props.type === "kv" && (r.props.options as { version?: string })?.version === "2",
            ),
        );
        assert.ok(
            resources.some(
                (r) =>
                    r.type === types.serviceAccount &&
                    (r.props.metadata as { labels?: Record<string, string> })?.labels?.["app.kubernetes.io/component"],
            ),
        );
        assert.deepEqual(await checkStack(resources), []);
    });
});

// The pack as the Pulumi CLI starts it: `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>`
// with the pack folder as working directory, then gRPC calls like the engine's.
describe("the pack as the Pulumi CLI runs it", () => {
    const packDir = path.join(repoDir, "policy");
    let pack: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        pack = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", packDir], {
            cwd: packDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            let err = "";
            const timer = setTimeout(() => reject(new Error(`the pack printed no port within 90s; stderr: ${err}`)), 90_000);
            pack.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]);
                }
            });
            pack.stderr!.on("data", (d: Buffer) => (err += d.toString()));
            pack.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`the pack exited with ${code}; stderr: ${err}`));
            });
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    const unary = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req) =>
        new Promise<Res>((resolve, reject) => method.call(client, req, (e, res) => (e ? reject(e) : resolve(res))));

    async function analyze(type: string, props: Record<string, unknown>, additionalSecretOutputs: string[] = []): Promise<string[]> {
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(type);
        req.setName("test");
        req.setUrn(`urn:pulumi:dev::vault-k8s-auth::${type}::test`);
        req.setProperties(Struct.fromJavaScript(props as Record<string, never>));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setAdditionalsecretoutputsList(additionalSecretOutputs);
        req.setOptions(options);
        const res = await unary<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze, req);
        return res.getDiagnosticsList().map((d) => `${d.getPolicyname()}: ${d.getMessage().split("\n").pop()}`);
    }

    it("serves the pack's policies with their config schema", async () => {
        const info = await unary<Empty, analyzerPb.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
        assert.equal(info.getName(), "vault-k8s-auth");
        assert.equal(info.getVersion(), "0.1.0");
        assert.deepEqual(
            info.getPoliciesList().map((p) => p.getName()),
            policies.map((p) => p.name),
        );
        const ttl = info.getPoliciesList().find((p) => p.getName() === "vault-role-token-ttl")!;
        const schema = ttl.getConfigschema()!.getProperties()!.toJavaScript() as Record<string, { default?: unknown }>;
        assert.deepEqual([schema.maxTokenTtlSeconds.default, schema.maxTokenMaxTtlSeconds.default], [86400, 604800]);
        const jwt = info.getPoliciesList().find((p) => p.getName() === "vault-jwt-role-scope")!;
        const jwtSchema = jwt.getConfigschema()!.getProperties()!.toJavaScript() as Record<string, { default?: unknown }>;
        assert.equal(jwtSchema.maxJwtModeTokenMaxTtlSeconds.default, 3600);
    });

    it("receives a secret JWT unwrapped: its secret flag is not observable, additionalSecretOutputs is", async () => {
        const secretJwt = { [specialSigKey]: specialSecretSig, value: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" };
        const props = { kubernetesHost: "https://10.0.0.1:6443", kubernetesCaCert: testCa, tokenReviewerJwt: secretJwt };
        const flagged = await analyze(types.config, props);
        assert.equal(flagged.length, 1);
        assert.match(flagged[0], /^vault-auth-config-reviewer: tokenReviewerJwt is set but not listed in additionalSecretOutputs/);
        assert.deepEqual(await analyze(types.config, props, ["tokenReviewerJwt"]), []);
    });

    it("runs the stack checks at the end of a preview (analyzeStack): a kv-v2 Mount and a policy that misses it", async () => {
        const resource = (type: string, name: string, props: Record<string, unknown>) => {
            const r = new analyzerPb.AnalyzerResource();
            r.setType(type);
            r.setName(name);
            r.setUrn(`urn:pulumi:dev::vault-k8s-auth::${type}::${name}`);
            r.setProperties(Struct.fromJavaScript(props as Record<string, never>));
            r.setOptions(new analyzerPb.AnalyzerResourceOptions());
            return r;
        };
        const req = new analyzerPb.AnalyzeStackRequest();
        req.setResourcesList([
            resource(types.mount, "payments", { path: "payments", type: "kv-v2" }),
            resource(types.policy, "payments", jsonPolicy({ "payments/app/*": ["read"] })),
        ]);
        const res = await unary<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(client.analyzeStack, req);
        assert.deepEqual(
            res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn(), d.getEnforcementlevel()]),
            [
                [
                    "vault-policy-kv-v2-paths",
                    `urn:pulumi:dev::vault-k8s-auth::${types.policy}::payments`,
                    analyzerPb.EnforcementLevel.MANDATORY,
                ],
            ],
        );
        assert.match(
            res.getDiagnosticsList()[0].getMessage(),
            /path "payments\/app\/\*" is on kv-v2 mount "payments" \(a kv-v2 Mount in this stack\)/,
        );
    });

    it("applies policy config sent by the engine", async () => {
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        const config = new analyzerPb.PolicyConfig();
        config.setEnforcementlevel(analyzerPb.EnforcementLevel.MANDATORY);
        config.setProperties(Struct.fromJavaScript({ maxTokenTtlSeconds: 600, maxTokenMaxTtlSeconds: 3600 }));
        request.getPolicyconfigMap().set("vault-role-token-ttl", config);
        await unary<analyzerPb.ConfigureAnalyzerRequest, Empty>(client.configure, request);
        assert.deepEqual(await analyze(types.role, role({ tokenTtl: 900, tokenMaxTtl: 3600 })), [
            "vault-role-token-ttl: tokenTtl is 900s, above the allowed 600s. Lower tokenTtl to at most 600s, " +
                "or raise maxTokenTtlSeconds in the policy pack config if a longer lifetime is intended.",
        ]);
    });
});
