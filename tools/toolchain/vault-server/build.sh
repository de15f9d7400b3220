#!/usr/bin/env bash
# Builds a Vault-API dev/test server (binary: vault) from Go modules via the Go module proxy.
# The second local server beside OpenBao (tools/toolchain/openbao): HashiCorp Vault v1.14.1, the
# last MPL-2.0 line the proxy serves with its sdk (never 1.14.10+ or 1.15+, which are BUSL).
# Usage: build.sh OUT_DIR   (run from a scratch copy of this folder)
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly
cd "$here"

ver="$(go list -m -f '{{.Version}}' github.com/hashicorp/vault)"
# The version string itself comes from the module's embedded version/VERSION file.
# Commit and date of the v1.14.1 tag, so the binary is reproducible.
pkg=github.com/hashicorp/vault/version
ldflags="-s -w -X ${pkg}.GitCommit=bf23fe8636b04d554c0fa35a756c75c2f59026c0 -X ${pkg}.BuildDate=2023-07-21T17:15:14Z"

echo "==> building vault ${ver} -> ${out_dir}/vault (cold: ~10-25 min on 2 cores, plus module downloads)" >&2
go build -trimpath -ldflags "$ldflags" -o "$out_dir/vault.tmp" github.com/hashicorp/vault
mv -f "$out_dir/vault.tmp" "$out_dir/vault"

echo "==> built: $("$out_dir/vault" version)" >&2
