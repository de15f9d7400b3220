#!/usr/bin/env bash
# Builds the YAML language host, pulumi-language-yaml 1.38.1, from pinned public source, so that
# Pulumi YAML programs (examples/yaml-service) can use this repository's components.
# Usage: VENDOR_SRC=DIR build.sh OUT_DIR
# Why 1.38.1: the proxy serves pulumi-yaml only at v1.11.1 and v1.25.0, too old for CLI 3.274
# (`pulumi package add` fails: "method Link not implemented"). Its go.mod is replaced by
# go.mod.pinned/go.sum.pinned: pkg/sdk at the CLI's version instead of v3.255.0, so that the module
# graph is the CLI's (tools/toolchain/README.md, "Shared module graphs"); its dependencies come from the proxy.
set -euo pipefail

out_dir=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=v1.38.1

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"

tar -xzf "$VENDOR_SRC/pulumi-yaml-$version.tar.gz" -C "$here"
src=$here/pulumi-yaml-$version
cp "$here/go.mod.pinned" "$src/go.mod"
cp "$here/go.sum.pinned" "$src/go.sum"

echo "==> building pulumi-language-yaml $version" >&2
(cd "$src" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$version" \
    -o "$out_dir/pulumi-language-yaml" ./cmd/pulumi-language-yaml)
# A language host asked for -help prints its usage: it starts.
# (Read whole, not piped into grep -q: an early-closed pipe kills it with SIGPIPE, a false failure.)
usage=$("$out_dir/pulumi-language-yaml" -help 2>&1 || true)
[[ $usage == "Usage of"* ]] || { echo "pulumi-language-yaml does not start: $usage" >&2; exit 1; }
