// TEST-HARNESS STAND-IN for the official Pulumi `vault` resource plugin
// (pulumi-resource-vault 7.8.0), which cannot be built in this environment.
// It implements, against the real Vault/OpenBao HTTP API, only the resources
// this project uses, with @pulumi/vault 7.8.0's type tokens and property names:
//   vault:index/authBackend:AuthBackend
//   vault:kubernetes/authBackendConfig:AuthBackendConfig
//   vault:kubernetes/authBackendRole:AuthBackendRole
//   vault:index/policy:Policy
//   vault:index/mount:Mount
// Use it only when the official plugin is not installed. Vault connection
// comes from VAULT_ADDR / VAULT_TOKEN (see vaultApi.ts); provider arguments
// are ignored. See README-STANDIN.md for how to launch it and its gaps.

import * as provider from "@pulumi/pulumi/provider";
import { standinProvider } from "./provider";

provider.main(standinProvider, process.argv.slice(2)).catch((e: unknown) => {
    // stdout is reserved for the gRPC port the engine reads.
    process.stderr.write(`vault test stand-in failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
