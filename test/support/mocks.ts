import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the mocks saw it. */
export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    provider?: string;
    custom: boolean;
    /** What the mocks answered: the inputs plus what the real service would have computed. */
    state: Record<string, any>;
}

export const testCa = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy",
    "-----END CERTIFICATE-----",
    "",
].join("\n");
export const testJwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dmF1bHQtYXV0aDp2YXVsdC1hdXRoIn0.c2lnbmF0dXJl";

export interface MockOptions {
    /** What the token controller "fills" into service-account-token Secrets; undefined = leaves it empty. */
    tokenData?: Record<string, string>;
    /** The outputs of other stacks, by name, as a StackReference to them reads them. */
    stacks?: Record<string, Record<string, unknown>>;
}

/**
 * Installs Pulumi mocks that record every registration. Resources echo their inputs, plus what the
 * real services would compute: token Secret data, auth mount accessors, object UIDs.
 */
export async function installMocks(options: MockOptions = { tokenData: { token: testJwt, "ca.crt": testCa } }): Promise<Registered[]> {
    const registered: Registered[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const state: Record<string, any> = { ...args.inputs };
                registered.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    provider: args.provider,
                    custom: args.custom ?? true,
                    state,
                });
                if (args.type === "pulumi:pulumi:StackReference") {
                    state.outputs = options.stacks?.[args.inputs.name] ?? {};
                }
                if (args.type.startsWith("kubernetes:")) {
                    state.metadata = { ...args.inputs.metadata, uid: "0f3c2a9e-1111-2222-3333-444455556666" };
                }
                if (
                    args.type === "kubernetes:core/v1:Secret" &&
                    args.inputs.type === "kubernetes.io/service-account-token" &&
                    options.tokenData
                ) {
                    state.data = Object.fromEntries(
                        Object.entries(options.tokenData).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
                    );
                }
                if (args.type === "vault:index/authBackend:AuthBackend") {
                    // Vault makes one up per mount; derived from the name here, so each mount has its own.
                    state.accessor = `auth_${args.inputs.type}_${Buffer.from(args.name).toString("hex").slice(0, 8)}`;
                }
                return { id: `${args.name}-id`, state };
            },
            call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
        },
        "vault-k8s-auth",
        "dev",
        false,
    );
    return registered;
}

/** Resolves an Output's value (undefined when unknown). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/** URNs registered with the mock monitor; their type chains show each resource's parents. */
export function registeredUrns(): string[] {
    const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, unknown> };
    return [...monitor.resources.keys()];
}

/** The URN of the resource with this type and name; throws if it was not registered. */
export function urnOf(type: string, name: string): string {
    const urn = registeredUrns().find((u) => u.endsWith(`::${name}`) && u.split("::")[2].split("$").pop() === type);
    if (!urn) throw new Error(`no ${type} named ${name} was registered`);
    return urn;
}

/** The parent type chain of a URN, e.g. ["vault-k8s-auth:index:TokenReviewer"]. */
export function parentTypes(urn: string): string[] {
    return urn.split("::")[2].split("$").slice(0, -1);
}

/** Waits for pending registrations (outputs resolve asynchronously). */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export function find(registered: Registered[], type: string, name?: string): Registered {
    const r = registered.find((x) => x.type === type && (name === undefined || x.name === name));
    if (!r)
        throw new Error(
            `no ${type}${name ? ` named ${name}` : ""} registered; saw ${registered.map((x) => `${x.type}/${x.name}`).join(", ")}`,
        );
    return r;
}

const secretSig = "4dabf18193072939515e22adb298388d";

/** Unwraps an input that reached the engine as a secret; throws if it arrived in plain text. */
export function secretInput(value: unknown): unknown {
    if (typeof value !== "object" || value === null || (value as Record<string, unknown>)[secretSig] === undefined) {
        throw new Error(`expected a secret input, got ${JSON.stringify(value)?.slice(0, 40)}...`);
    }
    return (value as { value: unknown }).value;
}

/** A value as the engine got it, with every secret (at any depth) unwrapped. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (record[secretSig] !== undefined) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Resource options as each resource was registered, seen through a transformation passed to a component. */
export interface Captured {
    type: string;
    name: string;
    opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
}

/** A transformation that records the options of the component it is given to and of all its children. */
export function captureOptions(): { captured: Captured[]; transformation: pulumi.ResourceTransformation } {
    const captured: Captured[] = [];
    return {
        captured,
        transformation: (args) => {
            captured.push({ type: args.type, name: args.name, opts: args.opts });
            return undefined;
        },
    };
}
