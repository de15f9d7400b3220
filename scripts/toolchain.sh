#!/usr/bin/env bash
# Makes the offline toolchain available: the Pulumi CLI and Node.js language host, the kubernetes
# resource plugin, etcd, kube-apiserver, kube-controller-manager, kubectl and a Vault-API server
# (HashiCorp Vault 1.14, MPL). Each is built from its public Go module by the wrapper module in
# tools/toolchain/<name>/, into a cache outside the repository keyed by a hash of that folder, so a
# warm run only re-links symlinks. The vault resource plugin cannot be built here (see README).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

command -v go >/dev/null || die "go is not on PATH; install Go 1.26+ (the toolchain is built from Go modules)."
mkdir -p "$TOOLCHAIN_BIN" "$TOOLCHAIN_DIR/work"

# build NAME: builds tools/toolchain/NAME unless the cache holds a build of exactly that folder.
build() {
    local name=$1 src=$REPO_DIR/tools/toolchain/$1 key out log_file start
    key=$(cd "$src" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
    out=$TOOLCHAIN_DIR/$name-$key
    if [[ -f $out/.complete ]]; then
        log "$name: cached ($(tr '\n' ' ' <"$src/VERSION"))"
    else
        log_file=$TOOLCHAIN_DIR/$name-$key.log
        log "$name: building $(tr '\n' ' ' <"$src/VERSION")- a cold build takes minutes; full log: $log_file"
        rm -rf "$TOOLCHAIN_DIR/work/$name-$key" "$out.partial"
        cp -R "$src" "$TOOLCHAIN_DIR/work/$name-$key"
        start=$SECONDS
        if ! (cd "$TOOLCHAIN_DIR/work/$name-$key" && ./build.sh "$out.partial") >"$log_file" 2>&1; then
            tail -n 30 "$log_file" >&2
            die "$name: build failed; see $log_file"
        fi
        grep '^==>' "$log_file" | sed 's/^/    /' >&2 || true
        mv "$out.partial" "$out" && touch "$out/.complete"
        rm -rf "$TOOLCHAIN_DIR/work/$name-$key"
        log "$name: built in $((SECONDS - start))s"
    fi
    local f
    for f in "$out"/*; do ln -sfn "$f" "$TOOLCHAIN_BIN/$(basename "$f")"; done
}

wanted_pulumi=$(awk '$1 == "pulumi" {print $2}' "$REPO_DIR/tools/toolchain/pulumi/VERSION")
if [[ $(command -v pulumi || true) != "$TOOLCHAIN_BIN/pulumi" ]] && command -v pulumi-language-nodejs >/dev/null &&
    [[ $(pulumi version 2>/dev/null) == "v$wanted_pulumi" ]]; then
    log "pulumi: v$wanted_pulumi found on PATH at $(command -v pulumi)"
else
    build pulumi
fi
build kubernetes
build kube
# A Vault-API server: OpenBao, or Vault 1.14.0-1.14.8 (MPL; 1.14.9+ and 1.15+ are BUSL and not used).
if command -v bao >/dev/null; then
    log "vault server: $(bao version | head -n1) found on PATH"
elif [[ $(command -v vault || true) != "$TOOLCHAIN_BIN/vault" ]] && vault version 2>/dev/null | grep -Eq '^Vault v1\.14\.[0-8]( |$)'; then
    log "vault server: $(vault version | head -n1) found on PATH"
else
    build vault-server
fi

# Resource plugins go into PULUMI_HOME at exactly the versions the npm packages ask for.
install_plugin() {
    local name=$1 version=$2 binary=$3
    if plugin_installed "$name" "$version"; then
        log "plugin $name $version: installed"
    else
        pulumi plugin install resource "$name" "$version" --file "$binary" >&2
        log "plugin $name $version: installed from $binary"
    fi
}
install_plugin kubernetes "$(npm_plugin_version kubernetes)" "$TOOLCHAIN_BIN/pulumi-resource-kubernetes"

log "toolchain ready in $TOOLCHAIN_BIN"
