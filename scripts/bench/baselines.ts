import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { parse } from "yaml";
import { repoDir, serviceNames } from "./env";
import { ok, Sample, spawnCollect, timeAsync } from "./measure";

export const seedOps = ["seed-create", "seed-delete"] as const;
export const floorOps = ["floor-create", "floor-read", "floor-delete"] as const;
export type SeedOp = (typeof seedOps)[number];
export type FloorOp = (typeof floorOps)[number];

/** Requests in flight in the floor: close to the CLI's default --parallel (4 × CPUs: 8 here), 10 is a typical client pool. */
export const floorConcurrency = 10;

interface Cluster {
    server: string;
    ca: string;
    cert: string;
    key: string;
}

function clusterOf(env: NodeJS.ProcessEnv): Cluster {
    const kc = parse(fs.readFileSync(env.KUBECONFIG!, "utf8"));
    const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
    const user = kc.users[0].user;
    const cluster = kc.clusters[0].cluster;
    return {
        server: cluster.server,
        ca: b64(cluster["certificate-authority-data"]),
        cert: b64(user["client-certificate-data"]),
        key: b64(user["client-key-data"]),
    };
}

const policyHcl = (name: string) =>
    `path "${name}/data/*" { capabilities = ["read"] }\npath "${name}/metadata/*" { capabilities = ["list"] }\n`;

/**
 * The seed's procedure: the guide's CLI commands, one after another, as a person or a shell script
 * runs them. Every command is its own process (kubectl / bao start-up is part of the cost).
 */
