#!/usr/bin/env bash
# `npm run fleet -- preview|up|destroy|refresh|verify [...]`: the platform stack and its team stacks
# (fleet/), on the local environment (started when needed) unless KUBECONFIG and VAULT_ADDR point
# at your own cluster and Vault. Options: scripts/fleet/main.ts.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../local/environment.sh"
cd "$REPO_DIR"
use_environment
ensure_passphrase
exec npx tsx scripts/fleet/main.ts "$@"
