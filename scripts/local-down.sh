#!/usr/bin/env bash
# Destroys the dev stack's resources and stops the local environment (nothing left running).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack-config.sh"
cd "$REPO_DIR"
stack=dev

if [[ -f $LOCAL_DIR/env ]] && bash scripts/local-env.sh status | grep -q "^vault: running"; then
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
    if pulumi stack select "$stack" >/dev/null 2>&1; then
        prepare_stack "$stack"
        log "pulumi destroy (stack $stack)"
        pulumi destroy --yes --stack "$stack" --config-file "$(stack_config_file "$stack")"
    fi
fi
bash scripts/local-env.sh stop
log "local environment stopped"
