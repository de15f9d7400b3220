import { vaultPolicyType } from "./common";

/** One `path` stanza of a Vault policy document: the path pattern and the capabilities it grants. */
export interface PolicyStanza {
    path: string;
    capabilities: string[];
}

/**
 * The stanzas of a Vault policy, written as JSON (what this project renders:
 * {"path": {"secret/data/x": {"capabilities": ["read"]}}}) or as HCL. JSON is parsed; HCL is read with
 * a regex over `path "..." {` blocks and their `capabilities = [...]`, which covers hand-written policies
 * but not HCL expressions (a document the regex cannot read yields no stanzas and so no findings).
 */
export function parsePolicyDocument(text: string): PolicyStanza[] {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        return parseHcl(text);
    }
    return parseJson(json);
}

function parseJson(json: unknown): PolicyStanza[] {
    const stanzas: PolicyStanza[] = [];
    // HCL converted to JSON may wrap each level in an array; accept both shapes.
    for (const paths of asObjects((json as { path?: unknown } | null)?.path)) {
        for (const [path, body] of Object.entries(paths)) {
            const capabilities = asObjects(body).flatMap((b) => strings(b.capabilities));
            stanzas.push({ path, capabilities: normalize(capabilities) });
        }
    }
    return stanzas;
}

function parseHcl(text: string): PolicyStanza[] {
    // Drop comments first so a commented-out stanza is not read as a grant.
    const source = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)(#|\/\/).*$/gm, "$1");
    const starts = [...source.matchAll(/path\s+"([^"]*)"\s*\{/g)];
    return starts.map((m, i) => {
        const body = source.slice(m.index! + m[0].length, i + 1 < starts.length ? starts[i + 1].index : source.length);
        const list = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body)?.[1] ?? "";
        return { path: m[1], capabilities: normalize([...list.matchAll(/"([^"]*)"/g)].map((c) => c[1])) };
    });
}

function asObjects(value: unknown): Record<string, unknown>[] {
    const items = Array.isArray(value) ? value : [value];
    return items.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function normalize(capabilities: string[]): string[] {
    return [...new Set(capabilities.map((c) => c.trim().toLowerCase()))];
}

/** The stanzas of a Vault Policy resource's document; none for any other resource (or an unknown document). */
export function policyStanzasOf(args: { type: string; props: Record<string, unknown> }): PolicyStanza[] {
    const document = args.type === vaultPolicyType ? args.props.policy : undefined;
    return typeof document === "string" ? parsePolicyDocument(document) : [];
}
