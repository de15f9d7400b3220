#!/usr/bin/env bash
# Makes the offline toolchain available, each tool built by its wrapper in tools/toolchain/<name>/
# into a cache outside the repository (keyed by a hash of the wrapper and of the pinned sources it
# builds from), so a warm run only checks hashes. Builds run in parallel, with progress.
#
#   toolchain.sh            everything: Pulumi CLI + Node.js host + kubernetes and vault plugins,
#                           etcd/kube-apiserver/kube-controller-manager/kubectl, OpenBao, Vault 1.14
#   toolchain.sh pulumi     only what `pulumi up` needs against your own cluster and Vault
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/build.sh"

command -v go >/dev/null || die "go is not on PATH; install Go 1.26+ (the toolchain is built from Go modules)."
mkdir -p "$TOOLCHAIN_BIN"

pulumi_tools=(pulumi language-nodejs kubernetes vault-plugin)
case ${1:-all} in
all) tools=("${pulumi_tools[@]}" kube openbao vault-server yaml) ;;
pulumi) tools=("${pulumi_tools[@]}") ;;
*) die "usage: toolchain.sh [all|pulumi]" ;;
esac

# Every tool's sources are checked before anything starts, so a missing tarball fails at once.
for t in "${tools[@]}"; do [[ -f $TOOLCHAIN_DIR/$t-$(wrapper_key "$t")/.complete ]] || check_sources "$t"; done

start=$SECONDS
declare -A pids=()
for t in "${tools[@]}"; do
    build "$t" &
    pids[$t]=$!
done
# Progress while cold builds run: which tools are still building, and for how long.
while true; do
    running=()
    for t in "${!pids[@]}"; do kill -0 "${pids[$t]}" 2>/dev/null && running+=("$t"); done
    ((${#running[@]} == 0)) && break
    sleep 5
    if (((SECONDS - start) % 60 < 5)); then log "still building after $((SECONDS - start))s: ${running[*]}"; fi
done
failed=()
for t in "${!pids[@]}"; do wait "${pids[$t]}" || failed+=("$t"); done
((${#failed[@]} == 0)) || die "toolchain: ${failed[*]} failed to build (logs in $TOOLCHAIN_DIR)"

# Resource plugins go into PULUMI_HOME at exactly the versions the npm packages ask for.
install_plugin() {
    local name=$1 version binary
    binary=$(wrapper_output "$2" "pulumi-resource-$1")
    version=$(npm_plugin_version "$name")
    if plugin_installed "$name" "$version" && cmp -s "$binary" "$(plugin_path "$name" "$version")"; then
        log "plugin $name $version: installed"
    else
        pulumi plugin rm resource "$name" "$version" --yes >/dev/null 2>&1 || true
        pulumi plugin install resource "$name" "$version" --file "$binary" >&2
        log "plugin $name $version: installed from $binary"
    fi
}
install_plugin kubernetes kubernetes
install_plugin vault vault-plugin
log "toolchain ready in $TOOLCHAIN_BIN ($((SECONDS - start))s)"
