import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import * as ts from "typescript";
import { VaultClient } from "../../scripts/lib/vault";
import { Harness, repoDir, toolchainRun } from "./harness";

// This repository as a component package that other programs reuse: in any language through
// PulumiPlugin.yaml (the schema the CLI infers from the TypeScript, and a Pulumi YAML program that
// deploys the whole chain), and in TypeScript as an npm library (`npm pack`, installed elsewhere).

const pkg = "vault-k8s-auth";
const components = ["TokenReviewer", "TokenReviewRole", "KubernetesAuthBackend", "ServiceAccess", "StateEncryptionKey"];

function tempDir(name: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `vault-k8s-auth-${name}-`));
}

interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    description?: string;
    secret?: boolean;
}

interface SchemaResource {
    isComponent?: boolean;
    description?: string;
    inputProperties?: Record<string, SchemaProperty>;
    requiredInputs?: string[];
    properties?: Record<string, SchemaProperty>;
}

/** The components and the files that declare them: class `Name`, and interface `NameArgs` (in a file of its own where named). */
const componentFiles: Record<string, { cls: string; args?: string }> = {
    TokenReviewer: { cls: "tokenReviewer.ts" },
    TokenReviewRole: { cls: "tokenReviewRole.ts" },
    KubernetesAuthBackend: { cls: "kubernetesAuthBackend.ts" },
    ServiceAccess: { cls: "serviceAccess.ts", args: "serviceAccessArgs.ts" },
    StateEncryptionKey: { cls: "stateEncryptionKey.ts" },
};

/**
 * What the schema should list, read from the TypeScript source with the compiler API: the properties
 * of the args interface (required: those without `?`) and the class's public `pulumi.Output<...>`
 * properties, each list sorted.
 */
