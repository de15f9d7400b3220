#!/usr/bin/env bash
# Builds the Node.js language host 3.248.0 (the one released with @pulumi/pulumi 3.248.0) from its
# pinned public source: its module is refused by the Go module proxy at every version.
# Usage: VENDOR_SRC=DIR build.sh OUT_DIR
# The tarball's go.mod replaces pkg/sdk with folders of the pulumi monorepo; go.mod.pinned and
# go.sum.pinned (made by `go mod edit -dropreplace … -require pkg/sdk@v3.248.0 && go mod tidy`)
# require the published v3.248.0 modules instead.
set -euo pipefail

out_dir=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=v3.248.0

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"

tar -xzf "$VENDOR_SRC/pulumi-language-nodejs-$version.tar.gz" -C "$here"
src=$here/pulumi-language-nodejs-$version
cp "$here/go.mod.pinned" "$src/go.mod"
cp "$here/go.sum.pinned" "$src/go.sum"

echo "==> building pulumi-language-nodejs $version" >&2
(cd "$src" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$out_dir/pulumi-language-nodejs" .)
# (Read whole, not piped into grep -q: an early-closed pipe kills it with SIGPIPE, a false failure.)
usage=$("$out_dir/pulumi-language-nodejs" -help 2>&1 || true)
[[ $usage == "Usage of"* ]] || { echo "pulumi-language-nodejs does not start: $usage" >&2; exit 1; }
