import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../../../stack/config";
import { resolveCluster } from "../../../stack/cluster";
import { vaultProviderArgs } from "../../../stack/vault";
import { endpointFromKubeconfig, mergeKubeconfigs } from "../../../stack/kubeconfig";
import { writeKubeconfig } from "../../support/devStack";
import { testCa } from "../../support/mocks";
import { rejects, svc } from "../../support/stackConfigCases";

describe("stack config", () => {
    it("applies defaults and converts durations to seconds", () => {
        const cfg = parseStackConfig({ services: [svc("a", { tokenTtl: "15m", tokenMaxTtl: "1d" })] });
        assert.deepEqual(
            [cfg.authPath, cfg.reviewerNamespace, cfg.reviewerServiceAccount, cfg.disableLocalCaJwt],
            ["kubernetes", "vault-auth", "vault-auth", true],
        );
        assert.deepEqual([cfg.services[0].tokenTtl, cfg.services[0].tokenMaxTtl], [900, 86400]);
    });

    it("reports every problem under the stack key the user wrote, as InputPropertiesError", () => {
        const error = (() => {
            try {
                parseStackConfig({ authPath: "auth/k8s", services: [{ ...svc("a"), namespace: "A_B" }] });
            } catch (e) {
                return e;
            }
        })();
        assert.ok(pulumi.InputPropertiesError.isInstance(error) && pulumi.RunError.isInstance(error));
        assert.deepEqual(
            error.errors.map((e) => e.propertyPath),
            ["authPath", "services[0] (a).namespace"],
        );
        assert.match(error.message, /^invalid stack config:\n {2}- authPath: "auth\/k8s" is under "auth\/"/);
    });
    it("refuses a service's rules whose union Vault's priority would not keep, before anything is registered", () =>
        rejects(
            {
                services: [
                    {
                        ...svc("a"),
                        rules: [
                            { path: "a/*", capabilities: ["read"] },
                            { path: "a/+/c*", capabilities: ["update"] },
                        ],
                    },
                ],
            },
            /services\[0\] \(a\)\.rules\[0\] "a\/\*" and services\[0\] \(a\)\.rules\[1\] "a\/\+\/c\*": on "a\/probe\/cverify-probe" Vault applies the broader pattern/,
        ));
    it("rejects an unknown top-level key", () => rejects({ authPth: "k8s" }, /unknown key\(s\) "authPth"; check the spelling/));
    it("rejects a misspelt service field", () =>
        rejects({ services: [svc("a", { tokenTll: 60 })] }, /services\[0\]: unknown key\(s\) "tokenTll"/));
    it("rejects a misspelt rule field", () =>
        rejects(
            { services: [svc("a", { rules: [{ path: "a/*", capabilites: ["read"] }] })] },
            /services\[0\]\.rules\[0\]: unknown key\(s\) "capabilites"/,
        ));
    it("rejects an unknown capability with its position", () =>
        rejects(
            { services: [svc("a", { rules: [{ path: "a/*", capabilities: ["reed"] }] })] },
            /services\[0\]\.rules\[0\]\.capabilities\[0\]: "reed" is not a Vault capability/,
        ));
    it("rejects a bad duration", () =>
        rejects({ services: [svc("a", { tokenTtl: "1 hour" })] }, /services\[0\]\.tokenTtl: "1 hour" is not a duration/));
    it("rejects duplicate services", () => rejects({ services: [svc("a"), svc("a")] }, /services\[\]\.name: "a" is used more than once/));
    it("rejects duplicate roles", () =>
        rejects(
            { services: [svc("a", { roleName: "r" }), svc("b", { roleName: "r" })] },
            /services\[\]\.roleName: "r" is used more than once/,
        ));
    it("rejects duplicate policies", () =>
        rejects(
            { services: [svc("a", { policyName: "p" }), svc("b", { policyName: "p" })] },
            /services\[\]\.policyName: "p" is used more than once/,
        ));
    it("rejects two services mounting colliding paths", () =>
        rejects(
            { services: [svc("a", { mount: { path: "team" } }), svc("b", { mount: { path: "team/b" } })] },
            /services\[1\] \(b\)\.mount\.path: "team\/b" collides with services\[0\] \(a\)\.mount\.path "team"/,
        ));
    it("rejects a service mount on the auth path", () =>
        rejects(
            { authPath: "apps", services: [svc("a", { mount: { path: "apps" } })] },
            /mount\.path: "apps" collides with the auth path "apps"/,
        ));
    it("rejects a kv-v2 mount on the auth path", () =>
        rejects({ kvV2Mounts: ["kubernetes"] }, /kvV2Mounts: "kubernetes" collides with authPath "kubernetes"/));
    it("rejects a host that is not https", () =>
        rejects({ kubernetesHost: "http://10.0.0.1" }, /kubernetesHost: "http:\/\/10\.0\.0\.1" must use https/));
    it("rejects a CA that is not PEM", () => rejects({ kubernetesCaCert: "not a cert" }, /kubernetesCaCert: is not a PEM certificate/));
    it("rejects a bad reviewer namespace", () =>
        rejects({ reviewerNamespace: "Vault" }, /reviewerNamespace: "Vault" is not a valid Kubernetes namespace name/));
    it("rejects an invalid auth path", () => rejects({ authPath: "auth/k8s" }, /authPath: "auth\/k8s" is under "auth\/"/));
    it("rejects two services one account could log in to, under the second's position", () =>
        rejects(
            { services: [svc("a"), svc("b", { serviceAccountName: "a", namespace: "a", createServiceAccount: false })] },
            /services\[1\] \(b\): its binding overlaps services\[0\] \(a\)'s \(ServiceAccount "a" in namespace "a"/,
        ));
    it("accepts that overlap only when both services opt in", () => {
        const shared = { allowSharedServiceAccount: true };
        const second = svc("b", { serviceAccountName: "a", namespace: "a", createServiceAccount: false });
        rejects({ services: [svc("a"), { ...second, ...shared }] }, /its binding overlaps/);
        assert.equal(parseStackConfig({ services: [svc("a", shared), { ...second, ...shared }] }).services.length, 2);
    });
    it("rejects nested kvV2Mounts under the stack key, once", () => {
        assert.throws(
            () => parseStackConfig({ kvV2Mounts: ["secret", "secret/team"], services: [svc("a"), svc("b")] }),
            (e: Error) => {
                assert.equal(
                    e.message.match(/kvV2Mounts\[1\]: "secret\/team" and kvV2Mounts\[0\] "secret" are nested/g)?.length,
                    1,
                    e.message,
                );
                return true;
            },
        );
    });
    it("rejects formerNames that another service has now, or that two services claim", () => {
        rejects(
            { services: [svc("a"), svc("b", { formerNames: ["a"] })] },
            /services\[1\] \(b\)\.formerNames: "a" is the name of a current service/,
        );
        rejects(
            { services: [svc("a", { formerNames: ["old"] }), svc("b", { formerNames: ["old"] })] },
            /services\[\]\.formerNames: "old" is used more than once/,
        );
    });
    it("reports the reviewer's and the backend's checks under the stack's keys", () =>
        rejects(
            { reviewerServiceAccount: "Vault Auth", authPath: "sys/k8s", pemKeys: ["ssh-rsa AAAA"] },
            /reviewerServiceAccount: "Vault Auth" is not a valid Kubernetes object name[\s\S]*authPath: "sys\/k8s"[\s\S]*pemKeys\[0\]: is not a PEM public key/,
        ));
    it("rejects per-service errors with the service's position and name", () =>
        rejects(
            { services: [svc("a", { boundServiceAccountNames: ["*"] })] },
            /services\[0\] \(a\)\.boundServiceAccountNames: "\*" contains "\*"/,
        ));
    it("lists every problem at once", () => {
        assert.throws(
            () => parseStackConfig({ authPath: "/x", services: [svc("a", { tokenType: "nope" })] }),
            (e: Error) => {
                assert.match(e.message, /authPath/);
                assert.match(e.message, /tokenType/);
                return true;
            },
        );
    });
    it("lists one service's malformed field with the other services' value errors, each under its own position", () => {
        assert.throws(
            () =>
                parseStackConfig({
                    services: [svc("a", { mount: { path: "a", type: "kv3" } }), svc("b", { serviceAccountName: "default" })],
                }),
            (e: Error) => {
                assert.match(e.message, /services\[0\]\.mount\.type: "kv3" is not a mount type; use one of kv-v2, kv/);
                assert.match(e.message, /services\[1\] \(b\)\.serviceAccountName: .*default/);
                return true;
            },
        );
    });
});

