#!/usr/bin/env bash
# go -toolexec: runs one compile/asm/link and appends a line to $COLD_BENCH_LOG:
#   user-seconds sys-seconds wall-seconds wrapper tool package first-source-folder
# The wrapper comes from the go shim beside this; the source folder names the module version
# (GOMODCACHE/path@version/...).
tool=$(basename "$1")
case $tool in compile | asm | link) ;; *) exec "$@" ;; esac
pkg=- src=- prev=
for a in "${@:2}"; do
    [[ $prev == -p ]] && pkg=$a
    [[ $src == - && $a == /*.go ]] && src=$(dirname "$a")
    prev=$a
done
[[ " $* " == *" -V=full "* ]] && exec "$@"
exec /usr/bin/time -a -o "${COLD_BENCH_LOG:?}" -f "%U %S %e ${COLD_BENCH_WRAPPER:-?} $tool $pkg $src" "$@"
