import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { checkMountPath, checkRequired } from "./validation";
import { throwIfInvalid } from "./invalidInput";

/** The defaults of StateEncryptionKeyArgs, written once. */
export const stateEncryptionKeyDefaults = { mount: "transit", createMount: true } as const;

export interface StateEncryptionKeyArgs {
    /** Name of the transit key, e.g. "pulumi-state". */
    readonly name: string;
    /**
     * Path of the transit secrets engine. Default: "transit".
     * @default "transit"
     */
    readonly mount?: string;
    /**
     * Mount the transit engine (true) or use one that exists (false). Default: true.
     * @default true
     */
    readonly createMount?: boolean;
}

/**
 * A Vault transit key for Pulumi's secrets of a team's stacks (their secrets provider
 * `hashivault://<key>`), and a policy that allows exactly encrypting and decrypting with it. A
 * token holding only that policy can run the stacks' secrets and nothing else of Vault.
 *
 * The key and its engine outlive the stack (retainOnDelete): deleting the key would make every
 * stack encrypted with it unreadable.
 */
export class StateEncryptionKey extends pulumi.ComponentResource {
    /** The secrets provider URL for `pulumi stack init --secrets-provider`. */
    public readonly secretsProvider: pulumi.Output<string>;
    /** The policy that allows encrypt and decrypt with the key, and nothing else. */
    public readonly policyName: pulumi.Output<string>;

    constructor(name: string, args: StateEncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(validateStateEncryptionKeyArgs(args), `StateEncryptionKey "${name}"`);
        super("vault-k8s-auth:index:StateEncryptionKey", name, {}, opts);
        const mountPath = args.mount ?? stateEncryptionKeyDefaults.mount;
        const mount =
            (args.createMount ?? stateEncryptionKeyDefaults.createMount)
                ? new vault.Mount(`${name}-mount`, { path: mountPath, type: "transit" }, { parent: this, retainOnDelete: true })
                : undefined;
        const key = new vault.transit.SecretBackendKey(
            `${name}-key`,
            { backend: mount ? mount.path : mountPath, name: args.name, deletionAllowed: false },
            { parent: this, retainOnDelete: true },
        );
        const policy = new vault.Policy(
            `${name}-policy`,
            {
                name: `pulumi-state-${args.name}`.toLowerCase(),
                policy: JSON.stringify({
                    path: {
                        [`${mountPath}/encrypt/${args.name}`]: { capabilities: ["update"] },
                        [`${mountPath}/decrypt/${args.name}`]: { capabilities: ["update"] },
                    },
                }),
            },
            { parent: this, dependsOn: [key] },
        );
        // gocloud's hashivault driver: the key as host, the engine as a parameter unless it is "transit".
        this.secretsProvider = key.name.apply((k) => `hashivault://${k}${mountPath === "transit" ? "" : `?engine=${mountPath}`}`);
        this.policyName = policy.name;
        this.registerOutputs({ secretsProvider: this.secretsProvider, policyName: this.policyName });
    }
}

/** A transit key name: a path segment Vault accepts. */
const transitKeyName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Every problem of the args, under the names `fieldOf` gives (the argument names by default).
 * @internal
 */
export function validateStateEncryptionKeyArgs(
    args: StateEncryptionKeyArgs,
    fieldOf: (k: keyof StateEncryptionKeyArgs) => string = (k) => k,
): string[] {
    const name = fieldOf("name");
    return [
        ...checkRequired(name, args.name, 'give the transit key\'s name, e.g. "pulumi-state".'),
        ...(typeof args.name === "string" && args.name !== "" && !transitKeyName.test(args.name)
            ? [
                  `${name}: "${args.name}" is not a valid transit key name; use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. "pulumi-state").`,
              ]
            : []),
        ...(args.mount === undefined ? [] : checkMountPath(fieldOf("mount"), args.mount)),
    ];
}
