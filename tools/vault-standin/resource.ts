// TEST-HARNESS STAND-IN for the official Pulumi `vault` resource plugin.
// The contract each implemented resource type fulfils. Values passed to
// create/read/update/delete are plain (secret wrappers removed); provider.ts
// re-wraps secrets and strips write-only fields from what they return.

import type { CheckFailure } from "@pulumi/pulumi/provider";
import { apiPath, dataOf, vaultRequest } from "./vaultApi";
import type { Fields, Props } from "./props";

export interface ResourceImpl {
    /** Type token exactly as @pulumi/vault 7.8.0 registers it. */
    readonly token: string;
    readonly fields: Fields;
    /** Resource-specific defaults/validation on the raw inputs (may hold secrets/unknowns). */
    check?(news: Props): CheckFailure[];
    create(inputs: Props): Promise<{ id: string; outs: Props }>;
    /** undefined = the object is gone from Vault. */
    read(id: string, olds: Props): Promise<Props | undefined>;
    update(id: string, olds: Props, news: Props): Promise<Props>;
    delete(id: string, olds: Props): Promise<void>;
}

export function ns(p: Props): string | undefined {
    return typeof p.namespace === "string" && p.namespace !== "" ? p.namespace : undefined;
}

/** Finds "<path>/" in GET sys/auth or sys/mounts; undefined when not mounted. */
export async function findMount(
    table: "auth" | "mounts",
    path: string,
    namespace: string | undefined,
): Promise<Record<string, unknown> | undefined> {
    const res = await vaultRequest("GET", apiPath("sys", table), { namespace });
    const entry = dataOf(res.body)?.[`${path}/`];
    return typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : undefined;
}

/** Copies the fields set in `from` into a Vault request body under snake_case names. */
export function toSnake(from: Props, mapping: Record<string, string>): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [camel, snake] of Object.entries(mapping)) {
        if (from[camel] !== undefined && from[camel] !== null) {
            body[snake] = from[camel];
        }
    }
    return body;
}
