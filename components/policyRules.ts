/**
 * What a policy rule is: a path and what it grants there, in Vault's capabilities and, on a logical
 * kv-v2 path, spelled-out kv-v2 actions. What a list of rules means, and the document it renders
 * to: policyDocument.ts.
 */

/** @internal */
export const capabilityNames = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny"] as const;
/** @internal */
export type Capability = (typeof capabilityNames)[number];

/**
 * Spelled-out kv-v2 actions, valid only on logical paths of a kv-v2 mount (see the table above).
 * @internal
 */
export const kvV2Actions = ["delete-versions", "undelete-versions", "destroy-versions", "delete-metadata", "read-metadata"] as const;
/** @internal */
export type KvV2Action = (typeof kvV2Actions)[number];

/** Everything a rule may list: Vault capabilities and, on logical kv-v2 paths, kv-v2 actions. */
export const RuleCapability = {
    create: "create",
    read: "read",
    update: "update",
    patch: "patch",
    delete: "delete",
    list: "list",
    sudo: "sudo",
    deny: "deny",
    deleteVersions: "delete-versions",
    undeleteVersions: "undelete-versions",
    destroyVersions: "destroy-versions",
    deleteMetadata: "delete-metadata",
    readMetadata: "read-metadata",
} as const;
export type RuleCapability = (typeof RuleCapability)[keyof typeof RuleCapability];
/** @internal */
export const ruleCapabilityNames = Object.values(RuleCapability);

export interface PolicyRule {
    /** Path the rule grants, without a leading "/", e.g. "my-app/*" or, on a kv-v2 mount, "secret/my-app/*". */
    readonly path: string;
    /** Capabilities on that path, e.g. ["read", "list"]; on a logical kv-v2 path also kv-v2 actions. */
    readonly capabilities: RuleCapability[];
    /**
     * true: the path is a Vault API path, rendered as written. false: a logical kv-v2 path, always
     * expanded. Unset: logical on a kv-v2 mount (an error when ambiguous), as written elsewhere.
     * Default: unset.
     * @default unset
     */
    readonly apiPath?: boolean;
}

/**
 * One `path` stanza of the rendered document, as Vault evaluates it.
 * @internal
 */
export interface PolicyStanza {
    path: string;
    capabilities: Capability[];
}
