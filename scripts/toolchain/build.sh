# Builds one toolchain wrapper (tools/toolchain/NAME) into the cache; sourced by toolchain.sh.
# A warm run only checks hashes, and never needs the pinned sources.

# wrapper_key NAME: the cache key of tools/toolchain/NAME: a hash of the folder and of the
# wrapper.sh every build.sh sources, which pin everything the build reads (go.mod/go.sum, and in
# SOURCES the sha256 of each source tarball).
wrapper_key() {
    (cd "$REPO_DIR/tools/toolchain" && { find "$1" -type f ! -name '*.md' | LC_ALL=C sort; echo wrapper.sh; } | xargs sha256sum) |
        sha256sum | cut -c1-12
}

# tool_version NAME: the version tools/toolchain/NAME builds (second word of its VERSION file).
tool_version() { awk 'NR == 1 {print $2}' "$REPO_DIR/tools/toolchain/$1/VERSION"; }

# prebuilt_binary NAME: for the tools whose one binary goes on PATH and that build from pinned
# source, that binary: a released one in VAULT_K8S_AUTH_PREBUILT_BIN can stand in for the build.
prebuilt_binary() {
    case $1 in
    language-nodejs) echo pulumi-language-nodejs ;;
    yaml) echo pulumi-language-yaml ;;
    openbao) echo bao ;;
    *) return 1 ;;
    esac
}

# released_binary_hint NAME: where the released binary that can stand in for a build of NAME comes
# from, as a command to run on a machine that reaches GitHub and get.pulumi.com.
released_binary_hint() {
    local dir=$1 version os arch
    version=$(tool_version "$2")
    case $2 in
    language-nodejs)
        os=$(uname -s | tr '[:upper:]' '[:lower:]')
        case $(uname -m) in aarch64 | arm64) arch=arm64 ;; *) arch=x64 ;; esac
        echo "curl -fsSL https://get.pulumi.com/releases/sdk/pulumi-v$version-$os-$arch.tar.gz | tar -xz -C $dir --strip-components=1 pulumi/pulumi-language-nodejs"
        ;;
    yaml) echo "pulumi-language-yaml from https://github.com/pulumi/pulumi-yaml/releases/tag/v$version, into $dir" ;;
    openbao) echo "bao from https://github.com/openbao/openbao/releases/tag/v$version, into $dir" ;;
    esac
}

# missing_sources_message NAME TARBALL: why NAME cannot be built, and the two ways out.
missing_sources_message() {
    local name=$1 tarball=$2 dir f t needs=() prebuilt=() v
    for f in "$REPO_DIR"/tools/toolchain/*/SOURCES; do
        t=$(basename "$(dirname "$f")")
        needs+=("$t")
        if prebuilt_binary "$t" >/dev/null; then prebuilt+=("$t"); fi
    done
    dir=${VAULT_K8S_AUTH_PREBUILT_BIN:-$CACHE_DIR/released-bin}
    v=$(npm_plugin_version vault 2>/dev/null) || v=$(tool_version vault-plugin)
    echo "$name is built from pinned public source that is not here: $VENDOR_SRC/$tarball"
    echo "    (the Go module proxy refuses these modules; tools built from pinned sources: ${needs[*]})."
    if [[ -n ${VAULT_K8S_AUTH_PREBUILT_BIN:-} ]] && t=$(prebuilt_binary "$name"); then
        echo "    VAULT_K8S_AUTH_PREBUILT_BIN=$VAULT_K8S_AUTH_PREBUILT_BIN holds no executable $t."
    fi
    echo "    Two ways out, for $name and any other of them that is not cached:"
    echo "      1. the pinned sources: point VAULT_K8S_AUTH_VENDOR_SRC at a folder holding the tarballs"
    echo "         of tools/toolchain/*/SOURCES (default: ../shared/vendor-src beside the repository):"
    echo "           export VAULT_K8S_AUTH_VENDOR_SRC=/path/to/vendor-src; bash $REPO_DIR/scripts/toolchain/toolchain.sh"
    echo "      2. or the released binaries, fetched where GitHub and get.pulumi.com are reachable (on another"
    echo "         machine: then copy what these commands write to the same paths here):"
    echo "         vault-plugin: install the official plugin into this PULUMI_HOME, with any Pulumi CLI; toolchain.sh"
    echo "         then uses it as installed and builds nothing (one identical to a build in its cache does not count):"
    echo "           PULUMI_HOME=$PULUMI_HOME pulumi plugin install --reinstall resource vault $v"
    echo "         ${prebuilt[*]}: put their released binaries in one folder and name it"
    echo "         in VAULT_K8S_AUTH_PREBUILT_BIN (exported: local:up and the tests run toolchain.sh too):"
    echo "           mkdir -p $dir"
    for t in "${prebuilt[@]}"; do echo "           $(released_binary_hint "$dir" "$t")"; done
    echo "           export VAULT_K8S_AUTH_PREBUILT_BIN=$dir; bash $REPO_DIR/scripts/toolchain/toolchain.sh"
}

