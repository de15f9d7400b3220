#!/usr/bin/env bash
# Makes the offline toolchain available, each tool built by its wrapper in tools/toolchain/<name>/
# into a cache outside the repository (keyed by a hash of the wrapper and of the pinned sources it
# builds from), so a warm run only checks hashes.
#
#   toolchain.sh [all]      main, Vault 1.14 and the YAML language host: what the test suite needs
#   toolchain.sh main       what `npm run local:up` needs: Pulumi CLI + Node.js host + kubernetes and
#                           vault plugins, etcd/kube-apiserver/kube-controller-manager/kubectl, OpenBao
#   toolchain.sh pulumi     only what `pulumi up` needs against your own cluster and Vault
#   toolchain.sh TOOL...    those wrappers (e.g. vault-server); groups and tools can be mixed
#
# A cold run says what it will build and about how long it takes (tools/toolchain/cold-build.tsv),
# builds at most VAULT_K8S_AUTH_BUILD_JOBS at a time in the order below, and reports progress.
#
# Tools built from pinned sources (tools/toolchain/*/SOURCES) can instead come from their releases,
# only when asked for: the vault plugin when `pulumi plugin install resource vault VERSION` put it in
# PULUMI_HOME, pulumi-language-nodejs/-yaml and bao when VAULT_K8S_AUTH_PREBUILT_BIN=DIR holds them.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/build.sh"

command -v go >/dev/null || die "go is not on PATH; install Go 1.26+ (the toolchain is built from Go modules)."
mkdir -p "$TOOLCHAIN_BIN"

# Every tool, in build order: the main job's first, the longest builds first (fewer minutes with one
# core idle at the end). A tool waits for the one it reuses compiled packages from (its `after`),
# which shares its module graph (tools/toolchain/README.md): run side by side, both would compile them.
all_tools=(kubernetes kube pulumi openbao vault-plugin language-nodejs vault-server yaml)
declare -A after=([yaml]=pulumi [openbao]=kube)
declare -A groups=(
    [main]="pulumi language-nodejs kubernetes vault-plugin kube openbao"
    [all]="${all_tools[*]}"
    [pulumi]="pulumi language-nodejs kubernetes vault-plugin"
)
usage="usage: toolchain.sh [all|main|pulumi|TOOL]... (TOOL: ${all_tools[*]})"
declare -A wanted=()
for arg in "${@:-all}"; do
    if [[ -n ${groups[$arg]:-} ]]; then
        for t in ${groups[$arg]}; do wanted[$t]=1; done
    elif [[ " ${all_tools[*]} " == *" $arg "* ]]; then
        wanted[$arg]=1
    else
        die "toolchain.sh: no tool or group '$arg'; $usage"
    fi
done
# The plugins are installed with the CLI.
[[ -z ${wanted[kubernetes]:-}${wanted[vault-plugin]:-} ]] || wanted[pulumi]=1
tools=()
for t in "${all_tools[@]}"; do [[ -z ${wanted[$t]:-} ]] || tools+=("$t"); done

# How each tool is provided (tool_source in lib/build.sh): cached, built, or - only when installed or
# named for that purpose - a released binary. The sources of every tool to build are checked before
# anything starts, so a missing tarball fails at once.
declare -A source_of=()
to_build=()
for t in "${tools[@]}"; do
    source_of[$t]=$(tool_source "$t")
    case ${source_of[$t]} in
    build) check_sources "$t" && to_build+=("$t") ;;
    prebuilt\ *) link_prebuilt "$t" "${source_of[$t]#prebuilt }" ;;
    cached) build "$t" ;; # only links
    installed\ *) ;;      # the released vault plugin in PULUMI_HOME: nothing to build
    esac
done

start=$SECONDS
if ((${#to_build[@]} > 0)); then
    jobs=${VAULT_K8S_AUTH_BUILD_JOBS:-2}
    log "cold build of ${to_build[*]}: about $(cold_build_minutes "${to_build[@]}") min on this machine's $(nproc) cores, $jobs at a time (logs: $TOOLCHAIN_DIR/<tool>-<hash>.log)"
    queue=("${to_build[@]}")
    # next_ready: the first queued tool whose `after` is neither queued nor building.
    next_ready() {
        local t a
        for t in "${queue[@]}"; do
            a=${after[$t]:-}
            [[ -n $a && ( " ${queue[*]} " == *" $a "* || -n ${pids[$a]:-} ) ]] || { echo "$t"; return 0; }
        done
        return 1
    }
    declare -A pids=() began=()
    failed=()
    next_report=$((start + 60))
    while ((${#queue[@]} > 0 || ${#pids[@]} > 0)); do
        for t in "${!pids[@]}"; do
            kill -0 "${pids[$t]}" 2>/dev/null && continue
            wait "${pids[$t]}" || failed+=("$t")
            unset "pids[$t]"
        done
        # After a failure nothing new starts; what runs finishes.
        while ((${#pids[@]} < jobs && ${#failed[@]} == 0)) && t=$(next_ready); do
            rest=()
            for q in "${queue[@]}"; do [[ $q == "$t" ]] || rest+=("$q"); done
            queue=("${rest[@]}")
            build "$t" &
            pids[$t]=$!
            began[$t]=$SECONDS
        done
        ((${#failed[@]} == 0)) || queue=()
        if ((SECONDS >= next_report && ${#pids[@]} > 0)); then
            running=()
            for t in "${!pids[@]}"; do running+=("$t ($(((SECONDS - began[$t]) / 60)) min)"); done
            log "after $(((SECONDS - start) / 60)) min: building ${running[*]}${queue[*]:+; next: ${queue[*]}}"
            next_report=$((next_report + 60))
        fi
        # Polled, so that a build's end is seen at once and progress is reported on time.
        ((${#pids[@]} == 0)) || sleep 0.2
    done
    ((${#failed[@]} == 0)) || die "toolchain: ${failed[*]} failed to build (logs in $TOOLCHAIN_DIR)"
fi

# Resource plugins go into PULUMI_HOME at exactly the versions the npm packages ask for.
[[ -z ${wanted[kubernetes]:-} ]] || install_plugin kubernetes kubernetes
if [[ -z ${wanted[vault-plugin]:-} ]]; then
    :
elif [[ ${source_of[vault-plugin]} == installed\ * ]]; then
    log "plugin vault $(npm_plugin_version vault): the released plugin installed in PULUMI_HOME, ${source_of[vault-plugin]#installed }; not built (to build it from the pinned sources instead: PULUMI_HOME=$PULUMI_HOME pulumi plugin rm resource vault $(npm_plugin_version vault))"
else
    install_plugin vault vault-plugin
fi
log "toolchain ready in $TOOLCHAIN_BIN ($((SECONDS - start))s)"
