#!/usr/bin/env bash
# Builds OpenBao 2.6.2 (`bao`, MPL-2.0, Vault's API) from pinned public source: the proxy refuses
# github.com/openbao/openbao (its path has no /v2 while its tags are v2.x) and six of the
# go-kms-wrapping wrappers that vault/core.go imports. Usage: VENDOR_SRC=DIR build.sh OUT_DIR
# The wrappers come from the second tarball, byte-identical to the go.sum entries; everything else
# from the proxy. Stamped as the release (version, commit, commit date); no web UI.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@"
version=2.6.2
commit=dd9c19c37a878cf4a81b18efb8d6f0599c7da923
commit_date=2026-08-18T15:43:05Z

cd "$here"
tar -xzf "$VENDOR_SRC/openbao-v$version.tar.gz"
tar -xzf "$VENDOR_SRC/go-kms-wrapping-af8b1885.tar.gz"
src=$here/openbao-v$version
mkdir -p "$src/third_party"
mv go-kms-wrapping-af8b1885 "$src/third_party/go-kms-wrapping"
edits=()
for w in "$src"/third_party/go-kms-wrapping/wrappers/*/; do
    w=$(basename "$w")
    edits+=(-replace "github.com/openbao/go-kms-wrapping/wrappers/$w/v2=./third_party/go-kms-wrapping/wrappers/$w")
done
(cd "$src" && go mod edit "${edits[@]}")

echo "==> building bao $version (cold: about 6 minutes on 2 cores)" >&2
pkg=github.com/openbao/openbao/version
(cd "$src" && go build -trimpath \
    -ldflags "-s -w -X $pkg.fullVersion=$version -X $pkg.GitCommit=$commit -X $pkg.CommitDate=$commit_date" \
    -o "$out_dir/bao" .)
"$out_dir/bao" version >&2
