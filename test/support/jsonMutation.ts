/** Helpers of the generated bad-input tests: JSON values and the places in them to mutate. */

export type Json = Record<string, unknown> | unknown[];

/** Values as they arrive (the engine's protobuf Struct, a YAML stack file): plain JSON. */
export function asJson(value: unknown): unknown {
    return JSON.parse(JSON.stringify(value) ?? "null");
}

/** Every [container, key] of a JSON value, to mutate one of them. */
export function slots(value: unknown, out: [Json, string | number][] = []): [Json, string | number][] {
    const children: [string | number, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : value && typeof value === "object"
          ? Object.entries(value)
          : [];
    for (const [key, child] of children) {
        out.push([value as Json, key]);
        slots(child, out);
    }
    return out;
}

/** Sets a field to a copy of `value` (shrinking shares values, and one must never end up inside itself); "__proto__" stays a plain field. */
export function setField(container: Json, key: string | number, value: unknown): void {
    Object.defineProperty(container, key, { value: asJson(value), enumerable: true, writable: true, configurable: true });
}
