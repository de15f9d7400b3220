# Builds one toolchain wrapper (tools/toolchain/NAME) into the cache; sourced by toolchain.sh.
# A warm run only checks hashes, and never needs the pinned sources.

# wrapper_key NAME: the cache key of tools/toolchain/NAME: a hash of the folder, which pins
# everything the build reads (go.mod/go.sum, and in SOURCES the sha256 of each source tarball).
wrapper_key() {
    (cd "$REPO_DIR/tools/toolchain/$1" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-12
}

# check_sources NAME: every tarball NAME builds from (its SOURCES file) is present, with the pinned sha256.
check_sources() {
    local sources=$REPO_DIR/tools/toolchain/$1/SOURCES tarball want got
    [[ -f $sources ]] || return 0
    while read -r tarball want; do
        if [[ ! -f $VENDOR_SRC/$tarball ]]; then
            die "$1 is built from pinned public source that is not here: $VENDOR_SRC/$tarball
    (the Go module proxy refuses these modules). Two ways out:
      - point VAULT_K8S_AUTH_VENDOR_SRC at a folder holding the tarballs of tools/toolchain/$1/SOURCES
        (default: ../shared/vendor-src beside the repository);
      - or, on a machine that reaches GitHub and get.pulumi.com, install the released binaries instead
        (pulumi plugin install resource vault 7.8.0; pulumi-language-nodejs from the Pulumi 3.248.0 release; OpenBao 2.6.2)."
        fi
        got=$(sha256sum "$VENDOR_SRC/$tarball" | cut -d' ' -f1)
        [[ $got == "$want" ]] || die "$VENDOR_SRC/$tarball: sha256 $got, tools/toolchain/$1/SOURCES pins $want"
    done < <(grep -v '^#' "$sources")
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
        if ! (cd "$work" && VENDOR_SRC=$VENDOR_SRC ./build.sh "$out.partial") >"$log_file" 2>&1; then
            tail -n 30 "$log_file" >&2
            die "$name: build failed after $((SECONDS - start))s; see $log_file"
        fi
        rm -rf "$out"
        mv "$out.partial" "$out" && touch "$out/.complete"
        echo "$((SECONDS - start))" >"$out/.build-seconds"
        rm -rf "$work"
        log "$name: built in $((SECONDS - start))s"
    fi
    exec {lock_fd}>&-
    # Resource plugins are not put on PATH: Pulumi would run them as "ambient" plugins, beside
    # the ones `pulumi plugin install` put in PULUMI_HOME (see wrapper_output).
    local f
    for f in "$out"/*; do
        [[ $(basename "$f") == pulumi-resource-* ]] || ln -sfn "$f" "$TOOLCHAIN_BIN/$(basename "$f")"
    done
}

# wrapper_output NAME FILE: where the cached build of tools/toolchain/NAME keeps FILE.
wrapper_output() { echo "$TOOLCHAIN_DIR/$1-$(wrapper_key "$1")/$2"; }
