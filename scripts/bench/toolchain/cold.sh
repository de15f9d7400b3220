#!/usr/bin/env bash
# Measures a cold toolchain build: toolchain.sh [all|main|pulumi] with empty Go caches and an empty
# toolchain cache of its own (nothing shared with ~/.cache or ~/go is read or cleaned), every
# compile and link logged with its CPU. Then prints where the CPU went (report.ts).
#
#   bash scripts/bench/toolchain/cold.sh [all|main|pulumi] [DIR]     (DIR default: /tmp/toolchain-cold-<time>)
#
# DIR keeps cache/ (the toolchain cache, usable as VAULT_K8S_AUTH_CACHE), tools.log (one line per
# compile/link), toolchain.log and report.json; its Go caches (about 23 GB for `all`) are removed at
# the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
target=${1:-all}
dir=${2:-/tmp/toolchain-cold-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
for d in gocache gomodcache cache; do
    [[ ! -e $dir/$d ]] || { echo "error: $dir/$d exists; a cold build needs an empty DIR" >&2; exit 2; }
done

# A cold build of everything fills about 23 GB of Go caches; a full disk fails it halfway.
free_gb=$(df -Pk "$dir" | awk 'NR == 2 {print int($4 / 1048576)}')
((free_gb >= 30)) || { echo "error: $dir has ${free_gb} GB free; a cold build needs about 30" >&2; exit 2; }

export GOCACHE=$dir/gocache GOMODCACHE=$dir/gomodcache VAULT_K8S_AUTH_CACHE=$dir/cache
unset PULUMI_HOME
export COLD_BENCH_REAL_GO COLD_BENCH_LOG=$dir/tools.log
COLD_BENCH_REAL_GO=$(command -v go)
export PATH=$here:$PATH
: >"$COLD_BENCH_LOG"

echo "==> cold toolchain.sh $target into $dir (load before: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
# Each line of toolchain.sh's log with the seconds since the start, to read when each tool was ready.
started=$SECONDS
/usr/bin/time -o "$dir/total.time" -f "%e %U %S %M" bash "$repo/scripts/toolchain/toolchain.sh" "$target" 2>&1 |
    while IFS= read -r line; do printf '%5ds %s\n' $((SECONDS - started)) "$line"; done | tee "$dir/toolchain.log"
npx --prefix "$repo" tsx "$here/report.ts" "$dir"
chmod -R u+w "$GOMODCACHE"
rm -rf "$GOCACHE" "$GOMODCACHE" "$dir/cache/toolchain/work"
