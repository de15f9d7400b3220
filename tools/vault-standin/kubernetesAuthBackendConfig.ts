// TEST-HARNESS STAND-IN: vault:kubernetes/authBackendConfig:AuthBackendConfig.
// auth/<backend>/config. id = "auth/<backend>/config".
//
// tokenReviewerJwtWo is write-only, as in the official plugin: it is sent to
// Vault, never put in outputs, and a change to it alone is no diff; bumping
// tokenReviewerJwtWoVersion is what triggers an update. Vault's config write
// replaces the whole config, so every update re-sends the current JWT (wo or
// plain) to avoid wiping it. Delete is a no-op, as in the official plugin: the
// config goes away with its auth mount.

import type { CheckFailure } from "@pulumi/pulumi/provider";
import { containsUnknown, type Fields, type Props, str, trimSlashes } from "./props";
import { ns, type ResourceImpl, toSnake } from "./resource";
import { apiPath, dataOf, vaultRequest } from "./vaultApi";

const fields: Fields = {
    backend: { kind: "string", forceNew: true, default: "kubernetes" },
    kubernetesHost: { kind: "string", required: true },
    kubernetesCaCert: { kind: "string", computed: true },
    tokenReviewerJwt: { kind: "string" },
    tokenReviewerJwtWo: { kind: "string", writeOnly: true },
    tokenReviewerJwtWoVersion: { kind: "int" },
    issuer: { kind: "string" },
    disableIssValidation: { kind: "bool", computed: true },
    disableLocalCaJwt: { kind: "bool", computed: true },
    pemKeys: { kind: "list" },
    useAnnotationsAsAliasMetadata: { kind: "bool", computed: true },
    namespace: { kind: "string", forceNew: true },
};

function configPath(backend: string): string {
    return `auth/${trimSlashes(backend)}/config`;
}

function backendFromId(id: string): string {
    const m = /^auth\/(.+)\/config$/.exec(id);
    if (!m) {
        throw new Error(`vault stand-in: invalid AuthBackendConfig id ${JSON.stringify(id)} (want auth/<backend>/config)`);
    }
    return m[1];
}

function body(p: Props): Record<string, unknown> {
    const b = toSnake(p, {
        kubernetesHost: "kubernetes_host",
        kubernetesCaCert: "kubernetes_ca_cert",
        issuer: "issuer",
        disableIssValidation: "disable_iss_validation",
        disableLocalCaJwt: "disable_local_ca_jwt",
        useAnnotationsAsAliasMetadata: "use_annotations_as_alias_metadata",
    });
    const jwt = str(p.tokenReviewerJwtWo) ?? str(p.tokenReviewerJwt);
    if (jwt !== undefined && jwt !== "") {
        b.token_reviewer_jwt = jwt;
    }
    if (Array.isArray(p.pemKeys)) {
        // The official provider sends the list comma-joined; Vault accepts both.
        b.pem_keys = p.pemKeys.map(String).join(",");
    }
    return b;
}

async function read(id: string, olds: Props): Promise<Props | undefined> {
    const backend = backendFromId(id);
    const res = await vaultRequest("GET", apiPath(id), { namespace: ns(olds), allow404: true });
    const d = res.status === 404 ? undefined : dataOf(res.body);
    // 204/empty = backend mounted but never configured; 404 = backend gone.
    if (!d || d.kubernetes_host === undefined) {
        return undefined;
    }
    const outs: Props = {
        backend,
        kubernetesHost: d.kubernetes_host,
        kubernetesCaCert: d.kubernetes_ca_cert ?? "",
        issuer: d.issuer ?? "",
        disableIssValidation: d.disable_iss_validation === true,
        disableLocalCaJwt: d.disable_local_ca_jwt === true,
        pemKeys: Array.isArray(d.pem_keys) ? d.pem_keys : [],
        // Vault never returns the JWT: keep what state had (secret-wrapped by provider.ts).
        tokenReviewerJwt: olds.tokenReviewerJwt,
        tokenReviewerJwtWoVersion: olds.tokenReviewerJwtWoVersion,
        namespace: olds.namespace,
    };
    if (d.use_annotations_as_alias_metadata !== undefined) {
        outs.useAnnotationsAsAliasMetadata = d.use_annotations_as_alias_metadata === true;
    }
    return outs;
}

async function write(p: Props): Promise<{ id: string; outs: Props }> {
    const id = configPath(str(p.backend) ?? "kubernetes");
    await vaultRequest("POST", apiPath(id), { body: body(p), namespace: ns(p) });
    const outs = await read(id, p);
    if (!outs) {
        throw new Error(`vault stand-in: ${id} not readable right after writing it`);
    }
    return { id, outs: { ...p, ...outs } };
}

export const kubernetesAuthBackendConfig: ResourceImpl = {
    token: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    fields,

    check(news: Props): CheckFailure[] {
        const failures: CheckFailure[] = [];
        const set = (k: string) => news[k] !== undefined && news[k] !== null && news[k] !== "";
        if (set("tokenReviewerJwt") && set("tokenReviewerJwtWo")) {
            failures.push({
                property: "tokenReviewerJwtWo",
                reason: "conflicts with tokenReviewerJwt: set only one of them",
            });
        }
        if (set("tokenReviewerJwtWo") && !set("tokenReviewerJwtWoVersion")) {
            failures.push({
                property: "tokenReviewerJwtWoVersion",
                reason: "required when tokenReviewerJwtWo is set",
            });
        }
        if (typeof news.backend === "string" && !containsUnknown(news.backend)) {
            news.backend = trimSlashes(news.backend);
        }
        return failures;
    },

    async create(inputs: Props) {
        return write(inputs);
    },

    read,

    async update(_id: string, _olds: Props, news: Props) {
        return (await write(news)).outs;
    },

    async delete() {
        // Official behaviour: nothing to delete; removing the auth mount removes the config.
    },
};