describe("cluster resolution", () => {
    const base = parseStackConfig({});

    it("takes host and CA from the ambient kubeconfig", async () => {
        const c = resolveCluster(base, { KUBECONFIG: writeKubeconfig("https://10.1.2.3:6443") });
        assert.equal(await new Promise((r) => c.host.apply(r)), "https://10.1.2.3:6443");
        assert.equal(await new Promise((r) => c.caCert!.apply(r)), testCa);
    });

    it("lets an explicit host win over the kubeconfig's", async () => {
        const c = resolveCluster({ ...base, kubernetesHost: "https://vault-can-reach:6443" }, { KUBECONFIG: writeKubeconfig() });
        assert.equal(await new Promise((r) => c.host.apply(r)), "https://vault-can-reach:6443");
    });

    it("fails clearly with no kubeconfig and no host", () => {
        assert.throws(
            () => resolveCluster(base, { KUBECONFIG: "/nonexistent/kubeconfig" }),
            /cluster: no kubeconfig found and kubernetesHost is not set; set config kubeconfig/,
        );
    });

    it("names the missing piece of a kubeconfig", () => {
        const endpoint = (text: string) =>
            endpointFromKubeconfig(mergeKubeconfigs([{ text, label: "kubeconfig" }]), undefined, "kubeconfig");
        assert.throws(() => endpoint("apiVersion: v1\nclusters: []\n"), /kubeconfig: has no current-context; set config kubeContext/);
        assert.throws(
            () =>
                endpoint(
                    "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://h'}}]\n",
                ),
            /cluster "c" has no certificate-authority\(-data\); set config kubernetesCaCert/,
        );
        assert.throws(
            () => endpoint("current-context: y\ncontexts: [{name: x, context: {cluster: c}}]\n"),
            /has no context "y" \(contexts: x\)/,
        );
        assert.throws(() => endpoint("a: [b"), /kubeconfig: is not valid YAML/);
    });

    it("merges every file of KUBECONFIG as kubectl does, and resolves relative CA paths against each file's folder", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfigs-"));
        fs.mkdirSync(path.join(dir, "b"));
        fs.writeFileSync(path.join(dir, "b", "ca.pem"), testCa);
        const a = path.join(dir, "a.yaml");
        const b = path.join(dir, "b", "b.yaml");
        fs.writeFileSync(
            a,
            "current-context: a\ncontexts: [{name: a, context: {cluster: ca}}]\nclusters: [{name: ca, cluster: {server: 'https://a:6443', certificate-authority-data: eA==}}]\n",
        );
        fs.writeFileSync(
            b,
            "current-context: b\ncontexts: [{name: b, context: {cluster: cb}}, {name: a, context: {cluster: cb}}]\nclusters: [{name: cb, cluster: {server: 'https://b:6443', certificate-authority: ca.pem}}]\n",
        );
        const env = { KUBECONFIG: [a, b].join(path.delimiter) };
        const inB = resolveCluster({ ...base, kubeContext: "b" }, env);
        assert.equal(await new Promise((r) => inB.host.apply(r)), "https://b:6443");
        assert.equal(await new Promise((r) => inB.caCert!.apply(r)), testCa);
        // current-context and a context name defined twice: the first file wins.
        const current = resolveCluster(base, env);
        assert.equal(await new Promise((r) => current.host.apply(r)), "https://a:6443");
    });
});

describe("the Vault connection", () => {
    const cfg = parseStackConfig({});

    it("takes the address from config, then from VAULT_ADDR", () => {
        assert.equal(
            vaultProviderArgs({ ...cfg, vaultAddress: "https://a:8200" }, { VAULT_ADDR: "https://b:8200" }).address,
            "https://a:8200",
        );
        assert.equal(vaultProviderArgs(cfg, { VAULT_ADDR: "https://b:8200" }).address, "https://b:8200");
    });

    it("names the key and the fix when neither is set", () => {
        assert.throws(() => vaultProviderArgs(cfg, {}), /vaultAddress: not set; set config vaultAddress or export VAULT_ADDR/);
    });

    it("leaves the token to the provider ($VAULT_TOKEN) unless config has one, which stays secret", async () => {
        assert.equal(vaultProviderArgs(cfg, { VAULT_ADDR: "https://b:8200" }).token, undefined);
        const token = vaultProviderArgs({ ...cfg, vaultToken: "s.x" }, { VAULT_ADDR: "https://b:8200" }).token as pulumi.Output<string>;
        assert.equal(await pulumi.isSecret(token), true);
    });
});
