# Shared paths and settings for the local scripts; sourced, not run.
# Everything built or started lives outside the repository, except .local/ (git-ignored).

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${VAULT_K8S_AUTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vault-k8s-auth}
TOOLCHAIN_DIR=$CACHE_DIR/toolchain
TOOLCHAIN_BIN=$TOOLCHAIN_DIR/bin
# Pinned public source of what the Go module proxy refuses (see tools/toolchain/*/SOURCES).
VENDOR_SRC=${VAULT_K8S_AUTH_VENDOR_SRC:-$REPO_DIR/../shared/vendor-src}
# Tests run their own environment in another folder (VAULT_K8S_AUTH_LOCAL_DIR).
LOCAL_DIR=${VAULT_K8S_AUTH_LOCAL_DIR:-$REPO_DIR/.local}

# Offline Pulumi: no update checks, no plugin downloads (a missing plugin is an error), plugins
# kept in our cache rather than in ~/.pulumi.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME=${PULUMI_HOME:-$CACHE_DIR/pulumi-home}
# The program is type-checked by `npm run build`; skipping it per run saves seconds per command.
export PULUMI_NODEJS_TRANSPILE_ONLY=true
export PATH=$TOOLCHAIN_BIN:$PATH

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The plugin version an npm package (@pulumi/NAME) asks for.
npm_plugin_version() { node -p "require('$REPO_DIR/node_modules/@pulumi/$1/package.json').pulumi.version"; }

# Whether resource plugin NAME VERSION is installed in PULUMI_HOME.
plugin_installed() { pulumi plugin ls 2>/dev/null | awk '$2 == "resource" {print $1, $3}' | grep -qx "$1 $2"; }

# Where PULUMI_HOME keeps the binary of resource plugin NAME VERSION.
plugin_path() { echo "$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"; }

# The passphrase of the local stacks' secrets provider: random, per clone, in .local/ (git-ignored).
# It is the local default only; a shared stack uses a passphrase or KMS of its own.
ensure_passphrase() {
    mkdir -p "$LOCAL_DIR"
    [[ -s $LOCAL_DIR/passphrase ]] || (umask 077 && head -c 24 /dev/urandom | base64 >"$LOCAL_DIR/passphrase")
    export PULUMI_CONFIG_PASSPHRASE_FILE=$LOCAL_DIR/passphrase
}

# use_running_environment: your Vault and backend when VAULT_ADDR is set, else those of the local
# environment (.local/env); commands that work on a deployed stack (verify, recover) start nothing.
use_running_environment() {
    if [[ -z ${VAULT_ADDR:-} && -f $LOCAL_DIR/env ]]; then
        # shellcheck disable=SC1091
        source "$LOCAL_DIR/env"
    fi
    export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$LOCAL_DIR/pulumi-state}
    ensure_passphrase
}
