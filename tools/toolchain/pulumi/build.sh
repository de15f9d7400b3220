#!/usr/bin/env bash
# Builds the Pulumi CLI and the Node.js language host from Go modules (module proxy only).
# Usage: build.sh OUT_DIR   (run from a scratch copy of this folder)
# Two wrapper modules, because their module graphs conflict:
#   cli/              pulumi                 github.com/pulumi/pulumi/pkg/v3/cmd/pulumi @ v3.274.1
#   language-nodejs/  pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs @ v3.68.0
#     (the last release where the host lived inside sdk/v3; the later standalone module
#      .../sdk/nodejs/cmd/pulumi-language-nodejs/v3 is refused by the proxy)
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"

CLI_VERSION=v3.274.1
HOST_VERSION=v3.68.0

export CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local

build() { # dir version pkg output
  local dir="$1" ver="$2" pkg="$3" out="$4"
  echo "==> building $out ($pkg@$ver)" >&2
  (cd "$HERE/$dir" && go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$ver" \
      -o "$OUT_DIR/$out.tmp" "$pkg")
  mv -f "$OUT_DIR/$out.tmp" "$OUT_DIR/$out"
}

build language-nodejs "$HOST_VERSION" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs
build cli "$CLI_VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi

echo "==> checking" >&2
"$OUT_DIR/pulumi" version >&2
"$OUT_DIR/pulumi-language-nodejs" -help 2>&1 | grep -q "^Usage of" || { echo "pulumi-language-nodejs does not start" >&2; exit 1; }
echo "==> done: $OUT_DIR/pulumi $OUT_DIR/pulumi-language-nodejs" >&2