function declaredApi(
    file: string,
    argsInterface: string,
    className?: string,
    classFile = file,
): { inputs: string[]; required: string[]; outputs: string[] } {
    const parse = (f: string) =>
        ts.createSourceFile(f, fs.readFileSync(path.join(repoDir, "components", f), "utf8"), ts.ScriptTarget.Latest, true);
    const source = parse(file);
    const classSource = parse(classFile);
    const iface = source.statements.find(
        (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === argsInterface,
    );
    assert.ok(iface, `${file}: no interface ${argsInterface}`);
    assert.equal(iface.heritageClauses, undefined, `${argsInterface} extends another interface: read its members too`);
    const members = iface.members.filter(ts.isPropertySignature);
    const name = (m: ts.PropertySignature | ts.PropertyDeclaration) => (m.name as ts.Identifier).text;
    const cls = classSource.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className);
    const outputs = (cls ? cls.members.filter(ts.isPropertyDeclaration) : [])
        .filter((m) => !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
        .filter((m) => m.type !== undefined && /^pulumi\.Output</.test(m.type.getText(classSource)));
    return {
        inputs: members.map(name).sort(),
        required: members
            .filter((m) => m.questionToken === undefined)
            .map(name)
            .sort(),
        outputs: outputs.map(name).sort(),
    };
}

describe("the components as a package", { timeout: 30 * 60 * 1000 }, () => {
    describe("the schema `pulumi package get-schema` infers from the TypeScript", () => {
        let schema: { name: string; resources: Record<string, SchemaResource>; types?: Record<string, { enum?: { value: string }[] }> };

        before(() => {
            // Not from the repository root: there PulumiPlugin.yaml sits beside the stack's Pulumi.yaml
            // and `pulumi package ...` refuses to pick one ("detected both").
            const run = toolchainRun(os.tmpdir(), `pulumi package get-schema "${repoDir}"`);
            assert.equal(run.code, 0, run.stderr.slice(-3000));
            schema = JSON.parse(run.stdout);
        });

        it("serves exactly the five components, documented", () => {
            assert.equal(schema.name, pkg);
            assert.deepEqual(Object.keys(schema.resources).sort(), components.map((c) => `${pkg}:index:${c}`).sort());
            for (const [token, r] of Object.entries(schema.resources)) {
                assert.equal(r.isComponent, true, token);
                assert.ok(r.description?.trim(), `${token}: no description (doc comment of the class)`);
            }
        });

        it("has exactly the inputs and outputs of the TypeScript, each described, and requires what the types require", () => {
            for (const [name, { cls, args }] of Object.entries(componentFiles)) {
                const want = declaredApi(args ?? cls, `${name}Args`, name, cls);
                const r = schema.resources[`${pkg}:index:${name}`];
                assert.deepEqual(Object.keys(r.inputProperties ?? {}).sort(), want.inputs, `${name} inputs (${name}Args)`);
                assert.deepEqual([...(r.requiredInputs ?? [])].sort(), want.required, `${name} required inputs`);
                assert.deepEqual(Object.keys(r.properties ?? {}).sort(), want.outputs, `${name} outputs (its public Output properties)`);
                for (const [kind, props] of [
                    ["input", r.inputProperties ?? {}],
                    ["output", r.properties ?? {}],
                ] as const) {
                    for (const [p, spec] of Object.entries(props))
                        assert.ok(spec.description?.trim(), `${name} ${kind} ${p}: no description`);
                }
            }
            // The object types the inputs use: the same properties as their interfaces, each described.
            for (const [type, file] of [
                ["PolicyRule", "policyRules.ts"],
                ["ServiceMountArgs", "serviceAccessArgs.ts"],
            ]) {
                const t = schema.types?.[`${pkg}:index:${type}`] as { properties?: Record<string, SchemaProperty> } | undefined;
                assert.deepEqual(Object.keys(t?.properties ?? {}).sort(), declaredApi(file, type).inputs, type);
                for (const [p, spec] of Object.entries(t?.properties ?? {}))
                    assert.ok(spec.description?.trim(), `${type}.${p}: no description`);
            }
            const sa = schema.resources[`${pkg}:index:ServiceAccess`].inputProperties!;
            assert.match(sa.namespace.description!, /namespace/i);
            assert.equal(sa.rules.type, "array");
        });

        it("flags no output secret, the reviewer JWT included (as docs/reuse.md says): its value is secret, not its schema", () => {
            const reviewerJwt = schema.resources[`${pkg}:index:TokenReviewer`].properties!.reviewerJwt;
            assert.ok(reviewerJwt, "TokenReviewer outputs reviewerJwt");
            assert.notEqual(
                reviewerJwt.secret,
                true,
                "the schema now marks reviewerJwt secret: update docs/reuse.md (From any Pulumi language)",
            );
            for (const r of Object.values(schema.resources)) {
                for (const p of [...Object.values(r.inputProperties ?? {}), ...Object.values(r.properties ?? {})])
                    assert.notEqual(p.secret, true);
            }
        });

        it("types a rule's capabilities as strings (an enum of Vault's capabilities, or plain)", () => {
            const rule = schema.types?.[`${pkg}:index:PolicyRule`] as { properties?: Record<string, SchemaProperty> } | undefined;
            const items = rule?.properties?.capabilities?.items;
            assert.ok(items, "PolicyRule.capabilities is an array");
            if (items.$ref) {
                const values = schema.types?.[items.$ref.replace("#/types/", "")]?.enum?.map((e) => e.value) ?? [];
                for (const c of ["read", "list", "deny", "read-metadata"]) assert.ok(values.includes(c), `enum lacks ${c}`);
            } else {
                assert.equal(items.type, "string");
            }
        });
    });

    describe("used from other programs, deployed in a local environment", () => {
        const h = new Harness(path.join(repoDir, ".local", `it-${process.pid}-package`));
        const temps: string[] = [];
        let vaultAddress = "";
        let kubernetesHost = "";

        before(() => {
            h.start("openbao");
            vaultAddress = h.env.VAULT_ADDR!;
            kubernetesHost = `https://127.0.0.1:${h.env.APISERVER_PORT}`;
        });

        after(() => {
            h.stop();
            fs.rmSync(h.localDir, { recursive: true, force: true });
            for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
        });

        /** Deploys the program in `dir` to a fresh stack, hands its outputs to `check`, then destroys it. */
        async function deploy(dir: string, stack: string, check: (outputs: Record<string, string>) => Promise<void>): Promise<void> {
            const ok = (...args: string[]) => {
                const run = h.pulumiIn(dir, ...args);
                assert.equal(run.code, 0, `pulumi ${args.join(" ")}:\n${(run.stdout + run.stderr).slice(-4000)}`);
                return run;
            };
            ok("stack", "init", stack);
            try {
                ok("config", "set", "vaultAddress", vaultAddress);
                ok("config", "set", "kubernetesHost", kubernetesHost);
                ok("up", "--yes", "--non-interactive");
                await check(JSON.parse(ok("stack", "output", "--json").stdout));
            } finally {
                ok("destroy", "--yes", "--non-interactive");
                ok("stack", "rm", "--yes");
            }
        }

        /**
         * `pulumi up` of the program in `dir` with `serviceNamespace` set to an invalid name, on a
         * fresh stack: it must fail, and create nothing (its preview already fails). Returns the CLI's output.
         */
        function refusedUp(dir: string, stack: string): string {
            const run = (...args: string[]) => h.pulumiIn(dir, ...args);
            assert.equal(run("stack", "init", stack).code, 0);
            try {
                for (const [key, value] of Object.entries({ vaultAddress, kubernetesHost, serviceNamespace: "Bad_NS" }))
                    assert.equal(run("config", "set", key, value).code, 0);
                const up = run("up", "--yes", "--non-interactive");
                assert.notEqual(up.code, 0, "an invalid argument must fail the update");
                const state = run("stack", "export");
                assert.ok(!state.stdout.includes(`${pkg}:index:`), "a component was created despite the invalid argument");
                return up.stdout + up.stderr;
            } finally {
                run("destroy", "--yes", "--non-interactive");
                run("stack", "rm", "--yes");
            }
        }

        /** The CLI shows the field and the fix, and no stack trace that would bury them. */
        function assertNamesFieldAndFix(output: string, field: RegExp): void {
            assert.match(output, field, output.slice(-3000));
            assert.match(
                output,
                /"Bad_NS" is not a valid Kubernetes namespace name; use at most 63 lower-case letters/,
                output.slice(-3000),
            );
            assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+\)?\n/, "a stack trace was printed");
        }

        /** A service logs in with its ServiceAccount's token and may read, not write, its mount. */
        async function assertServiceLogsIn(outputs: Record<string, string>, namespace: string, mount: string): Promise<void> {
            const jwt = await h.issueJwt(namespace, outputs.serviceAccountName);
            const login = await h.vaultAdmin().kubernetesLogin(outputs.authPath, outputs.roleName, jwt);
            assert.deepEqual(login.policies, ["default", outputs.policyName].sort());
            const caps = await new VaultClient(vaultAddress, login.token).capabilitiesSelf([`${mount}/data/app`]);
            assert.deepEqual(caps[`${mount}/data/app`], ["read"]);
        }

        it("a Pulumi YAML program (examples/yaml-service) deploys the chain; the service logs in", async () => {
            // The YAML language host is built only when asked for (the main job does not need it).
            h.script("toolchain/toolchain.sh", "yaml");
            // A copy: its stack file and the package path (`pulumi package add` of this repository) are its own.
            const dir = tempDir("yaml");
            temps.push(dir);
            const source = fs.readFileSync(path.join(repoDir, "examples", "yaml-service", "Pulumi.yaml"), "utf8");
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), source.replace(/^packages:\n(?: {2}.*\n)+/m, ""));
            const add = h.pulumiIn(dir, "package", "add", repoDir);
            assert.equal(add.code, 0, (add.stdout + add.stderr).slice(-3000));
            assert.match(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), new RegExp(`^packages:\\n {2}${pkg}: ${repoDir}$`, "m"));

            await deploy(dir, `it-${process.pid}-yaml`, async (outputs) => {
                assert.equal(outputs.authPath, "kubernetes");
                await assertServiceLogsIn(outputs, "yaml-service", "yaml-service");
                // The schema flags no output secret, but the reviewer JWT's value stays one: nowhere in plain text in state.
                const token = h.kubectl("-n", "vault-auth", "get", "secret", "vault-auth-token", "-o", "jsonpath={.data.token}");
                const jwt = Buffer.from(token.stdout, "base64").toString("utf8");
                assert.match(jwt, /^ey[\w-]+\.[\w-]+\.[\w-]+$/, token.stderr);
                const state = h.pulumiIn(dir, "stack", "export");
                assert.equal(state.code, 0, state.stderr);
                assert.ok(!state.stdout.includes(jwt), "the reviewer JWT is in the YAML stack's state in plain text");
            });
            assert.equal((await h.vaultAdmin().request("GET", "sys/policies/acl/service")).status, 404, "destroyed");
        });

        it("a YAML program with an invalid argument: the update fails naming the property and the fix (InputPropertiesError, shown per property), and creates nothing", () => {
            const dir = tempDir("yaml-invalid");
            temps.push(dir);
            const source = fs.readFileSync(path.join(repoDir, "examples", "yaml-service", "Pulumi.yaml"), "utf8");
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), source.replace(/^packages:\n(?: {2}.*\n)+/m, ""));
            assert.equal(h.pulumiIn(dir, "package", "add", repoDir).code, 0);
            const output = refusedUp(dir, `it-${process.pid}-yaml-invalid`);
            console.log(`[package] YAML, invalid namespace:\n${output.slice(-1500)}`);
            assertNamesFieldAndFix(output, /namespace/);
        });

        it("a TypeScript program imports the npm package (`npm pack`), type-checks and deploys; the service logs in", async () => {
            const dir = tempDir("ts");
            temps.push(dir);
            // `npm pack` runs `prepare` (the build of bin/components); the tarball is what a registry would serve.
            const pack = spawnSync("npm", ["pack", "--pack-destination", dir, "--json"], { cwd: repoDir, encoding: "utf8" });
            assert.equal(pack.status, 0, pack.stderr);
            const tarball = (JSON.parse(pack.stdout) as { filename: string }[])[0].filename;
            writeConsumer(dir, tarball);
            const install = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8" });
            assert.equal(install.status, 0, install.stderr.slice(-3000));
            // Type-checks the program against the package's .d.ts, including typecheck.ts's expected error.
            const tsc = spawnSync("npx", ["tsc", "--noEmit", "-p", "."], { cwd: dir, encoding: "utf8" });
            assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);

            await deploy(dir, `it-${process.pid}-ts`, (outputs) => assertServiceLogsIn(outputs, "ts-service", "ts-service"));

            // An invalid argument: the message names the argument and the fix, without a stack trace.
            const output = refusedUp(dir, `it-${process.pid}-ts-invalid`);
            console.log(`[package] TypeScript, invalid namespace:\n${output.slice(-1500)}`);
            assertNamesFieldAndFix(output, /ServiceAccess "ts-service": invalid input:\n\s+- namespace: /);
        });

        it("printed no secret", () => {
            const all = h.transcript.join("\n");
            assert.ok(!all.includes(h.env.VAULT_TOKEN!), "the Vault token appeared in CLI output");
        });
    });
});

