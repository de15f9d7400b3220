import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { captureOptions, find, installMocks, parentTypes, promiseOf, Registered, settle, urnOf } from "../../support/mocks";
import { nonEmpty } from "../../support/assertions";
import { bindingOf, checkBindingOverlaps } from "../../../components/roleBindings";
import { loginExample, ServiceAccess } from "../../../components/serviceAccess";
import { ServiceAccessArgs } from "../../../components/serviceAccessArgs";

describe("ServiceAccess", () => {
    let registered: Registered[];
    let access: ServiceAccess;

    before(async () => {
        registered = await installMocks();
        const providers = { kubernetes: new k8s.Provider("cluster", {}), vault: new vault.Provider("vault", {}) };
        access = new ServiceAccess(
            "my-app",
            {
                namespace: "my-app",
                createNamespace: true,
                mount: { path: "my-app", type: "kv" },
                rules: [{ path: "my-app/*", capabilities: ["read", "list"] }],
                tokenTtl: 3600,
                tokenMaxTtl: 14400,
                audience: "vault",
                tokenType: "service",
            },
            { providers },
        );
        await promiseOf(access.loginExample);
        await settle();
    });

    it("creates the service's ServiceAccount in its namespace", () => {
        assert.deepEqual(find(registered, "kubernetes:core/v1:ServiceAccount").inputs.metadata, { name: "my-app", namespace: "my-app" });
        assert.equal(find(registered, "kubernetes:core/v1:Namespace").inputs.metadata.name, "my-app");
    });

    it("mounts the guide's kv (version 1) engine and writes its policy unchanged, as JSON", () => {
        const mount = find(registered, "vault:index/mount:Mount");
        assert.deepEqual([mount.inputs.path, mount.inputs.type, mount.inputs.options], ["my-app", "kv", { version: "1" }]);
        const policy = find(registered, "vault:index/policy:Policy");
        assert.equal(policy.inputs.name, "my-app");
        assert.deepEqual(JSON.parse(policy.inputs.policy), { path: { "my-app/*": { capabilities: ["read", "list"] } } });
    });

    it("binds the role to exactly that account and namespace, with the policy and token settings", () => {
        const role = find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole");
        assert.equal(role.inputs.backend, "kubernetes");
        assert.equal(role.inputs.roleName, "my-app");
        assert.deepEqual(role.inputs.boundServiceAccountNames, ["my-app"]);
        assert.deepEqual(role.inputs.boundServiceAccountNamespaces, ["my-app"]);
        assert.deepEqual(role.inputs.tokenPolicies, ["my-app"]);
        assert.deepEqual(
            [role.inputs.tokenTtl, role.inputs.tokenMaxTtl, role.inputs.audience, role.inputs.tokenType],
            [3600, 14400, "vault", "service"],
        );
    });

    it("parents every child to the component and sends each to its own provider", () => {
        for (const r of nonEmpty(registered.filter((x) => x.custom && !x.type.startsWith("pulumi:providers")))) {
            assert.deepEqual(parentTypes(urnOf(r.type, r.name)), ["vault-k8s-auth:index:ServiceAccess"], r.name);
            const pkg = r.type.split(":")[0];
            assert.match(r.provider ?? "", new RegExp(`pulumi:providers:${pkg}::`), r.name);
        }
    });

    it("outputs the names of the role and policy it made, and a login example that carries no secret", async () => {
        assert.equal(await promiseOf(access.roleName), find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole").state.roleName);
        assert.equal(await promiseOf(access.policyName), find(registered, "vault:index/policy:Policy").state.name);
        const login = await promiseOf(access.loginExample);
        assert.match(login, /\/v1\/auth\/kubernetes\/login/);
        assert.match(login, /"role": "my-app"/);
        // The role wants audience "vault": the pod's default token (audience: the API server) would be refused.
        assert.match(login, /\$\(cat \/var\/run\/secrets\/vault\/token\)/);
        assert.doesNotMatch(login, /serviceaccount\/token/);
    });

    it("logs in with the pod's own token when the role wants no audience", () => {
        assert.match(loginExample("kubernetes", "a"), /\$\(cat \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token\)/);
        assert.match(loginExample("k8s/prod", "a", "vault"), /\$\(cat \/var\/run\/secrets\/vault\/token\).*\/v1\/auth\/k8s\/prod\/login/);
    });

    it("expands rules on its kv-v2 mount and binds to an existing account when told", async () => {
        const before = registered.length;
        new ServiceAccess("payments", {
            namespace: "payments",
            serviceAccountName: "payments-api",
            createServiceAccount: false,
            mount: { path: "payments" },
            rules: [{ path: "payments/*", capabilities: ["read", "list"] }],
        });
        await settle();
        const mount = find(registered, "vault:index/mount:Mount", "payments-mount");
        assert.deepEqual(mount.inputs.options, { version: "2" });
        const policy = find(registered, "vault:index/policy:Policy", "payments-policy");
        assert.deepEqual(Object.keys(JSON.parse(policy.inputs.policy).path), ["payments/data/*", "payments/metadata/*"]);
        const serviceAccounts = registered.slice(before).filter((r) => r.type === "kubernetes:core/v1:ServiceAccount");
        assert.deepEqual(serviceAccounts, [], "binds to the existing account, creates none");
        const role = find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", "payments-role");
        assert.deepEqual(role.inputs.boundServiceAccountNames, ["payments-api"]);
    });
});

describe("ServiceAccess under change", () => {
    before(async () => {
        await installMocks();
    });
    const optionsOf = async (name: string, args: Partial<ServiceAccessArgs>) => {
        const { captured, transformation } = captureOptions();
        new ServiceAccess(
            name,
            {
                namespace: name,
                createNamespace: true,
                mount: { path: name },
                rules: [{ path: `${name}/*`, capabilities: ["read"] }],
                ...args,
            },
            { transformations: [transformation] },
        );
        await settle(); // before the next suite installs its own mocks
        return (type: string) => captured.find((c) => c.type === type)!.opts;
    };

    it("keeps the namespace and the mount (and their data) when the service is removed, by default", async () => {
        const opts = await optionsOf("keeper", {});
        assert.equal(opts("kubernetes:core/v1:Namespace").retainOnDelete, true);
        assert.equal(opts("vault:index/mount:Mount").retainOnDelete, true);
        for (const type of [
            "vault:index/policy:Policy",
            "vault:kubernetes/authBackendRole:AuthBackendRole",
            "kubernetes:core/v1:ServiceAccount",
        ])
            assert.ok(!opts(type).retainOnDelete, type);
    });

    it("deletes them with the service only when it opts in (deleteDataOnRemoval)", async () => {
        const opts = await optionsOf("leaver", { deleteDataOnRemoval: true });
        assert.equal(opts("kubernetes:core/v1:Namespace").retainOnDelete, false);
        assert.equal(opts("vault:index/mount:Mount").retainOnDelete, false);
    });

    it("turns formerNames into aliases of the component, so its children follow a rename", async () => {
        const opts = await optionsOf("renamed", { formerNames: ["old-name", "older-name"] });
        assert.deepEqual(opts("vault-k8s-auth:index:ServiceAccess").aliases, [{ name: "old-name" }, { name: "older-name" }]);
    });
});

describe("ServiceAccess input checks", () => {
    const good: ServiceAccessArgs = {
        namespace: "my-app",
        mount: { path: "my-app", type: "kv" },
        rules: [{ path: "my-app/*", capabilities: ["read"] }],
    };
    let registered: Registered[];
    before(async () => {
        registered = await installMocks();
    });
    const rejects = (args: Partial<ServiceAccessArgs> | Record<string, unknown>, pattern: RegExp, name = "svc") => {
        const before = registered.length;
        assert.throws(() => new ServiceAccess(name, { ...good, ...args } as ServiceAccessArgs), pattern);
        assert.equal(registered.length, before, "nothing may be registered");
    };

    it("rejects a namespace that is not DNS-1123", () =>
        rejects({ namespace: "My_App" }, /- namespace: "My_App" is not a valid Kubernetes namespace name/));
    it("rejects a missing namespace", () => rejects({ namespace: undefined }, /- namespace: is missing/));
    it("reports every problem under its argument path, as InputPropertiesError (other languages show them field by field)", () => {
        const bad = { ...good, namespace: "My_App", rules: [{ path: "/my-app/*", capabilities: ["read"] }] } as ServiceAccessArgs;
        const error = (() => {
            try {
                new ServiceAccess("svc", bad);
            } catch (e) {
                return e;
            }
        })();
        assert.ok(pulumi.InputPropertiesError.isInstance(error), "an InputPropertiesError");
        assert.deepEqual([...new Set(error.errors.map((e) => e.propertyPath))], ["namespace", "rules[0].path"]);
        assert.match(
            error.errors.find((e) => e.propertyPath === "rules[0].path")!.reason,
            /^"\/my-app\/\*" starts with "\/"; Vault paths are relative, write "my-app\/\*"\.$/,
        );
        // The Node.js host prints a RunError's message alone: the fields and fixes, no stack trace.
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(error.message, /^ServiceAccess "svc": invalid input:\n {2}- namespace: "My_App"/);
    });
    it("refuses, before registering anything, rules whose union Vault's priority would not keep", () =>
        rejects(
            {
                rules: [
                    { path: "my-app/*", capabilities: ["read"] },
                    { path: "my-app/+/c*", capabilities: ["update"] },
                ],
            },
            /- rules\[0\] "my-app\/\*" and rules\[1\] "my-app\/\+\/c\*": on "my-app\/probe\/cverify-probe" Vault applies the broader pattern/,
        ));
    it("rejects a ServiceAccount name that is not DNS-1123", () =>
        rejects({ serviceAccountName: "App SA" }, /serviceAccountName: "App SA" is not a valid Kubernetes object name/));
    it("rejects a role name with a slash", () => rejects({ roleName: "team/app" }, /roleName: "team\/app" is not a valid Vault role name/));
    it("rejects an upper-case policy name", () => rejects({ policyName: "MyApp" }, /policyName: "MyApp" is not a valid Vault policy name/));
    it("rejects overwriting a built-in policy", () =>
        rejects({ policyName: "default" }, /policyName: "default" is a built-in Vault policy/));
    it("rejects empty bound names", () =>
        rejects({ boundServiceAccountNames: [] }, /boundServiceAccountNames: must list at least one non-empty value/));
    it("rejects empty bound namespaces", () =>
        rejects({ boundServiceAccountNamespaces: [""] }, /boundServiceAccountNamespaces: must list at least one non-empty value/));
    it("rejects * in bound names unless allowed", () =>
        rejects({ boundServiceAccountNames: ["*"] }, /boundServiceAccountNames: "\*" contains "\*".*allowWildcards: true/));
    it("rejects * in bound namespaces unless allowed", () =>
        rejects({ boundServiceAccountNamespaces: ["team-*"] }, /boundServiceAccountNamespaces: "team-\*" contains "\*"/));
    it("accepts * when explicitly allowed", async () => {
        new ServiceAccess("wild", { ...good, boundServiceAccountNamespaces: ["team-*"], allowWildcards: true });
        await settle();
        assert.deepEqual(
            find(registered, "vault:kubernetes/authBackendRole:AuthBackendRole", "wild-role").inputs.boundServiceAccountNamespaces,
            ["team-*"],
        );
    });
    it("rejects an unknown capability", () =>
        rejects({ rules: [{ path: "a/*", capabilities: ["reed"] }] }, /rules\[0\]\.capabilities: "reed" is not a Vault capability/));
    it("rejects an empty policy path", () => rejects({ rules: [{ path: "", capabilities: ["read"] }] }, /rules\[0\]\.path: is empty/));
    it("rejects a policy path with a leading slash", () =>
        rejects({ rules: [{ path: "/a/*", capabilities: ["read"] }] }, /rules\[0\]\.path: "\/a\/\*" starts with "\/"/));
    it("rejects a non-positive TTL", () => rejects({ tokenTtl: 0 }, /tokenTtl: 0 is not a positive whole number of seconds/));
    it("rejects a negative max TTL", () => rejects({ tokenMaxTtl: -5 }, /tokenMaxTtl: -5 is not a positive whole number/));
    it("rejects a TTL above the max TTL", () =>
        rejects({ tokenTtl: 7200, tokenMaxTtl: 3600 }, /tokenTtl: 7200s is above tokenMaxTtl 3600s/));
    it("rejects a misspelt token type", () =>
        rejects({ tokenType: "servcie" }, /tokenType: "servcie" is not one of "default", "service", "batch"/));
    it("rejects an unknown alias name source", () =>
        rejects({ aliasNameSource: "uid" }, /aliasNameSource: "uid" is not one of "serviceaccount_uid", "serviceaccount_name"/));
    it("rejects an unknown mount type", () =>
        rejects({ mount: { path: "a", type: "kv3" } }, /mount\.type: "kv3" is not one of "kv-v2", "kv"/));
    it("rejects an invalid mount path", () =>
        rejects({ mount: { path: "a//b" } }, /mount\.path: "a\/\/b" is not a valid Vault mount path/));
    it("rejects a mount that collides with the auth path", () =>
        rejects(
            { mount: { path: "kubernetes" }, authPath: "kubernetes" },
            /mount\.path: "kubernetes" collides with the auth path "kubernetes"/,
        ));
    it("rejects a mount that collides with an existing kv-v2 mount", () =>
        rejects(
            { mount: { path: "secret/app" }, kvV2Mounts: ["secret"] },
            /mount\.path: "secret\/app" collides with kvV2Mounts entry "secret"/,
        ));
    it("rejects a binding to the namespace's default ServiceAccount unless allowed", () => {
        rejects(
            { serviceAccountName: "default" },
            /- serviceAccountName: binds the namespace's "default" ServiceAccount.*allowDefaultServiceAccount: true/,
        );
        rejects(
            { boundServiceAccountNames: ["api", "default"] },
            /- boundServiceAccountNames: binds the namespace's "default" ServiceAccount/,
        );
        assert.doesNotThrow(
            () =>
                new ServiceAccess("dflt", {
                    ...good,
                    serviceAccountName: "default",
                    createServiceAccount: false,
                    allowDefaultServiceAccount: true,
                }),
        );
    });
    it("rejects a wildcard binding that matches the default ServiceAccount unless that is allowed too", () => {
        rejects(
            { boundServiceAccountNames: ["*"], allowWildcards: true },
            /- boundServiceAccountNames: binds the namespace's "default" ServiceAccount/,
        );
        rejects({ boundServiceAccountNames: ["de*"], allowWildcards: true }, /binds the namespace's "default" ServiceAccount/);
        assert.doesNotThrow(() => new ServiceAccess("team-glob", { ...good, boundServiceAccountNames: ["team-*"], allowWildcards: true }));
    });
    it("rejects nested kvV2Mounts before registering anything", () =>
        rejects(
            { kvV2Mounts: ["secret", "secret/team"], rules: [{ path: "my-app/*", capabilities: ["read"] }] },
            /- kvV2Mounts\[1\]: "secret\/team" and kvV2Mounts\[0\] "secret" are nested/,
        ));
    it("rejects sudo unless allowed", () => {
        rejects(
            { rules: [{ path: "my-app/*", capabilities: ["read", "sudo"] }] },
            /rules\[0\]\.capabilities: "sudo" opens root-protected endpoints.*allowSudo: true/,
        );
        assert.doesNotThrow(
            () => new ServiceAccess("sudoer", { ...good, rules: [{ path: "my-app/*", capabilities: ["sudo"] }], allowSudo: true }),
        );
    });
    for (const path of ["*", "sys/*", "auth/*", "identity/entity/*", "other-app/*", "my-app2/*"]) {
        it(`rejects a rule on ${path}, outside its own mount, unless allowed`, () =>
            rejects(
                { rules: [{ path, capabilities: ["read"] }] },
                new RegExp(
                    `rules\\[0\\]\\.path: "${path.replace(/\*/g, "\\*")}" is outside its mount\\(s\\) "my-app/".*allowPathsOutsideMounts: true`,
                ),
            ));
    }
    it("accepts rules on listed kv-v2 mounts, deny anywhere, and any path when allowed", () => {
        assert.doesNotThrow(
            () =>
                new ServiceAccess("inside", {
                    ...good,
                    kvV2Mounts: ["secret"],
                    rules: [
                        { path: "secret/inside/*", capabilities: ["read"] },
                        { path: "sys/*", capabilities: ["deny"] },
                    ],
                }),
        );
        assert.doesNotThrow(
            () =>
                new ServiceAccess("outside", {
                    ...good,
                    rules: [{ path: "sys/health", capabilities: ["read"] }],
                    allowPathsOutsideMounts: true,
                }),
        );
    });
});

describe("one account, one role", () => {
    const binding = (at: string, args: Partial<ServiceAccessArgs>) =>
        bindingOf(at, at, { namespace: at, rules: [], ...args } as ServiceAccessArgs);

    it("accepts services with their own accounts", () => {
        assert.deepEqual(checkBindingOverlaps([binding("a", {}), binding("b", {})]), []);
    });
    it("reports two services bound to the same account and namespace", () => {
        assert.deepEqual(
            checkBindingOverlaps([
                binding("a", { serviceAccountName: "api" }),
                binding("b", { namespace: "a", serviceAccountName: "api" }),
            ]),
            [
                `b: its binding overlaps a's (ServiceAccount "api" in namespace "a" could log in to both roles); give each service its own account, or set allowSharedServiceAccount: true on both.`,
            ],
        );
    });
    it("reports overlapping bound lists, wildcards included", () => {
        const errors = checkBindingOverlaps([
            binding("a", { boundServiceAccountNames: ["x", "y"], boundServiceAccountNamespaces: ["team-a"] }),
            binding("b", { boundServiceAccountNames: ["y"], boundServiceAccountNamespaces: ["team-*"], allowWildcards: true }),
        ]);
        assert.equal(errors.length, 1);
        assert.match(errors[0], /ServiceAccount "y" in namespace "team-a"/);
    });
    it("tells globs that share an account from globs that cannot", () => {
        const ns = (namespace: string) =>
            binding(namespace, { boundServiceAccountNames: ["api"], boundServiceAccountNamespaces: [namespace], allowWildcards: true });
        const overlaps = (a: string, b: string) => checkBindingOverlaps([ns(a), ns(b)]).length === 1;
        assert.equal(overlaps("team-*", "ops-*"), false);
        assert.equal(overlaps("team-*", "*-api"), true); // team-api
        assert.equal(overlaps("team-*", "team-a*"), true);
        assert.equal(overlaps("*", "ops-*"), true);
        assert.equal(overlaps("a*b", "a*c"), false);
        assert.equal(overlaps("a*x*b", "a*y*b"), true); // axyb
    });
    it("accepts an overlap only when both services opt in", () => {
        const a = binding("a", { serviceAccountName: "api", allowSharedServiceAccount: true });
        assert.equal(checkBindingOverlaps([a, binding("b", { namespace: "a", serviceAccountName: "api" })]).length, 1);
        assert.deepEqual(
            checkBindingOverlaps([a, binding("b", { namespace: "a", serviceAccountName: "api", allowSharedServiceAccount: true })]),
            [],
        );
    });
});
