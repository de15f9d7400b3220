#!/usr/bin/env bash
# Destroys the dev stack's resources and stops the local environment (nothing left running).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"

if [[ -f $LOCAL_DIR/env ]] && bash scripts/local-env.sh status | grep -q "^vault: running"; then
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
    if pulumi stack select dev >/dev/null 2>&1; then
        log "pulumi destroy (stack dev)"
        pulumi destroy --yes --stack dev
    fi
fi
bash scripts/local-env.sh stop
log "local environment stopped"
