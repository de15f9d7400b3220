#!/usr/bin/env bash
# Builds the official vault resource plugin, pulumi-resource-vault 7.8.0 (what @pulumi/vault 7.8.0
# asks for), from pinned public source: the Go module proxy refuses pulumi-vault/provider,
# terraform-provider-vault and pulumi-terraform-bridge v3.125.0. Usage: VENDOR_SRC=DIR build.sh OUT_DIR
#
# As the provider's own Makefile does: lay out provider/, upstream/ (the terraform provider, a
# submodule upstream) and bridge/ side by side; generate schema.json with the provider's tfgen
# (pulumi-tfgen-vault schema), schema-embed.json with its `go generate`, then build the plugin with
# the version stamped. Everything else comes from the Go module proxy at the go.sum's versions.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@"
version=7.8.0
module=github.com/pulumi/pulumi-vault/provider/v7

cd "$here"
unpack() { tar -xzf "$VENDOR_SRC/$1.tar.gz" && mv "$1" "$2"; }
unpack pulumi-vault-v$version-provider provider
unpack terraform-provider-vault-91f91c5c upstream
unpack pulumi-terraform-bridge-v3.125.0 bridge
# provider/go.mod already replaces terraform-provider-vault => ../upstream; the bridge is the one
# module it requires from the proxy that the proxy refuses.
(cd provider && go mod edit -replace github.com/pulumi/pulumi-terraform-bridge/v3=../bridge)

ldflags="-s -w -X $module/pkg/version.Version=$version"
echo "==> building pulumi-tfgen-vault" >&2
# tfgen needs the version too: the provider's info derives its module major version from it.
(cd provider && go build -trimpath -ldflags "$ldflags" -o "$here/pulumi-tfgen-vault" ./cmd/pulumi-tfgen-vault)

echo "==> generating schema.json (tfgen) and schema-embed.json (go generate, version $version)" >&2
# tfgen reads upstream/'s docs relative to the working folder. No `pulumi convert` of examples
# (it would want a CLI and plugins), no plugin downloads, a scratch PULUMI_HOME.
unset PULUMI_CONVERT_EXAMPLES_CACHE_DIR
PULUMI_CONVERT=0 PULUMI_MISSING_DOCS_ERROR=false PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
    PULUMI_HOME="$here/pulumi-home" ./pulumi-tfgen-vault schema --out provider/cmd/pulumi-resource-vault >&2
(cd provider && VERSION=$version go generate cmd/pulumi-resource-vault/main.go)

echo "==> building pulumi-resource-vault $version" >&2
(cd provider && go build -trimpath -ldflags "$ldflags" -o "$out_dir/pulumi-resource-vault" ./cmd/pulumi-resource-vault)
# The schema the plugin serves, kept beside it for the check against @pulumi/vault.
cp provider/cmd/pulumi-resource-vault/schema.json "$out_dir/pulumi-resource-vault.schema.json"
echo "==> done: $out_dir/pulumi-resource-vault" >&2