# check_sources NAME: every tarball NAME builds from (its SOURCES file) is present, with the pinned sha256.
check_sources() {
    local sources=$REPO_DIR/tools/toolchain/$1/SOURCES tarball want got
    [[ -f $sources ]] || return 0
    while read -r tarball want; do
        [[ -n $tarball ]] || continue
        [[ -f $VENDOR_SRC/$tarball ]] || die "$(missing_sources_message "$1" "$tarball")"
        got=$(sha256sum "$VENDOR_SRC/$tarball" | cut -d' ' -f1)
        [[ $got == "$want" ]] || die "$VENDOR_SRC/$tarball: sha256 $got, tools/toolchain/$1/SOURCES pins $want"
    done < <(grep -v '^#' "$sources")
}

# released_plugin NAME WRAPPER: where PULUMI_HOME holds the released resource plugin NAME at the
# version @pulumi/NAME asks for, put there by `pulumi plugin install resource NAME VERSION`. Fails
# when it is absent, half-installed, or identical to a build of tools/toolchain/WRAPPER in the cache,
# which toolchain.sh installed (a build of an older wrapper is stale, not a release: it is rebuilt).
released_plugin() {
    local version path b
    version=$(npm_plugin_version "$1") || return 1
    path=$(plugin_path "$1" "$version")
    [[ -f $path && -x $path && ! -e $PULUMI_HOME/plugins/resource-$1-v$version.partial ]] || return 1
    for b in "$TOOLCHAIN_DIR/$2"-*/"pulumi-resource-$1"; do
        if [[ -f $b ]] && cmp -s "$b" "$path"; then return 1; fi
    done
    echo "$path"
}

# tool_source NAME: how toolchain.sh provides tools/toolchain/NAME, the first that applies:
#   cached          the cache holds a build of exactly that wrapper (`build` links it);
#   installed PATH  vault-plugin: the released plugin is installed in PULUMI_HOME (released_plugin);
#   prebuilt PATH   language-nodejs, yaml, openbao: VAULT_K8S_AUTH_PREBUILT_BIN holds the released binary;
#   build           built by `build`, from the wrapper and its pinned sources (check_sources).
# Nothing is chosen behind the user's back: the released binaries are used only when installed or
# named for that purpose, and toolchain.sh logs which.
tool_source() {
    local name=$1 bin path
    if [[ -f $TOOLCHAIN_DIR/$name-$(wrapper_key "$name")/.complete ]]; then
        echo cached
    elif [[ $name == vault-plugin ]] && path=$(released_plugin vault vault-plugin); then
        echo "installed $path"
    elif [[ -n ${VAULT_K8S_AUTH_PREBUILT_BIN:-} ]] && bin=$(prebuilt_binary "$name") &&
        [[ -f $VAULT_K8S_AUTH_PREBUILT_BIN/$bin && -x $VAULT_K8S_AUTH_PREBUILT_BIN/$bin ]]; then
        echo "prebuilt $(cd "$VAULT_K8S_AUTH_PREBUILT_BIN" && pwd)/$bin"
    else
        echo build
    fi
}

