/* eslint-disable @typescript-eslint/no-explicit-any -- Vault responses are loosely typed JSON. */
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

    async request<T = Record<string, any>>(method: string, path: string, body?: unknown): Promise<VaultResponse<T>> {
        const url = `${this.address.replace(/\/$/, "")}/v1/${path}`;
        let res: Response;
        try {
            res = await fetch(url, {
                method,
                headers: {
                    ...(this.token ? { "X-Vault-Token": this.token } : {}),
                    ...(body ? { "Content-Type": "application/json" } : {}),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new Error(`cannot reach Vault at ${this.address} (VAULT_ADDR): ${(e as Error).cause ?? (e as Error).message}`);
        }
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : {} };
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
