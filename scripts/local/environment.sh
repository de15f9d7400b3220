# The cluster and Vault that local commands run against; sourced, not run.

# use_environment [--server openbao|vault] [--backend file|postgres]: builds (first time) or reuses the toolchain, then uses
# your cluster and Vault when KUBECONFIG and VAULT_ADDR both point at them (outside .local/), else
# the local environment, started when it is not running; exports its variables (.local/env).
use_environment() {
    [[ -d $REPO_DIR/node_modules/@pulumi/pulumi ]] || (cd "$REPO_DIR" && npm ci)
    if [[ -n ${KUBECONFIG:-} && -n ${VAULT_ADDR:-} && ${KUBECONFIG} != "$LOCAL_DIR"/* ]]; then
        bash "$REPO_DIR/scripts/toolchain/toolchain.sh" pulumi
        log "using your cluster (KUBECONFIG=$KUBECONFIG) and Vault (VAULT_ADDR=$VAULT_ADDR)"
        export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$LOCAL_DIR/pulumi-state}
        mkdir -p "$LOCAL_DIR/pulumi-state"
        return
    fi
    # Only what the main job needs: Vault 1.14 when it is the server asked for.
    local server backend tools=(main)
    server=$(while (($# > 0)); do [[ $1 == --server ]] && echo "${2:-}"; shift; done)
    backend=$(while (($# > 0)); do [[ $1 == --backend ]] && echo "${2:-}"; shift; done)
    [[ $server != vault ]] || tools+=(vault-server)
    bash "$REPO_DIR/scripts/toolchain/toolchain.sh" "${tools[@]}"
    if ! bash "$REPO_DIR/scripts/local/env.sh" status | grep "^vault: running" >/dev/null; then
        bash "$REPO_DIR/scripts/local/env.sh" start "$@"
    fi
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
    # A running environment is reused: it must be the server asked for, not silently the other one.
    if [[ -n $server && $server != "$VAULT_SERVER" ]]; then
        die "the running local environment serves $VAULT_SERVER, not $server; run npm run local:down first, then npm run local:up -- --server $server"
    fi
    if [[ -n $backend && $backend != "${BACKEND:-file}" ]]; then
        die "the running local environment keeps state in the ${BACKEND:-file} backend, not $backend; run npm run local:down first, then npm run local:up -- --backend $backend"
    fi
}
