#!/usr/bin/env bash
# `npm run recover -- --stack NAME [--config-file FILE]`: see scripts/recover/recover.ts. Uses the local
# environment (.local/env) unless VAULT_ADDR already points at a Vault.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/stack-config.sh"
cd "$REPO_DIR"
use_running_environment
# A local stack (dev) reads its config from its copy in .local/stacks, as every local command does.
if [[ ${1:-} == --stack && $# == 2 && -f $(stack_config_file "$2") ]]; then
    set -- "$@" --config-file "$(stack_config_file "$2")"
fi
exec npx tsx scripts/recover/recover.ts "$@"
