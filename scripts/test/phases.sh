# phase NAME COMMAND...: runs COMMAND, recording how long it took; when the script ends (passing or
# not), prints every phase's time. Sourced by .ci/run and scripts/test/test.sh.
phase_lines=()
phase() {
    local name=$1 began=$SECONDS rc=0
    shift
    "$@" || rc=$?
    phase_lines+=("$(printf '%-12s %5d s%s' "$name" $((SECONDS - began)) "$( ((rc == 0)) || echo "  (failed, exit $rc)")")")
    return "$rc"
}
print_phases() {
    ((${#phase_lines[@]} > 0)) || return 0
    printf '==> phase times (%s):\n' "$(basename "$0")" >&2
    printf '    %s\n' "${phase_lines[@]}" >&2
}
trap print_phases EXIT
