import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { StackConfig } from "./configSchema";

/**
 * The Vault connection: the address from config `vaultAddress`, else $VAULT_ADDR as the vault CLI
 * reads it. A token from config is kept secret; without one the provider reads $VAULT_TOKEN itself,
 * so it never lands in state. Throws, naming the key, when no address is known.
 */
export function vaultProviderArgs(cfg: StackConfig, env: NodeJS.ProcessEnv = process.env): vault.ProviderArgs {
    const address = cfg.vaultAddress ?? env.VAULT_ADDR;
    if (!address) {
        throw new pulumi.RunError(
            "vaultAddress: not set; set config vaultAddress or export VAULT_ADDR (e.g. https://vault.example.com:8200).",
        );
    }
    return {
        address,
        token: cfg.vaultToken === undefined ? undefined : pulumi.secret(cfg.vaultToken),
        skipChildToken: cfg.vaultSkipChildToken,
    };
}
