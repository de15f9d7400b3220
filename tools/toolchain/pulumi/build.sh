#!/usr/bin/env bash
# Builds the Pulumi CLI from its Go module (module proxy only). Usage: build.sh OUT_DIR
# cli/ is a wrapper module: it requires pkg/v3 and sdk/v3 at the same version and re-declares the
# clipboard replace of pkg's own go.mod (`go install pkg@version` refuses modules with replaces).
# The Node.js language host is built separately (tools/toolchain/language-nodejs).
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly
version=v$(awk '$1 == "pulumi" {print $2}' "$here/VERSION")

echo "==> building pulumi $version" >&2
(cd "$here/cli" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$out_dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
"$out_dir/pulumi" version >&2
