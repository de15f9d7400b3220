#!/usr/bin/env bash
# A real, minimal local environment on loopback: etcd, kube-apiserver (TLS from a CA made here,
# RBAC, service-account issuer and keys), kube-controller-manager (service-account token controller)
# and a Vault server (file storage, initialised and unsealed here, so it survives a restart).
#
#   scripts/local/env.sh start [--server openbao|vault] [--backend file|postgres] [--no-token-controller]
#                                                        start everything, wait until healthy, write .local/env
#                                                        (server: OpenBao 2.6.2, the default, or Vault 1.14.1;
#                                                        backend: Pulumi state in .local/pulumi-state, the default,
#                                                        or in a PostgreSQL 15 of its own on loopback)
#   scripts/local/env.sh stop                            stop everything started here (pid files)
#   scripts/local/env.sh start-cluster NAME              another API server + token controller (own CA, signing
#                                                        key, etcd prefix); prints its kubeconfig
#   scripts/local/env.sh stop-vault | start-vault        stop / restart (and unseal) only Vault
#   scripts/local/env.sh stop-postgres | start-postgres  stop / restart only PostgreSQL (--backend postgres)
#   scripts/local/env.sh stop-controller | start-controller
#   scripts/local/env.sh rotate-sa-key                   a new service-account signing key: the API server restarts
#                                                        signing with it and still accepting every earlier key
#   scripts/local/env.sh status
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

STATE=$LOCAL_DIR/env-state
ENV_FILE=$LOCAL_DIR/env
mkdir -p "$STATE"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# wait_for NAME SECONDS COMMAND...: polls COMMAND until it succeeds; fails naming the log.
wait_for() {
    local name=$1 limit=$2 start=$SECONDS
    shift 2
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS - start >= limit)); then
            tail -n 20 "$STATE/$name.log" >&2 || true
            die "$name not healthy after ${limit}s; log: $STATE/$name.log"
        fi
        if [[ -f $STATE/$name.pid ]] && ! kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
            tail -n 20 "$STATE/$name.log" >&2 || true
            die "$name exited; log: $STATE/$name.log"
        fi
        sleep 0.5
    done
    log "$name healthy after $((SECONDS - start))s"
}

# launch NAME COMMAND...: runs COMMAND in the background with a pid file and a log.
launch() {
    local name=$1
    shift
    nohup "$@" >"$STATE/$name.log" 2>&1 &
    echo $! >"$STATE/$name.pid"
}

