#!/usr/bin/env bash
# Makes a `vault` resource plugin available to Pulumi. The official pulumi-resource-vault, at the
# version @pulumi/vault asks for, is used when it is installed in PULUMI_HOME. It cannot be built
# on a machine that reaches only the Go module proxy (the proxy refuses every version of
# github.com/pulumi/pulumi-vault/provider and of hashicorp/terraform-provider-vault), so otherwise
# the test-harness stand-in in tools/vault-standin is put on PATH as pulumi-resource-vault.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

wanted=$(npm_plugin_version vault)
launcher=$LOCAL_DIR/bin/pulumi-resource-vault
if plugin_installed vault "$wanted"; then
    rm -f "$launcher"
    log "plugin vault $wanted: official plugin installed"
    exit 0
fi
mkdir -p "$LOCAL_DIR/bin"
cat >"$launcher" <<LAUNCHER
#!/bin/sh
# pulumi-resource-vault: TEST-HARNESS STAND-IN, see tools/vault-standin/README-STANDIN.md
[ -n "\${VAULT_CACERT:-}" ] && export NODE_EXTRA_CA_CERTS="\$VAULT_CACERT"
exec node --import "$REPO_DIR/node_modules/tsx/dist/loader.mjs" "$REPO_DIR/tools/vault-standin/main.ts" "\$@"
LAUNCHER
chmod +x "$launcher"
log "plugin vault $wanted: official plugin not installed; using the stand-in ($launcher)"
