#!/usr/bin/env bash
# The main job on the local default: toolchain, local cluster + OpenBao (unless KUBECONFIG and
# VAULT_ADDR already point at real ones), the `dev` stack in a file backend inside the project,
# `pulumi up`, then a real login check of every service.
#   scripts/local/up.sh [--server openbao|vault] [--backend file|postgres]
# After a crash (a killed run, a lock left behind) it first recovers the stack: see scripts/recover/recover.ts.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/stack-config.sh"
source "$(dirname "$0")/environment.sh"
cd "$REPO_DIR"
start=$SECONDS
stack=dev

use_environment "$@"

prepare_stack "$stack"
# A run of this machine that died mid-up left a lock and pending creates: settle them first.
npx tsx scripts/recover/recover.ts --stack "$stack" --config-file "$(stack_config_file "$stack")" --stale-only --no-up
log "pulumi up (stack $stack, backend ${PULUMI_BACKEND_URL%%://*})"
pulumi up --yes --refresh --stack "$stack" --config-file "$(stack_config_file "$stack")"
log "verifying every service with a real login"
bash scripts/verify/verify.sh --stack "$stack"
log "done in $((SECONDS - start))s; to use the environment: source .local/env"