/**
 * A fresh TypeScript program using the package tarball, with @pulumi/* at the versions this repository
 * uses (the package only names them as peers). Its namespaces and auth path differ from the YAML one's.
 */
function writeConsumer(dir: string, tarball: string): void {
    const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
    write("Pulumi.yaml", "name: ts-consumer\nruntime: nodejs\n");
    write(
        "package.json",
        JSON.stringify({
            name: "ts-consumer",
            private: true,
            main: "index.ts",
            dependencies: {
                "@pulumi/kubernetes": "4.25.0",
                "@pulumi/pulumi": "3.248.0",
                "@pulumi/vault": "7.8.0",
                [pkg]: `file:./${tarball}`,
            },
            devDependencies: { "@types/node": "20.19.43", typescript: "5.9.3" },
        }),
    );
    // skipLibCheck false: the package's own .d.ts are checked too.
    write(
        "tsconfig.json",
        JSON.stringify({
            compilerOptions: {
                strict: true,
                target: "es2022",
                module: "commonjs",
                moduleResolution: "node",
                esModuleInterop: true,
                skipLibCheck: false,
            },
        }),
    );
    write(
        "index.ts",
        `import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend, ServiceAccess, TokenReviewer } from "${pkg}";

const config = new pulumi.Config();
const cluster = new k8s.Provider("cluster", {}); // $KUBECONFIG
const vaultProvider = new vault.Provider("vault", { address: config.require("vaultAddress") }); // token: $VAULT_TOKEN
const reviewer = new TokenReviewer("reviewer", { namespace: "ts-vault-auth" }, { providers: [cluster] });
const backend = new KubernetesAuthBackend(
    "auth",
    { path: "ts-kubernetes", kubernetesHost: config.require("kubernetesHost"), kubernetesCaCert: reviewer.caCert, tokenReviewerJwt: reviewer.reviewerJwt },
    { providers: [vaultProvider] },
);
const service = new ServiceAccess(
    "ts-service",
    {
        namespace: config.get("serviceNamespace") ?? "ts-service",
        createNamespace: true,
        mount: { path: "ts-service", type: "kv-v2" },
        rules: [{ path: "ts-service/*", capabilities: ["read", "list"] }],
        authPath: backend.path,
    },
    { providers: [cluster, vaultProvider] },
);
export const { roleName, policyName, serviceAccountName, authPath } = service;
`,
    );
    // The rules are typed (not \`any\`): a misspelt capability must not compile.
    write(
        "typecheck.ts",
        `import { ServiceAccessArgs } from "${pkg}";
// @ts-expect-error "lsit" is not a capability
export const misspelt: ServiceAccessArgs["rules"] = [{ path: "x/*", capabilities: ["lsit"] }];
`,
    );
}
