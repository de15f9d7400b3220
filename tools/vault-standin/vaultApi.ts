// TEST-HARNESS STAND-IN for the official Pulumi `vault` resource plugin.
// Minimal Vault/OpenBao HTTP client on Node's global fetch.
//
// Connection settings come from the environment only, read at every call:
//   VAULT_ADDR (required), VAULT_TOKEN (else ~/.vault-token), VAULT_NAMESPACE,
//   VAULT_CACERT (needs NODE_EXTRA_CA_CERTS set to the same file at process start;
//   the launcher in README-STANDIN.md does that), VAULT_SKIP_VERIFY.
// Explicit provider arguments (new vault.Provider({address, token})) and stack
// config (vault:address, vault:token) are NOT seen: the SDK's provider server
// drops them in Configure.
//
// Nothing here logs or echoes the token or request bodies (they carry JWTs).

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export class VaultError extends Error {
    constructor(
        message: string,
        readonly status: number,
        readonly errors: string[],
    ) {
        super(message);
        this.name = "VaultError";
    }
}

export interface VaultResponse {
    status: number;
    body: Record<string, unknown> | undefined;
}

export interface RequestOptions {
    body?: Record<string, unknown>;
    /** Resource-level namespace, appended to VAULT_NAMESPACE (Vault Enterprise only). */
    namespace?: string;
    /** Return 404 as a response instead of throwing (used by read/delete). */
    allow404?: boolean;
}

function vaultAddr(): string {
    const addr = process.env.VAULT_ADDR;
    if (!addr) {
        throw new Error("vault stand-in: VAULT_ADDR is not set (the stand-in reads the Vault address only from the environment)");
    }
    return addr.replace(/\/+$/, "");
}

function vaultToken(): string {
    const fromEnv = process.env.VAULT_TOKEN;
    if (fromEnv) {
        return fromEnv;
    }
    try {
        // Same fallback as the Vault CLI and the official provider.
        const fromFile = readFileSync(join(homedir(), ".vault-token"), "utf8").trim();
        if (fromFile) {
            return fromFile;
        }
    } catch {
        // fall through to the error below
    }
    throw new Error("vault stand-in: VAULT_TOKEN is not set and ~/.vault-token does not exist");
}

function namespaceHeader(resourceNs: string | undefined): string | undefined {
    const parts = [process.env.VAULT_NAMESPACE, resourceNs].map((s) => (s ?? "").replace(/^\/+|\/+$/g, "")).filter((s) => s !== "");
    return parts.length > 0 ? parts.join("/") : undefined;
}

function checkTlsSettings(): void {
    const ca = process.env.VAULT_CACERT;
    if (ca && process.env.NODE_EXTRA_CA_CERTS !== ca) {
        throw new Error(
            "vault stand-in: VAULT_CACERT is set but Node was not started with NODE_EXTRA_CA_CERTS=$VAULT_CACERT " +
                "(Node's fetch only reads extra CAs at start-up; use the launcher from README-STANDIN.md)",
        );
    }
    const skip = (process.env.VAULT_SKIP_VERIFY ?? "").toLowerCase();
    if (skip === "1" || skip === "true") {
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    }
}

/** Encodes each segment of a Vault path, keeping the separators. */
export function apiPath(...segments: string[]): string {
    return segments
        .join("/")
        .split("/")
        .filter((s) => s !== "")
        .map(encodeURIComponent)
        .join("/");
}

export async function vaultRequest(method: string, path: string, opts: RequestOptions = {}): Promise<VaultResponse> {
    checkTlsSettings();
    const addr = vaultAddr();
    const what = `vault: ${method} /v1/${path}`;
    const headers: Record<string, string> = {
        "X-Vault-Token": vaultToken(),
        "X-Vault-Request": "true",
    };
    const ns = namespaceHeader(opts.namespace);
    if (ns) {
        headers["X-Vault-Namespace"] = ns;
    }
    if (opts.body !== undefined) {
        headers["Content-Type"] = "application/json";
    }

    let res: Response;
    try {
        res = await fetch(`${addr}/v1/${path}`, {
            method,
            headers,
            body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
            signal: AbortSignal.timeout(60_000),
        });
    } catch (e) {
        // fetch hides the socket error in `cause` (ECONNREFUSED, ENOTFOUND, cert errors...).
        const err = e as Error & { cause?: { code?: string; message?: string } };
        const detail = err.cause?.code ?? err.cause?.message ?? err.message;
        throw new Error(`${what}: cannot reach Vault at VAULT_ADDR=${addr}: ${detail}`);
    }

    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    if (text.trim() !== "") {
        try {
            body = JSON.parse(text) as Record<string, unknown>;
        } catch {
            body = undefined;
        }
    }

    if (res.ok || (opts.allow404 && res.status === 404)) {
        return { status: res.status, body };
    }
    // Vault's multierror text ("1 error occurred:\n\t* ...") reads better on one line.
    const errors = Array.isArray(body?.errors) ? (body.errors as unknown[]).map((e) => String(e).replace(/\s+/g, " ").trim()) : [];
    const reason = errors.length > 0 ? errors.join("; ") : text.trim().slice(0, 200) || res.statusText;
    throw new VaultError(`${what}: ${res.status} ${reason}`, res.status, errors);
}

/** Vault wraps most payloads in `data`; a few sys endpoints also mirror them at top level. */
export function dataOf(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!body) {
        return undefined;
    }
    const d = body.data;
    if (typeof d === "object" && d !== null && !Array.isArray(d)) {
        return d as Record<string, unknown>;
    }
    return body;
}
