#!/usr/bin/env bash
# The main job on the local default: toolchain, local cluster + Vault (unless KUBECONFIG and
# VAULT_ADDR already point at real ones), the `dev` stack in a file backend inside the project,
# `pulumi up`, then a real login check of every service.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
start=$SECONDS

[[ -d node_modules/@pulumi/pulumi ]] || npm ci
bash scripts/toolchain.sh
bash scripts/vault-plugin.sh

if [[ -n ${KUBECONFIG:-} && -n ${VAULT_ADDR:-} && ${KUBECONFIG} != "$LOCAL_DIR"/* ]]; then
    log "using your cluster (KUBECONFIG=$KUBECONFIG) and Vault (VAULT_ADDR=$VAULT_ADDR)"
    export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$LOCAL_DIR/pulumi-state}
    mkdir -p "$LOCAL_DIR/pulumi-state"
else
    if ! bash scripts/local-env.sh status | grep -q "^vault: running"; then
        bash scripts/local-env.sh start
    fi
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
fi

pulumi stack select dev --create >/dev/null
log "pulumi up (stack dev, backend $PULUMI_BACKEND_URL)"
pulumi up --yes --refresh --stack dev
log "verifying every service with a real login"
npx tsx scripts/verify.ts --stack dev
log "done in $((SECONDS - start))s; to use the environment: source .local/env"
