import assert from "node:assert/strict";
import { parseStackConfig } from "../../stack/config";

/** A service's stack config as a test writes it: on a kv mount of its own name, reading under it. */
export const svc = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    namespace: name,
    mount: { path: name, type: "kv" },
    rules: [{ path: `${name}/*`, capabilities: ["read"] }],
    ...extra,
});

/** Asserts that the raw stack config is refused with a message matching `pattern`. */
export const rejects = (raw: Record<string, unknown>, pattern: RegExp) => assert.throws(() => parseStackConfig(raw), pattern);
