import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { asJson, setField, slots } from "../../support/jsonMutation";
import { renderPolicy } from "../../../components/policyDocument";
import { kvV2MountsOf, validateServiceAccessArgs } from "../../../components/serviceAccessArgs";
import { checkStackConfig } from "../../../stack/config";
import { serviceArgs } from "../../../stack/configChecks";

// Generated bad input: a valid stack config, mutated at random (wrong types, unknown and misspelt
// keys, empty and long lists, path tricks, control characters and unicode, names Kubernetes or
// Vault refuse). Each is either accepted, and then every check the components run again at
// registration passes and every policy renders, or refused with errors that each name the key as
// the user wrote it and say how to fix it. Never a crash, never a message without a key.

const service = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    namespace: name,
    createNamespace: true,
    mount: { path: name, type: "kv-v2" },
    rules: [{ path: `${name}/*`, capabilities: ["read", "list"] }],
    tokenTtl: "15m",
    tokenMaxTtl: "1h",
    ...extra,
});
const valid = () => ({
    reviewerMode: "secret",
    reviewerNamespace: "vault-auth",
    authPath: "kubernetes",
    kvV2Mounts: ["secret"],
    services: [service("alpha"), service("bravo", { rules: [{ path: "secret/bravo/*", capabilities: ["read"] }] })],
});

/** Strings users get wrong: path tricks, control characters, unicode, names Kubernetes or Vault refuse, sizes. */
const trickyString = fc.constantFrom(
    "",
    " ",
    "..",
    "a/../b",
    "a//b",
    "a/",
    "/a",
    "a\u0000b",
    "a\nb",
    "Ünïcödé",
    "💥",
    "UPPER",
    "default",
    "root",
    "sys",
    "auth",
    "*",
    "+",
    "a*b",
    "a".repeat(300),
    "kubernetes",
    "secret",
    "alpha",
    "-lead",
    "trail-",
    "1h",
    "1 hour",
    "true",
);
const junk = fc.oneof(
    trickyString,
    fc.anything({ maxDepth: 2 }).map(asJson),
    fc.integer(),
    fc.constant(null),
    fc.array(trickyString, { maxLength: 3 }),
);

const mutation = fc.oneof(
    fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: junk }),
    fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("misspell" as const), at: fc.nat(), suffix: fc.constantFrom("s", "_", "X", "e") }),
    fc.record({ op: fc.constant("grow" as const), copies: fc.integer({ min: 0, max: 60 }) }),
);

function apply(raw: Record<string, unknown>, m: { op: string; at?: number; value?: unknown; suffix?: string; copies?: number }): void {
    if (m.op === "grow") {
        const services = Array.isArray(raw.services) ? raw.services : [];
        // 0: an empty list; else that many more services.
        raw.services = m.copies === 0 ? [] : [...services, ...Array.from({ length: m.copies! }, (_, i) => service(`extra-${i}`))];
        return;
    }
    const all = slots(raw);
    if (all.length === 0) return;
    const [container, key] = all[m.at! % all.length];
    if (m.op === "replace") setField(container, key, m.value);
    else if (Array.isArray(container)) container.splice(Number(key), 1);
    else if (m.op === "delete") delete (container as Record<string, unknown>)[key as string];
    else {
        (container as Record<string, unknown>)[`${String(key)}${m.suffix}`] = (container as Record<string, unknown>)[key as string];
        delete (container as Record<string, unknown>)[key as string];
    }
}

/**
 * An error names a key as written (a stack key, or a service's path under services[…]) before its
 * colon, or, for keys the schema does not know, quotes them.
 */
const namesAKey =
    /^(unknown key\(s\) "|services\[\]\.[\w-]+|services\[\d+\]( \(.*\))?((\.[\w-]+)|(\[\d+\]))*: |(config|[A-Za-z][\w-]*)(\[\d+\])?((\.[\w-]+)|(\[\d+\]))*: )/s;

describe("generated bad stack config", () => {
    // A failure prints its seed and the shrunk config; VAULT_K8S_AUTH_INPUT_SEED=<seed> replays it.
    const seed = Number(process.env.VAULT_K8S_AUTH_INPUT_SEED ?? Date.now() % 2 ** 31);
    it(`is accepted whole or refused with every error naming its key (seed ${seed})`, () => {
        const tally = { accepted: 0, refused: 0 };
        fc.assert(
            fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
                const raw = valid() as Record<string, unknown>;
                for (const m of mutations) apply(raw, m);
                const { config, errors } = checkStackConfig(raw);
                if (config) {
                    tally.accepted++;
                    // What the components check again at registration, and the renderer, accept it too.
                    for (const s of config.services) {
                        const args = serviceArgs(s, config);
                        assert.deepEqual(validateServiceAccessArgs(s.name, args), [], s.name);
                        renderPolicy(args.rules, kvV2MountsOf(args));
                    }
                    return;
                }
                tally.refused++;
                assert.ok(errors.length > 0);
                for (const e of errors) {
                    assert.match(e, namesAKey, `names no key: ${e}`);
                    assert.doesNotMatch(e, /undefined|\[object Object\]|TypeError|\n\s+at /, e);
                }
            }),
            { numRuns: Number(process.env.VAULT_K8S_AUTH_INPUT_RUNS ?? 600), seed, includeErrorInReport: true },
        );
        console.log(`    ${tally.accepted} accepted, ${tally.refused} refused`);
        assert.ok(tally.accepted > 0 && tally.refused > 0, JSON.stringify(tally));
    });

    // Found by the generator (issue 21), kept as fixed examples.
    it("says what type a key takes and what is missing, and shows a wrong value as written", () => {
        const errors = (raw: Record<string, unknown>) => checkStackConfig(raw).errors;
        assert.deepEqual(errors({ kvV2Mounts: "secret" }), ["kvV2Mounts: must be a list ([a, b, …]), not string; write it so."]);
        assert.deepEqual(errors({ reviewerMode: {} }), ["reviewerMode: {} is not a reviewer mode; use one of secret, client-jwt, jwt"]);
        assert.match(
            errors({ services: [{ ...service("a"), rules: [{ path: "a/x", capabilities: [null] }] }] }).join("\n"),
            /services\[0\]\.rules\[0\]\.capabilities\[0\]: null is not a Vault capability/,
        );
        assert.deepEqual(errors({ services: [{ ...service("a"), tokenTtl: {} }] }), [
            'services[0].tokenTtl: must be a number of seconds or a duration such as "90s", "15m", "1h", "7d".',
        ]);
        assert.deepEqual(errors({ services: [{ ...service("a"), namespace: undefined }] }), [
            "services[0].namespace: is missing; add it (docs/configuration.md lists every key and field).",
        ]);
    });

    it("10,000 services are checked whole (no pairwise blow-up)", () => {
        const raw = { ...valid(), services: Array.from({ length: 10_000 }, (_, i) => service(`svc-${i}`)) };
        const started = Date.now();
        const { config, errors } = checkStackConfig(raw);
        assert.deepEqual(errors, []);
        assert.equal(config?.services.length, 10_000);
        console.log(`    10,000 services checked in ${Date.now() - started} ms`);
    });
});
