#!/usr/bin/env bash
# Builds the YAML language host, pulumi-language-yaml 1.38.1, from pinned public source, so that
# Pulumi YAML programs (examples/yaml-service) can use this repository's components.
# Usage: VENDOR_SRC=DIR build.sh OUT_DIR
# Why 1.38.1: the proxy serves pulumi-yaml only at v1.11.1 and v1.25.0, too old for CLI 3.274
# (`pulumi package add` fails: "method Link not implemented"). Its go.mod is replaced by
# go.mod.pinned/go.sum.pinned: pkg/sdk at the CLI's version instead of v3.255.0, so that the module
# graph is the CLI's (tools/toolchain/README.md, "Shared module graphs"); its dependencies come from the proxy.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly
version=v1.38.1
build_language_host pulumi-language-yaml "pulumi-yaml-$version" github.com/pulumi/pulumi-yaml/pkg/version ./cmd/pulumi-language-yaml
