# Local stacks whose committed Pulumi.<stack>.yaml holds config only; sourced, not run.
#
# The passphrase secrets provider keeps a salt per stack. `pulumi stack init` writes it into
# Pulumi.<stack>.yaml, which would tie a committed file to one clone's passphrase. Instead the stack
# is created from a scratch project folder in .local/ (so init writes the salt there, and into the
# stack's state), and every command reads a copy of the committed file in .local/ (--config-file)
# into which Pulumi writes the salt back from the state (PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER).
# The committed file is never written.

export PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true

# stack_config_file STACK: the config file local commands pass as --config-file.
stack_config_file() { echo "$LOCAL_DIR/stacks/Pulumi.$1.yaml"; }

# prepare_stack STACK: creates STACK if needed and refreshes its config copy from the committed file.
prepare_stack() {
    local stack=$1 scratch=$LOCAL_DIR/stack-init
    ensure_passphrase
    mkdir -p "$LOCAL_DIR/stacks" "$scratch"
    if ! (cd "$REPO_DIR" && pulumi stack select "$stack" >/dev/null 2>&1); then
        printf 'name: %s\nruntime: nodejs\n' "$(awk '$1 == "name:" {print $2; exit}' "$REPO_DIR/Pulumi.yaml")" >"$scratch/Pulumi.yaml"
        (cd "$scratch" && pulumi stack init "$stack" --no-select >/dev/null)
        (cd "$REPO_DIR" && pulumi stack select "$stack" >/dev/null)
        log "created stack $stack (secrets: passphrase in $LOCAL_DIR/passphrase)"
    fi
    # Config from the committed file; the salt is written back from the state by Pulumi.
    grep -v '^encryptionsalt:' "$REPO_DIR/Pulumi.$stack.yaml" >"$(stack_config_file "$stack")"
}
