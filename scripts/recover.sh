#!/usr/bin/env bash
# `npm run recover -- --stack NAME [--config-file FILE]`: see scripts/recover.ts. Uses the local
# environment (.local/env) unless VAULT_ADDR already points at a Vault.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
if [[ -z ${VAULT_ADDR:-} && -f $LOCAL_DIR/env ]]; then
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
fi
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$LOCAL_DIR/pulumi-state}
ensure_passphrase
exec npx tsx scripts/recover.ts "$@"
