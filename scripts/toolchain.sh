#!/usr/bin/env bash
# Makes the offline toolchain available, each tool built by its wrapper in tools/toolchain/<name>/
# into a cache outside the repository (keyed by a hash of the wrapper and of the pinned sources it
# builds from), so a warm run only checks hashes. Builds run in parallel, with progress.
#
#   toolchain.sh            everything: Pulumi CLI + Node.js host + kubernetes and vault plugins,
#                           etcd/kube-apiserver/kube-controller-manager/kubectl, OpenBao, Vault 1.14
#   toolchain.sh pulumi     only what `pulumi up` needs against your own cluster and Vault
#
# Tools built from pinned sources (tools/toolchain/*/SOURCES) can instead come from their releases,
# only when asked for: the vault plugin when `pulumi plugin install resource vault VERSION` put it in
# PULUMI_HOME, pulumi-language-nodejs/-yaml and bao when VAULT_K8S_AUTH_PREBUILT_BIN=DIR holds them.
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

# How each tool is provided (tool_source in lib/build.sh): cached, built, or - only when installed or
# named for that purpose - a released binary. The sources of every tool to build are checked before
# anything starts, so a missing tarball fails at once.
declare -A source_of=()
for t in "${tools[@]}"; do
    source_of[$t]=$(tool_source "$t")
    [[ ${source_of[$t]} != build ]] || check_sources "$t"
done

start=$SECONDS
declare -A pids=()
for t in "${tools[@]}"; do
    case ${source_of[$t]} in
    prebuilt\ *) link_prebuilt "$t" "${source_of[$t]#prebuilt }" ;;
    installed\ *) ;;
    *)
        build "$t" &
        pids[$t]=$!
        ;;
    esac
done
# Progress while cold builds run: which tools are still building, and for how long, every minute.
# (Polled every second, so that a warm run, where `build` only links, ends as soon as it is done.)
next_report=$((start + 60))
while true; do
    running=()
    for t in "${!pids[@]}"; do kill -0 "${pids[$t]}" 2>/dev/null && running+=("$t"); done
    ((${#running[@]} == 0)) && break
    sleep 1
    if ((SECONDS >= next_report)); then
        log "still building after $((SECONDS - start))s: ${running[*]}"
        next_report=$((next_report + 60))
    fi
done
failed=()
for t in "${!pids[@]}"; do wait "${pids[$t]}" || failed+=("$t"); done
((${#failed[@]} == 0)) || die "toolchain: ${failed[*]} failed to build (logs in $TOOLCHAIN_DIR)"

# Resource plugins go into PULUMI_HOME at exactly the versions the npm packages ask for.
install_plugin kubernetes kubernetes
if [[ ${source_of[vault-plugin]} == installed\ * ]]; then
    log "plugin vault $(npm_plugin_version vault): the released plugin installed in PULUMI_HOME, ${source_of[vault-plugin]#installed }; not built (to build it from the pinned sources instead: PULUMI_HOME=$PULUMI_HOME pulumi plugin rm resource vault $(npm_plugin_version vault))"
else
    install_plugin vault vault-plugin
fi
log "toolchain ready in $TOOLCHAIN_BIN ($((SECONDS - start))s)"
