#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, built from its Go
# module by tools/toolchain/actionlint (cached like the rest of the toolchain). Prints one summary
# line when they are clean, actionlint's findings otherwise; exits with actionlint's status
# (0 clean, 1 findings, 2 bad options, 3 fatal).
# The shell in `run:` steps is checked with shellcheck, and Python steps with pyflakes, only when
# those are on PATH: neither is required.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/build.sh"

mkdir -p "$TOOLCHAIN_BIN"
if [[ -f $TOOLCHAIN_DIR/actionlint-$(wrapper_key actionlint)/.complete ]]; then
    # Warm: `build` only links; its "cached" line would be noise.
    build actionlint 2>/dev/null
else
    command -v go >/dev/null || die "go is not on PATH; install Go 1.25+ (actionlint is built from its Go module)."
    build actionlint
fi
actionlint=$TOOLCHAIN_BIN/actionlint

cd "$REPO_DIR"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
((${#workflows[@]} > 0)) || die "no workflows in $REPO_DIR/.github/workflows"

args=()
integrations=()
if command -v shellcheck >/dev/null; then integrations+=(shellcheck); else args+=(-shellcheck=); fi
if command -v pyflakes >/dev/null; then integrations+=(pyflakes); else args+=(-pyflakes=); fi

status=0
"$actionlint" "${args[@]}" "${workflows[@]}" || status=$?
if ((status == 0)); then
    printf 'actionlint %s: %d workflows clean (with %s)\n' "$("$actionlint" -version | head -n1)" \
        "${#workflows[@]}" "${integrations[*]:-no shellcheck/pyflakes}"
fi
exit "$status"
