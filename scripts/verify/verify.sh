#!/usr/bin/env bash
# `npm run verify [-- --stack NAME]`: a real login of every service of the stack (default: dev),
# held to the stack's config. Uses the local environment (.local/env) unless VAULT_ADDR already
# points at a Vault; a local stack's config is read from its copy in .local/stacks.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/stack-config.sh"
cd "$REPO_DIR"
use_running_environment
(($# > 0)) || set -- --stack dev
if [[ $1 == --stack && $# == 2 && -f $(stack_config_file "$2") ]]; then
    set -- "$@" --config-file "$(stack_config_file "$2")"
fi
exec npx tsx scripts/verify/verify.ts "$@"
