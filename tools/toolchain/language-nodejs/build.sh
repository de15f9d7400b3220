#!/usr/bin/env bash
# Builds the Node.js language host 3.248.0 (the one released with @pulumi/pulumi 3.248.0) from its
# pinned public source: its module is refused by the Go module proxy at every version.
# Usage: VENDOR_SRC=DIR build.sh OUT_DIR
# The tarball's go.mod replaces pkg/sdk with folders of the pulumi monorepo; go.mod.pinned and
# go.sum.pinned (made by `go mod edit -dropreplace … -require pkg/sdk@v3.248.0 && go mod tidy`)
# require the published v3.248.0 modules instead.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly
version=v3.248.0
build_language_host pulumi-language-nodejs "pulumi-language-nodejs-$version" github.com/pulumi/pulumi/sdk/v3/go/common/version