# link_prebuilt NAME PATH: puts the released binary PATH on PATH (TOOLCHAIN_BIN) for NAME.
link_prebuilt() {
    ln -sfn "$2" "$TOOLCHAIN_BIN/$(basename "$2")"
    log "$1: released binary $2 (VAULT_K8S_AUTH_PREBUILT_BIN), not built"
}

# build NAME: builds tools/toolchain/NAME unless the cache holds a build of exactly that folder,
# then links its binaries into TOOLCHAIN_BIN.
build() {
    local name=$1 src=$REPO_DIR/tools/toolchain/$1 key out log_file start work
    key=$(wrapper_key "$name")
    out=$TOOLCHAIN_DIR/$name-$key
    # One build of a tool at a time: a second toolchain.sh (another clone, a test) waits for the
    # first and then finds its result, instead of building into the same folder.
    mkdir -p "$TOOLCHAIN_DIR"
    local lock_fd
    exec {lock_fd}>"$out.lock"
    flock "$lock_fd"
    if [[ -f $out/.complete ]]; then
        log "$name: cached ($(head -n1 "$src/VERSION"))"
    else
        check_sources "$name"
        log_file=$TOOLCHAIN_DIR/$name-$key.log
        work=$TOOLCHAIN_DIR/work/$name-$key
        log "$name: building $(head -n1 "$src/VERSION") - log: $log_file"
        rm -rf "$work" "$out.partial"
        mkdir -p "$TOOLCHAIN_DIR/work"
        cp -R "$src" "$work"
        start=$SECONDS
        # `times` in the subshell: the CPU (user, sys) of everything the build ran, compilers included.
        if ! (cd "$work" && VENDOR_SRC=$VENDOR_SRC TOOLCHAIN_WRAPPER=$REPO_DIR/tools/toolchain/wrapper.sh ./build.sh "$out.partial" && times >"$work/.times") \
            >"$log_file" 2>&1; then
            tail -n 30 "$log_file" >&2
            die "$name: build failed after $((SECONDS - start))s; see $log_file"
        fi
        rm -rf "$out"
        mv "$out.partial" "$out" && touch "$out/.complete"
        echo "$((SECONDS - start))" >"$out/.build-seconds"
        cpu_seconds <"$work/.times" >"$out/.build-cpu-seconds"
        rm -rf "$work"
        log "$name: built in $((SECONDS - start))s, $(cat "$out/.build-cpu-seconds") CPU-s"
    fi
    exec {lock_fd}>&-
    # Resource plugins are not put on PATH: Pulumi would run them as "ambient" plugins, beside
    # the ones `pulumi plugin install` put in PULUMI_HOME (see wrapper_output).
    local f
    for f in "$out"/*; do
        [[ $(basename "$f") == pulumi-resource-* ]] || ln -sfn "$f" "$TOOLCHAIN_BIN/$(basename "$f")"
    done
}

# cold_build_minutes TOOL...: about how long building TOOLs takes here from empty Go caches: their
# CPU seconds measured cold (tools/toolchain/cold-build.tsv) spread over this machine's cores.
cold_build_minutes() {
    awk -v tools=" $* " -v cores="$(nproc)" '
        !/^#/ && index(tools, " " $1 " ") { cpu += $2 }
        END { printf "%d\n", cpu / cores / 60 + 0.999 }' "$REPO_DIR/tools/toolchain/cold-build.tsv"
}

# cpu_seconds: the user + sys seconds of the children in `times` output on stdin (its second line,
# "1m2.500s 0m3.250s"), rounded.
cpu_seconds() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d\n", t + 0.5 }'; }

# wrapper_output NAME FILE: where the cached build of tools/toolchain/NAME keeps FILE.
wrapper_output() { echo "$TOOLCHAIN_DIR/$1-$(wrapper_key "$1")/$2"; }

# install_plugin NAME WRAPPER: installs the build of tools/toolchain/WRAPPER into PULUMI_HOME as resource
# plugin NAME, at exactly the version @pulumi/NAME asks for.
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
