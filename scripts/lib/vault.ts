/* eslint-disable @typescript-eslint/no-explicit-any -- Vault responses are loosely typed JSON. */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";

/** The CA of a TLS Vault, as the vault CLI takes it (VAULT_CACERT); undefined uses the system's. */
function vaultCa(): string | undefined {
    return process.env.VAULT_CACERT ? fs.readFileSync(process.env.VAULT_CACERT, "utf8") : undefined;
}

/** A minimal Vault/OpenBao HTTP client for verification: login, capabilities, kv reads/writes. */

export interface VaultResponse<T = unknown> {
    status: number;
    body: T & { errors?: string[] };
}

export class VaultClient {
    constructor(
        readonly address: string,
        private readonly token?: string,
    ) {}

    withToken(token: string): VaultClient {
        return new VaultClient(this.address, token);
    }

    /**
     * One HTTP call, on a fresh connection each time (no keep-alive pool): tests restart Vault on
     * the same port, and a pooled socket to the old process would fail the next request.
     */
    request<T = Record<string, any>>(method: string, path: string, body?: unknown): Promise<VaultResponse<T>> {
        const url = new URL(`${this.address.replace(/\/$/, "")}/v1/${path}`);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers = {
            ...(this.token ? { "X-Vault-Token": this.token } : {}),
            ...(payload ? { "Content-Type": "application/json" } : {}),
        };
        return new Promise((resolve, reject) => {
            const req = (url.protocol === "https:" ? https : http).request(url, { method, headers, agent: false, ca: vaultCa() }, (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (chunk) => (text += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
            });
            req.on("error", (e) => reject(new Error(`cannot reach Vault at ${this.address} (VAULT_ADDR): ${e.message}`)));
            req.end(payload);
        });
    }

    /** Logs in with a Kubernetes service account JWT; returns the client token and its policies. */
    async kubernetesLogin(authPath: string, role: string, jwt: string): Promise<{ token: string; policies: string[]; ttl: number }> {
        const res = await this.request("POST", `auth/${authPath}/login`, { role, jwt });
        if (res.status !== 200) {
            throw new Error(`login as role ${role} at auth/${authPath} failed: HTTP ${res.status} ${(res.body.errors ?? []).join("; ")}`);
        }
        const auth = res.body.auth;
        return { token: auth.client_token, policies: [...auth.policies].sort(), ttl: auth.lease_duration };
    }

    /** What this client's token may do on each path, as Vault's ACL evaluates it. */
    async capabilitiesSelf(paths: string[]): Promise<Record<string, string[]>> {
        const res = await this.request("POST", "sys/capabilities-self", { paths });
        if (res.status !== 200) throw new Error(`sys/capabilities-self: HTTP ${res.status} ${(res.body.errors ?? []).join("; ")}`);
        const data = (res.body.data ?? res.body) as Record<string, string[]>;
        return Object.fromEntries(paths.map((p) => [p, [...(data[p] ?? [])].sort()]));
    }

    async revokeSelf(): Promise<void> {
        await this.request("POST", "auth/token/revoke-self");
    }
}
