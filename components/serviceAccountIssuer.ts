import { createPublicKey, JsonWebKey } from "crypto";
import * as https from "https";

/** How to reach a cluster's API server: its address and CA, and a credential of the kubeconfig's user. */
export interface ApiServerAccess {
    /** https://HOST[:PORT] */
    host: string;
    /** PEM CA certificate(s) of the API server. */
    caCert: string;
    /** A bearer token, or else a client certificate and key (PEM). */
    token?: string;
    clientCertificate?: string;
    clientKey?: string;
}

/** What Vault's jwt method needs to check a cluster's service-account tokens. */
export interface ServiceAccountIssuer {
    /** The issuer ("iss") of the cluster's service-account tokens. */
    issuer: string;
    /** Its signing keys, as PEM public keys: every key the API server currently accepts. */
    keys: string[];
}

/**
 * Reads the service-account issuer and its public keys from the API server (its OIDC discovery
 * document and /openid/v1/jwks), for reviewerMode "jwt". Run it on every `pulumi up`, so a key the
 * cluster adds reaches Vault (docs/reviewer-modes.md, "Key rotation"). Vault itself never needs to reach the cluster.
 */
export async function readServiceAccountIssuer(api: ApiServerAccess): Promise<ServiceAccountIssuer> {
    const discovery = (await getJson(api, "/.well-known/openid-configuration")) as { issuer?: string };
    const jwks = (await getJson(api, "/openid/v1/jwks")) as { keys?: JsonWebKey[] };
    if (!discovery.issuer || !jwks.keys?.length) {
        throw new Error(
            `${api.host} publishes no service-account issuer or keys; check the API server's --service-account-issuer and key flags.`,
        );
    }
    const keys = jwks.keys.map((jwk) => createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }).toString());
    return { issuer: discovery.issuer, keys };
}

function getJson(api: ApiServerAccess, path: string): Promise<unknown> {
    const url = new URL(path, api.host);
    return new Promise((resolve, reject) => {
        const req = https.get(
            url,
            {
                ca: api.caCert,
                cert: api.clientCertificate,
                key: api.clientKey,
                headers: api.token ? { Authorization: `Bearer ${api.token}` } : {},
                timeout: 30_000,
            },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (chunk: string) => (body += chunk));
                res.on("end", () => {
                    if (res.statusCode === 200) {
                        try {
                            return resolve(JSON.parse(body));
                        } catch {
                            return reject(new Error(`${url}: not JSON`));
                        }
                    }
                    const fix =
                        res.statusCode === 401 || res.statusCode === 403
                            ? "; the kubeconfig's user needs ClusterRole system:service-account-issuer-discovery, or give the keys and issuer yourself (config pemKeys and issuer)"
                            : "";
                    reject(new Error(`GET ${url}: HTTP ${res.statusCode}${fix}`));
                });
            },
        );
        req.on("timeout", () => req.destroy(new Error(`GET ${url}: no answer in 30 s`)));
        req.on("error", (e) => reject(new Error(`GET ${url}: ${e.message}`)));
    });
}
