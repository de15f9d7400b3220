#!/usr/bin/env bash
# Destroys the dev stack's and the example fleet's resources and stops the local environment
# (nothing left running).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/stack-config.sh"
cd "$REPO_DIR"
stack=dev

if [[ -f $LOCAL_DIR/env ]] && bash scripts/local/env.sh status | grep "^vault: running" >/dev/null; then
    # shellcheck disable=SC1091
    source "$LOCAL_DIR/env"
    if pulumi stack select "$stack" >/dev/null 2>&1; then
        prepare_stack "$stack"
        log "pulumi destroy (stack $stack)"
        pulumi destroy --yes --stack "$stack" --config-file "$(stack_config_file "$stack")"
    fi
    fleet_stack=$(awk '$1 == "stack:" {print $2; exit}' fleet/fleet.yaml)
    if pulumi stack ls --json 2>/dev/null | grep -q "\"name\": \"$fleet_stack\""; then
        log "fleet destroy (platform stack $fleet_stack and its teams)"
        ensure_passphrase
        npx tsx scripts/fleet/main.ts destroy --prune
    fi
fi
bash scripts/local/env.sh stop
log "local environment stopped"