export async function seedProcedure(
    n: number,
    env: NodeJS.ProcessEnv,
    log: (s: string) => void = () => {},
): Promise<Record<SeedOp, Sample>> {
    const cli = async (cmd: string, args: string[], input?: string) =>
        ok(`${cmd} ${args.join(" ")}`, await spawnCollect(cmd, args, env, repoDir, input));
    const { server, ca } = clusterOf(env);
    const ns = "bench-seed-auth";
    const auth = "bench-seed-k8s";
    const names = serviceNames("sb", n);
    const create = await timeAsync(async () => {
        await cli("kubectl", ["create", "namespace", ns]);
        await cli("kubectl", ["-n", ns, "create", "serviceaccount", "vault-auth"]);
        await cli("kubectl", [
            "create",
            "clusterrolebinding",
            "bench-seed-auth-delegator",
            "--clusterrole=system:auth-delegator",
            `--serviceaccount=${ns}:vault-auth`,
        ]);
        const secret = `{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/service-account-token","metadata":{"name":"vault-auth-token","namespace":"${ns}","annotations":{"kubernetes.io/service-account.name":"vault-auth"}}}`;
        await cli("kubectl", ["apply", "-f", "-"], secret);
        let jwt = "";
        // The guide waits for the token controller to fill the Secret.
        while (!jwt)
            jwt = Buffer.from(
                (await cli("kubectl", ["-n", ns, "get", "secret", "vault-auth-token", "-o", "jsonpath={.data.token}"])).stdout,
                "base64",
            ).toString();
        await cli("bao", ["auth", "enable", `-path=${auth}`, "kubernetes"]);
        await cli(
            "bao",
            [
                "write",
                `auth/${auth}/config`,
                `token_reviewer_jwt=${jwt}`,
                `kubernetes_host=${server}`,
                "kubernetes_ca_cert=-",
                "disable_local_ca_jwt=true",
            ],
            ca,
        );
        for (const name of names) {
            await cli("kubectl", ["create", "namespace", name]);
            await cli("kubectl", ["-n", name, "create", "serviceaccount", name]);
            await cli("bao", ["secrets", "enable", `-path=${name}`, "kv-v2"]);
            await cli("bao", ["policy", "write", name, "-"], policyHcl(name));
            await cli("bao", [
                "write",
                `auth/${auth}/role/${name}`,
                `bound_service_account_names=${name}`,
                `bound_service_account_namespaces=${name}`,
                `token_policies=${name}`,
                "token_ttl=1h",
                "token_max_ttl=24h",
            ]);
        }
    });
    log(`  seed create: ${create.seconds.toFixed(2)} s`);
    const del = await timeAsync(async () => {
        // Namespaces are deleted without waiting for each (a serial `--wait` took 580 s at N = 100,
        // 5.8 s a namespace), then waited for together: what a script doing teardown would do.
        for (const name of names) {
            await cli("bao", ["delete", `auth/${auth}/role/${name}`]);
            await cli("bao", ["policy", "delete", name]);
            await cli("bao", ["secrets", "disable", name]);
            await cli("kubectl", ["delete", "namespace", name, "--wait=false"]);
        }
        await cli("bao", ["auth", "disable", auth]);
        await cli("kubectl", ["delete", "clusterrolebinding", "bench-seed-auth-delegator"]);
        await cli("kubectl", ["delete", "namespace", ns, "--wait=false"]);
        await cli("kubectl", ["wait", "--for=delete", "--timeout=30m", ...[...names, ns].map((n) => `namespace/${n}`)]);
    });
    log(`  seed delete: ${del.seconds.toFixed(2)} s`);
    return { "seed-create": create, "seed-delete": del };
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

function client(base: string, token: string | undefined, tls: Cluster | undefined): Call {
    // Keep-alive pools, as any real client (and the providers) would use.
    const agent = tls
        ? new https.Agent({ keepAlive: true, maxSockets: floorConcurrency, ca: tls.ca, cert: tls.cert, key: tls.key })
        : new http.Agent({ keepAlive: true, maxSockets: floorConcurrency });
    return (method, p, body) =>
        new Promise((resolve, reject) => {
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const headers: Record<string, string> = payload ? { "Content-Type": "application/json" } : {};
            if (token) headers["X-Vault-Token"] = token;
            const req = (tls ? https : http).request(new URL(base + p), { method, headers, agent }, (res) => {
                let text = "";
                res.setEncoding("utf8").on("data", (c: string) => (text += c));
                res.on("end", () => {
                    const status = res.statusCode ?? 0;
                    // 404 on a read or delete is an answer, not a failure (the wait loop relies on it).
                    if (status >= 400 && status !== 404) reject(new Error(`${method} ${p}: HTTP ${status} ${text.slice(0, 300)}`));
                    else resolve({ status, body: text ? JSON.parse(text) : {} });
                });
            });
            req.on("error", reject);
            req.end(payload);
        });
}

/** Runs tasks with at most `limit` of them in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) await task(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The floor: the same objects through direct HTTP calls, 10 services in flight (each service's own
 * calls in dependency order), so each service has at most one request outstanding.
 */
export async function floor(n: number, env: NodeJS.ProcessEnv, log: (s: string) => void = () => {}): Promise<Record<FloorOp, Sample>> {
    const cluster = clusterOf(env);
    const k8s = client(cluster.server, undefined, cluster);
    const vault = client(`${env.VAULT_ADDR}/v1/`, env.VAULT_TOKEN, undefined);
    const ns = "bench-floor-auth";
    const auth = "bench-floor-k8s";
    const names = serviceNames("fb", n);
    const create = await timeAsync(async () => {
        await k8s("POST", "/api/v1/namespaces", { metadata: { name: ns } });
        await k8s("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: "vault-auth" } });
        await k8s("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
            metadata: { name: "bench-floor-auth-delegator" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
            subjects: [{ kind: "ServiceAccount", name: "vault-auth", namespace: ns }],
        });
        await k8s("POST", `/api/v1/namespaces/${ns}/secrets`, {
            metadata: { name: "vault-auth-token", annotations: { "kubernetes.io/service-account.name": "vault-auth" } },
            type: "kubernetes.io/service-account-token",
        });
        let jwt = "";
        while (!jwt) {
            const s = await k8s("GET", `/api/v1/namespaces/${ns}/secrets/vault-auth-token`);
            jwt = Buffer.from(((s.body.data as Record<string, string>) ?? {}).token ?? "", "base64").toString();
            if (!jwt) await new Promise((r) => setTimeout(r, 50));
        }
        await vault("POST", `sys/auth/${auth}`, { type: "kubernetes" });
        await vault("POST", `auth/${auth}/config`, {
            token_reviewer_jwt: jwt,
            kubernetes_host: cluster.server,
            kubernetes_ca_cert: cluster.ca,
            disable_local_ca_jwt: true,
        });
        await pool(names, floorConcurrency, async (name) => {
            await k8s("POST", "/api/v1/namespaces", { metadata: { name } });
            await k8s("POST", `/api/v1/namespaces/${name}/serviceaccounts`, { metadata: { name } });
            await vault("POST", `sys/mounts/${name}`, { type: "kv", options: { version: "2" } });
            await vault("PUT", `sys/policies/acl/${name}`, { policy: policyHcl(name) });
            await vault("POST", `auth/${auth}/role/${name}`, {
                bound_service_account_names: [name],
                bound_service_account_namespaces: [name],
                token_policies: [name],
                token_ttl: 3600,
                token_max_ttl: 86400,
            });
        });
    });
    log(`  floor create: ${create.seconds.toFixed(2)} s`);
    // What a no-op preview's refresh-free diff needs at the least: nothing; what `--refresh` needs: one read per object.
    const read = await timeAsync(async () => {
        for (const p of [
            `/api/v1/namespaces/${ns}`,
            `/api/v1/namespaces/${ns}/serviceaccounts/vault-auth`,
            `/api/v1/namespaces/${ns}/secrets/vault-auth-token`,
        ])
            await k8s("GET", p);
        await k8s("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/bench-floor-auth-delegator");
        await vault("GET", `sys/auth/${auth}`);
        await vault("GET", `auth/${auth}/config`);
        await pool(names, floorConcurrency, async (name) => {
            await k8s("GET", `/api/v1/namespaces/${name}`);
            await k8s("GET", `/api/v1/namespaces/${name}/serviceaccounts/${name}`);
            await vault("GET", `sys/mounts/${name}`);
            await vault("GET", `sys/policies/acl/${name}`);
            await vault("GET", `auth/${auth}/role/${name}`);
        });
    });
    log(`  floor read: ${read.seconds.toFixed(2)} s`);
    const del = await timeAsync(async () => {
        await pool(names, floorConcurrency, async (name) => {
            await vault("DELETE", `auth/${auth}/role/${name}`);
            await vault("DELETE", `sys/policies/acl/${name}`);
            await vault("DELETE", `sys/mounts/${name}`);
            await k8s("DELETE", `/api/v1/namespaces/${name}/serviceaccounts/${name}`);
            await k8s("DELETE", `/api/v1/namespaces/${name}`);
        });
        await vault("DELETE", `sys/auth/${auth}`);
        await k8s("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/bench-floor-auth-delegator");
        await k8s("DELETE", `/api/v1/namespaces/${ns}`);
        // Deleted means gone: namespaces stay Terminating until the namespace controller empties them.
        const ours = new Set([...names, ns]);
        for (;;) {
            const list = await k8s("GET", "/api/v1/namespaces");
            const items = (list.body.items as { metadata: { name: string } }[]) ?? [];
            if (!items.some((i) => ours.has(i.metadata.name))) break;
            await new Promise((r) => setTimeout(r, 100));
        }
    });
    log(`  floor delete: ${del.seconds.toFixed(2)} s`);
    return { "floor-create": create, "floor-read": read, "floor-delete": del };
}
