# Builds one toolchain wrapper (tools/toolchain/NAME) into the cache; sourced by toolchain.sh.
# The cache key is a hash of the wrapper folder plus, for wrappers that build from pinned source
# (a SOURCES file listing tarballs of the vendor folder), the sha256 of those tarballs: a warm run
# only checks hashes, and never needs the sources.

# wrapper_key NAME: the cache key of tools/toolchain/NAME.
wrapper_key() {
    local src=$REPO_DIR/tools/toolchain/$1
    {
        (cd "$src" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum)
        if [[ -f $src/SOURCES ]]; then
            local tarball
            while read -r tarball; do manifest_sha "$tarball"; done < <(grep -v '^#' "$src/SOURCES")
        fi
    } | sha256sum | cut -c1-12
}

# manifest_sha TARBALL: the sha256 the vendor MANIFEST pins for TARBALL (empty when unknown).
manifest_sha() {
    [[ -f $VENDOR_SRC/MANIFEST ]] || return 0
    awk -F'\t' -v t="$1" '$1 == t {print $NF}' "$VENDOR_SRC/MANIFEST"
}

# check_sources NAME: every tarball NAME builds from is present and matches the MANIFEST.
check_sources() {
    local src=$REPO_DIR/tools/toolchain/$1 tarball want got
    [[ -f $src/SOURCES ]] || return 0
    while read -r tarball; do
        want=$(manifest_sha "$tarball")
        if [[ ! -f $VENDOR_SRC/$tarball || -z $want ]]; then
            die "$1 is built from pinned public source that is not here: $VENDOR_SRC/$tarball (with its MANIFEST line).
    Two ways out:
      - set VAULT_K8S_AUTH_VENDOR_SRC to a folder holding the tarballs and MANIFEST (default: ../shared/vendor-src beside the repository);
      - or, on a connected machine, install the released binary instead (e.g. pulumi plugin install resource vault 7.8.0)."
        fi
        got=$(sha256sum "$VENDOR_SRC/$tarball" | cut -d' ' -f1)
        [[ $got == "$want" ]] || die "$VENDOR_SRC/$tarball: sha256 $got, MANIFEST pins $want"
    done < <(grep -v '^#' "$src/SOURCES")
}

# build NAME: builds tools/toolchain/NAME unless the cache holds a build of exactly that folder,
# then links its binaries into TOOLCHAIN_BIN.
build() {
    local name=$1 src=$REPO_DIR/tools/toolchain/$1 key out log_file start work
    key=$(wrapper_key "$name")
    out=$TOOLCHAIN_DIR/$name-$key
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
        mv "$out.partial" "$out" && touch "$out/.complete"
        echo "$((SECONDS - start))" >"$out/.build-seconds"
        rm -rf "$work"
        log "$name: built in $((SECONDS - start))s"
    fi
    local f
    for f in "$out"/*; do ln -sfn "$f" "$TOOLCHAIN_BIN/$(basename "$f")"; done
}
