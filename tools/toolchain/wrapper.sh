# What every tools/toolchain/*/build.sh shares; each sources it first. Part of every tool's cache
# key (scripts/toolchain/build.sh: wrapper_key), so a change here rebuilds every tool.
# A build runs in a scratch copy of its folder, where ../wrapper.sh is not: the toolchain names
# this file in TOOLCHAIN_WRAPPER; run by hand from the repository, the default finds it.
set -euo pipefail

# start_build OUT_DIR [GOFLAGS...]: sets out_dir (OUT_DIR made absolute, created) and here (the
# calling build.sh's folder), and Go's settings for a static, reproducible build: no cgo, the local
# Go only, no VCS stamp, and the GOFLAGS given (e.g. -mod=readonly).
start_build() {
    [[ $# -ge 1 ]] || { echo "usage: ${BASH_SOURCE[1]} OUT_DIR" >&2; exit 2; }
    mkdir -p "$1"
    out_dir=$(cd "$1" && pwd)
    here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
    shift
    export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false${*:+ $*}"
}

# unpack_pinned TARBALL: unpacks $VENDOR_SRC/TARBALL.tar.gz here and replaces its go.mod/go.sum by
# this folder's go.mod.pinned/go.sum.pinned (see tools/toolchain/README.md); prints the source folder.
unpack_pinned() {
    tar -xzf "$VENDOR_SRC/$1.tar.gz" -C "$here"
    cp "$here/go.mod.pinned" "$here/$1/go.mod"
    cp "$here/go.sum.pinned" "$here/$1/go.sum"
    echo "$here/$1"
}

# build_language_host BINARY TARBALL VERSION_PACKAGE [MAIN_PACKAGE]: a Pulumi language host from the
# pinned source TARBALL (unpack_pinned), with the CLI's build tags, its version ($version) stamped
# into VERSION_PACKAGE.Version, and checked to start.
build_language_host() {
    local binary=$1 src
    src=$(unpack_pinned "$2")
    echo "==> building $binary $version" >&2
    (cd "$src" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X $3.Version=$version" -o "$out_dir/$binary" "${4:-.}")
    check_starts "$out_dir/$binary"
}

# check_starts BINARY: a language host asked for -help prints its usage: it starts.
# (Read whole, not piped into grep -q: an early-closed pipe kills it with SIGPIPE, a false failure.)
check_starts() {
    local usage
    usage=$("$1" -help 2>&1 || true)
    [[ $usage == "Usage of"* ]] || { echo "$(basename "$1") does not start: $usage" >&2; exit 1; }
}