stop_one() {
    local name=$1 pid
    [[ -f $STATE/$name.pid ]] || return 0
    pid=$(cat "$STATE/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        log "stopped $name (pid $pid)"
    fi
    rm -f "$STATE/$name.pid"
}

# A cluster's files: the first one's in $STATE, another's (start-cluster NAME) in $STATE/cluster-NAME,
# its processes named with the suffix -NAME, its objects under its own etcd prefix.
CLUSTER_DIR=$STATE SUFFIX=""

make_certs() {
    local d=$CLUSTER_DIR/pki
    [[ -f $d/ca.crt ]] && return 0
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=local-kubernetes-ca" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$d/apiserver.key" -out "$d/apiserver.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$d/apiserver.ext"
    openssl x509 -req -in "$d/apiserver.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 365 -extfile "$d/apiserver.ext" -out "$d/apiserver.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=local-admin" -keyout "$d/admin.key" -out "$d/admin.csr" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >"$d/client.ext"
    openssl x509 -req -in "$d/admin.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 365 -extfile "$d/client.ext" -out "$d/admin.crt" 2>/dev/null
    openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
    openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
    chmod 600 "$d"/*.key
}

write_kubeconfig() {
    local d=$CLUSTER_DIR/pki
    b64() { base64 -w0 <"$1"; }
    cat >"$CLUSTER_DIR/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
current-context: local
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:$APISERVER_PORT
      certificate-authority-data: $(b64 "$d/ca.crt")
contexts:
  - name: local
    context: { cluster: local, user: local-admin }
users:
  - name: local-admin
    user:
      client-certificate-data: $(b64 "$d/admin.crt")
      client-key-data: $(b64 "$d/admin.key")
KUBECONFIG
    chmod 600 "$CLUSTER_DIR/kubeconfig"
}

start_etcd() {
    launch etcd etcd --name local --data-dir "$STATE/etcd-data" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn --unsafe-no-fsync
    wait_for etcd 60 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
}

start_apiserver() {
    local d=$CLUSTER_DIR/pki name=kube-apiserver$SUFFIX key_flags=() pub
    # Tokens are signed with the newest key (rotate-sa-key); every key made so far still verifies.
    for pub in "$d"/sa*.pub; do key_flags+=(--service-account-key-file "$pub"); done
    launch "$name" kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/registry$SUFFIX" \
        --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" --cert-dir "$CLUSTER_DIR/apiserver-certs" \
        --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" --client-ca-file "$d/ca.crt" \
        --authorization-mode RBAC --service-cluster-ip-range 10.0.0.0/24 \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        "${key_flags[@]}" --service-account-signing-key-file "$(cat "$d/signing-key" 2>/dev/null || echo "$d/sa.key")" \
        --endpoint-reconciler-type none --enable-priority-and-fairness=false
    wait_for "$name" 120 kubectl --kubeconfig "$CLUSTER_DIR/kubeconfig" get --raw /readyz
    # RBAC bootstrap (system:auth-delegator among others) is done when readyz passes.
    wait_for "$name" 30 kubectl --kubeconfig "$CLUSTER_DIR/kubeconfig" get clusterrole system:auth-delegator
}

start_controller() {
    local d=$CLUSTER_DIR/pki name=kube-controller-manager$SUFFIX
    launch "$name" kube-controller-manager --kubeconfig "$CLUSTER_DIR/kubeconfig" \
        --controllers serviceaccount-token-controller,serviceaccount-controller,namespace-controller,garbage-collector-controller,root-ca-certificate-publisher-controller --service-account-private-key-file "$d/sa.key" --root-ca-file "$d/ca.crt" \
        --leader-elect=false --use-service-account-credentials=false --secure-port 0
    # Healthy means it really fills token Secrets: probe with a throwaway one.
    local k=(kubectl --kubeconfig "$CLUSTER_DIR/kubeconfig" -n kube-system)
    "${k[@]}" create serviceaccount env-probe >/dev/null 2>&1 || true
    "${k[@]}" apply -f - >/dev/null <<PROBE
apiVersion: v1
kind: Secret
metadata: { name: env-probe-token, annotations: { kubernetes.io/service-account.name: env-probe } }
type: kubernetes.io/service-account-token
PROBE
    wait_for "$name" 60 bash -c "[[ -n \$(${k[*]} get secret env-probe-token -o jsonpath='{.data.token}') ]]"
    "${k[@]}" delete secret env-probe-token >/dev/null
    "${k[@]}" delete serviceaccount env-probe >/dev/null
}

# The Vault-API server binary: bao (OpenBao) or vault (Vault 1.14, MPL), both built by the toolchain.
vault_bin() {
    local bin
    case $VAULT_SERVER in
    openbao) bin=$TOOLCHAIN_BIN/bao ;;
    vault) bin=$TOOLCHAIN_BIN/vault ;;
    *) die "unknown server \"$VAULT_SERVER\"; use --server openbao or --server vault" ;;
    esac
    [[ -x $bin ]] || die "$bin not found; run: npm run toolchain"
    echo "$bin"
}

start_vault() {
    cat >"$STATE/vault.hcl" <<HCL
storage "file" { path = "$STATE/vault-data" }
listener "tcp" {
  address     = "127.0.0.1:$VAULT_PORT"
  tls_disable = true
}
api_addr      = "http://127.0.0.1:$VAULT_PORT"
disable_mlock = true
ui            = false
HCL
    local bin
    bin=$(vault_bin)
    launch vault "$bin" server -config "$STATE/vault.hcl"
    local addr=http://127.0.0.1:$VAULT_PORT
    # 501 = not initialised, 503 = sealed: both mean the server answers.
    wait_for vault 60 bash -c "code=\$(curl -s -o /dev/null -w '%{http_code}' $addr/v1/sys/health); [[ \$code =~ ^(200|429|501|503)$ ]]"
    if [[ ! -f $STATE/vault-init.json ]]; then
        curl -fsS -X PUT -d '{"secret_shares":1,"secret_threshold":1}' "$addr/v1/sys/init" >"$STATE/vault-init.json"
        chmod 600 "$STATE/vault-init.json"
    fi
    local key
    key=$(node -p "require('$STATE/vault-init.json').keys[0]")
    curl -fsS -X PUT -d "{\"key\":\"$key\"}" "$addr/v1/sys/unseal" >/dev/null
    wait_for vault 30 curl -fsS "$addr/v1/sys/health"
}

# PostgreSQL refuses to run as root: then it runs as the postgres user of Debian's package.
as_postgres() {
    if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_bin() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [[ -x $dir/postgres ]] && echo "$dir" && return
    done
    die "PostgreSQL not found; install it (Debian: apt-get install postgresql-15) or use --backend file"
}

# Where PostgreSQL keeps its data: in .local, or, run as the postgres user (we are root), in that
# user's home, since it cannot enter a clone in a private folder (/root, a 700 temp folder).
postgres_data() {
    if ((EUID == 0)); then
        echo "$(getent passwd postgres | cut -d: -f6)/vault-k8s-auth-$(printf %s "$LOCAL_DIR" | sha256sum | cut -c1-12)"
    else
        echo "$STATE/postgres"
    fi
}

# A PostgreSQL of our own for Pulumi's state: loopback only, a generated password (in
# .local/postgres-password, mode 600), a database and a role named pulumi.
start_postgres() {
    local bin data pw=$LOCAL_DIR/postgres-password
    bin=$(postgres_bin)
    data=$(postgres_data)
    [[ -s $pw ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$pw")
    if [[ ! -f $data/PG_VERSION ]]; then
        mkdir -p "$data"
        ((EUID != 0)) || chown postgres "$data"
        as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$STATE/postgres-init.log" 2>&1 ||
            die "initdb failed; log: $STATE/postgres-init.log"
    fi
    nohup $( ((EUID == 0)) && echo runuser -u postgres --) "$bin/postgres" -D "$data" -h 127.0.0.1 -p "$POSTGRES_PORT" -k "$data" >"$STATE/postgres.log" 2>&1 &
    echo $! >"$STATE/postgres.pid"
    wait_for postgres 60 "$bin/pg_isready" -h 127.0.0.1 -p "$POSTGRES_PORT"
    # The server's own pid, not runuser's: stopping must reach PostgreSQL itself.
    head -n 1 "$data/postmaster.pid" >"$STATE/postgres.pid"
    local sql=(as_postgres psql -h "$data" -p "$POSTGRES_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
    if [[ -z $("${sql[@]}" -c "select 1 from pg_roles where rolname = 'pulumi'") ]]; then
        "${sql[@]}" -c "create role pulumi login password '$(cat "$pw")'" >/dev/null
        "${sql[@]}" -c "create database pulumi owner pulumi" >/dev/null
    fi
}

write_env_file() {
    local root_token backend_url
    root_token=$(node -p "require('$STATE/vault-init.json').root_token")
    ensure_passphrase
    mkdir -p "$LOCAL_DIR/pulumi-state"
    backend_url=file://$LOCAL_DIR/pulumi-state
    if [[ $BACKEND == postgres ]]; then
        backend_url="postgres://pulumi:$(cat "$LOCAL_DIR/postgres-password")@127.0.0.1:$POSTGRES_PORT/pulumi?sslmode=disable"
    fi
    (
        umask 077
        cat >"$ENV_FILE" <<ENV
# Written by scripts/local/env.sh: source it to use the local cluster, Vault and Pulumi backend.
export ETCD_PORT=$ETCD_PORT ETCD_PEER_PORT=$ETCD_PEER_PORT APISERVER_PORT=$APISERVER_PORT VAULT_PORT=$VAULT_PORT VAULT_SERVER=$VAULT_SERVER
export BACKEND=$BACKEND POSTGRES_PORT=${POSTGRES_PORT:-}
export KUBECONFIG=$STATE/kubeconfig
export VAULT_ADDR=http://127.0.0.1:$VAULT_PORT
export VAULT_TOKEN=$root_token
export PULUMI_BACKEND_URL=$backend_url
export PULUMI_CONFIG_PASSPHRASE_FILE=$LOCAL_DIR/passphrase
export PULUMI_HOME=$PULUMI_HOME
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_NODEJS_TRANSPILE_ONLY=true
export PATH=$TOOLCHAIN_BIN:\$PATH
ENV
    )
}

load_ports() {
    [[ -f $ENV_FILE ]] || die "no local environment ($ENV_FILE); run: scripts/local/env.sh start"
    # shellcheck disable=SC1090
    source "$ENV_FILE"
}

case ${1:-} in
start)
    shift
    VAULT_SERVER=openbao token_controller=true BACKEND=file
    while (($# > 0)); do
        case $1 in
        --server) VAULT_SERVER=${2:-} && shift ;;
        --backend) BACKEND=${2:-} && shift ;;
        --no-token-controller) token_controller=false ;;
        *) die "unknown option $1; see: scripts/local/env.sh help" ;;
        esac
        shift
    done
    for b in etcd kube-apiserver kube-controller-manager kubectl openssl curl; do
        command -v "$b" >/dev/null || die "$b not found; run: npm run toolchain"
    done
    vault_bin >/dev/null
    [[ $BACKEND == file || $BACKEND == postgres ]] || die "unknown backend \"$BACKEND\"; use --backend file or --backend postgres"
    [[ $BACKEND == file ]] || postgres_bin >/dev/null
    if [[ -f $STATE/kube-apiserver.pid ]] && kill -0 "$(cat "$STATE/kube-apiserver.pid")" 2>/dev/null; then
        die "a local environment is already running; run scripts/local/env.sh stop first"
    fi
    rm -rf "$STATE" && mkdir -p "$STATE"
    ETCD_PORT=$(free_port) ETCD_PEER_PORT=$(free_port) APISERVER_PORT=$(free_port) VAULT_PORT=$(free_port) POSTGRES_PORT=$(free_port)
    start=$SECONDS
    make_certs
    write_kubeconfig
    start_etcd
    start_apiserver
    [[ $token_controller == false ]] || start_controller
    start_vault
    # A fresh environment: no database of an earlier one (its role has another password).
    [[ $BACKEND == file ]] || { as_postgres rm -rf "$(postgres_data)" && start_postgres; }
    write_env_file
    log "local environment up in $((SECONDS - start))s: API server https://127.0.0.1:$APISERVER_PORT, $VAULT_SERVER http://127.0.0.1:$VAULT_PORT, state in $([[ $BACKEND == postgres ]] && echo "PostgreSQL 127.0.0.1:$POSTGRES_PORT" || echo "$LOCAL_DIR/pulumi-state")"
    log "use it with: source $ENV_FILE"
    ;;
stop)
    # Vault first, etcd last; every other cluster's processes too.
    for name in postgres vault kube-controller-manager kube-apiserver; do
        for pid_file in "$STATE/$name".pid "$STATE/$name"-*.pid; do [[ -f $pid_file ]] && stop_one "$(basename "$pid_file" .pid)"; done
    done
    stop_one etcd
    # Run as root, PostgreSQL's data lives outside .local: remove it with the rest (start makes a fresh one).
    if ((EUID == 0)) && [[ -d $(postgres_data) ]]; then as_postgres rm -rf "$(postgres_data)"; fi
    ;;
start-cluster)
    # Another cluster beside the first (same etcd, own prefix, own CA and signing key); prints its kubeconfig.
    [[ ${2:-} =~ ^[a-z0-9]+$ ]] || die "usage: scripts/local/env.sh start-cluster NAME (lower-case letters and digits)"
    load_ports
    CLUSTER_DIR=$STATE/cluster-$2 SUFFIX=-$2 APISERVER_PORT=$(free_port)
    mkdir -p "$CLUSTER_DIR"
    make_certs
    write_kubeconfig
    start_apiserver
    start_controller
    echo "$CLUSTER_DIR/kubeconfig"
    ;;
stop-vault) stop_one vault ;;
stop-postgres) stop_one postgres ;;
start-postgres) load_ports && start_postgres ;;
start-vault) load_ports && start_vault ;;
stop-controller) stop_one kube-controller-manager ;;
rotate-sa-key)
    load_ports
    n=$(find "$STATE/pki" -name 'sa*.key' | wc -l)
    openssl genrsa -out "$STATE/pki/sa$n.key" 2048 2>/dev/null
    openssl rsa -in "$STATE/pki/sa$n.key" -pubout -out "$STATE/pki/sa$n.pub" 2>/dev/null
    chmod 600 "$STATE/pki/sa$n.key"
    echo "$STATE/pki/sa$n.key" >"$STATE/pki/signing-key"
    stop_one kube-apiserver
    start_apiserver
    ;;
start-controller) load_ports && start_controller ;;
status)
    for name in etcd kube-apiserver kube-controller-manager vault postgres; do
        if [[ -f $STATE/$name.pid ]] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then echo "$name: running (pid $(cat "$STATE/$name.pid"))"; else echo "$name: stopped"; fi
    done
    ;;
*)
    sed -n '2,/^set -euo pipefail/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
