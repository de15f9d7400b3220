#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from its Go module. Usage: build.sh OUT_DIR
# go.mod is a wrapper module whose `tool` directive pins github.com/rhysd/actionlint, made by
#   go mod init toolchain/actionlint
#   go get -tool github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
#   go mod edit -go=1.25.0 && go mod tidy     (1.25.0: what actionlint itself requires)
# A build from a wrapper module has no module version of its own ("(devel)"), so the version
# `actionlint -version` prints is stamped with -X, as upstream's release builds do.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly
version=$(awk '$1 == "actionlint" {print $2}' "$here/VERSION")

echo "==> building actionlint $version" >&2
(cd "$here" && go build -trimpath \
    -ldflags "-s -w -X github.com/rhysd/actionlint.version=$version" \
    -o "$out_dir/actionlint" github.com/rhysd/actionlint/cmd/actionlint)
"$out_dir/actionlint" -version >&2
