#!/usr/bin/env bash
# The main job on the local default: toolchain, local cluster + OpenBao (unless KUBECONFIG and
# VAULT_ADDR already point at real ones), the `dev` stack in a file backend inside the project,
# `pulumi up`, then a real login check of every service.
#   local-up.sh [--server openbao|vault]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack-config.sh"
cd "$REPO_DIR"
start=$SECONDS
stack=dev

[[ -d node_modules/@pulumi/pulumi ]] || npm ci
if [[ -n ${KUBECONFIG:-} && -n ${VAULT_ADDR:-} && ${KUBECONFIG} != "$LOCAL_DIR"/* ]]; then
    bash scripts/toolchain.sh pulumi
    log "using your cluster (KUBECONFIG=$KUBECONFIG) and Vault (VAULT_ADDR=$VAULT_ADDR)"
    export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$LOCAL_DIR/pulumi-state}
    mkdir -p "$LOCAL_DIR/pulumi-state"
else
    bash scripts/toolchain.sh
    if ! bash scripts/local-env.sh status | grep -q "^vault: running"; then
        bash scripts/local-env.sh start "$@"
    fi
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
    # A running environment is reused: it must be the server asked for, not silently the other one.
    wanted=$(while (($# > 0)); do [[ $1 == --server ]] && echo "${2:-}"; shift; done)
    if [[ -n $wanted && $wanted != "$VAULT_SERVER" ]]; then
        die "the running local environment serves $VAULT_SERVER, not $wanted; run npm run local:down first, then npm run local:up -- --server $wanted"
    fi
fi

prepare_stack "$stack"
log "pulumi up (stack $stack, backend $PULUMI_BACKEND_URL)"
pulumi up --yes --refresh --stack "$stack" --config-file "$(stack_config_file "$stack")"
log "verifying every service with a real login"
bash scripts/verify.sh --stack "$stack"
log "done in $((SECONDS - start))s; to use the environment: source .local/env"
