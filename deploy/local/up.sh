#!/usr/bin/env bash
# The scaled-out topology on one machine, from Debian packages only:
#   PostgreSQL primary + hot standby (synchronous streaming replication), Redis (shared rate limits),
#   three API replicas, HAProxy in front with health-checked backends.
#   deploy/local/up.sh          install what is missing, build, start everything, wait until it answers
#   deploy/local/down.sh        stop it all (data kept in .data/deploy; --purge deletes it)
# Ports (environment overrides): HAProxy $RT_LB_PORT (5180; its stats page on $RT_LB_STATS_PORT, 5190), replicas $RT_API_PORTS (5181 5182 5183),
# primary $RT_PG_PRIMARY_PORT (56432), standby $RT_PG_STANDBY_PORT (56433), Redis $RT_REDIS_PORT (56379).
# Any other setting of the API can be given as an environment variable (e.g. RateLimits__PermitsPerAddress=1000):
# the replicas inherit it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
state="$root/.data/deploy"
lb_port=${RT_LB_PORT:-5180}
stats_port=${RT_LB_STATS_PORT:-5190}
api_ports=(${RT_API_PORTS:-5181 5182 5183})
primary_port=${RT_PG_PRIMARY_PORT:-56432}
standby_port=${RT_PG_STANDBY_PORT:-56433}
redis_port=${RT_REDIS_PORT:-56379}

log() { echo "up.sh: $*" >&2; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# 1. What a fresh machine lacks: HAProxy, Redis, the PostgreSQL server, curl (Debian packages).
missing=()
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v curl >/dev/null 2>&1 || missing+=(curl)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "install ${missing[*]} (apt-get install ${missing[*]}) and run again"; exit 1; }
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian packages start their own services; this topology runs its own instances on its own ports.
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
command -v dotnet >/dev/null 2>&1 || { log "the .NET SDK 10 is required"; exit 1; }

mkdir -p "$state/logs" "$state/run" "$state/sockets"
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- test -x "$root" || { log "the postgres user cannot reach $root; clone it where it can"; exit 1; }
  chown postgres:postgres "$state" "$state/logs" "$state/sockets"
fi

# A pid file is believed only while its process is still the program it names (pids are reused, e.g. after a reboot).
alive() { [ -f "$1" ] && grep -qa -- "$2" "/proc/$(cat "$1")/cmdline" 2>/dev/null; }
pg_running() { as_postgres "$pg_bin/pg_ctl" -D "$1" status >/dev/null 2>&1; }
psql_at() { "$pg_bin/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAqc "$2"; }

# 2. PostgreSQL primary.
primary="$state/pg-primary"
if [ ! -f "$primary/PG_VERSION" ]; then
  log "creating the primary in .data/deploy/pg-primary"
  mkdir -p "$primary"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$primary"; chmod 700 "$primary"
  as_postgres "$pg_bin/initdb" -D "$primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$primary/postgresql.conf" <<CONF
port = $primary_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$state/sockets'
max_connections = 200
wal_level = replica
max_wal_senders = 10
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
CONF
fi
if ! pg_running "$primary"; then
  log "starting the primary on port $primary_port"
  as_postgres "$pg_bin/pg_ctl" -D "$primary" -l "$state/logs/pg-primary.log" -w -t 60 start >/dev/null
fi
[ "$(psql_at "$primary_port" "SELECT count(*) FROM pg_database WHERE datname = 'roundtable'")" = 1 ] \
  || psql_at "$primary_port" "CREATE DATABASE roundtable" >/dev/null

# 3. The hot standby: a base backup of the primary that streams its WAL from then on.
standby="$state/pg-standby"
if [ -f "$standby/PG_VERSION" ] && [ ! -f "$standby/standby.signal" ]; then
  log "the standby was promoted (a failover ran): start anew with deploy/local/down.sh --purge"; exit 1
fi
if [ ! -f "$standby/PG_VERSION" ]; then
  log "creating the standby in .data/deploy/pg-standby (pg_basebackup)"
  mkdir -p "$standby"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$standby"; chmod 700 "$standby"
  as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$standby" -R -X stream -c fast
  # The primary's ALTER SYSTEM (synchronous replication) comes along in postgresql.auto.conf: a standby, once
  # promoted, must not wait for a standby of its own.
  as_postgres sed -i '/^synchronous_standby_names/d' "$standby/postgresql.auto.conf"
  cat >> "$standby/postgresql.conf" <<CONF
port = $standby_port
unix_socket_directories = '$state/sockets'
synchronous_standby_names = ''
CONF
fi
if ! pg_running "$standby"; then
  log "starting the standby on port $standby_port"
  as_postgres "$pg_bin/pg_ctl" -D "$standby" -l "$state/logs/pg-standby.log" -w -t 60 start >/dev/null
fi
# Synchronous replication: the primary acknowledges a commit once the standby has flushed it, so a failover loses
# no acknowledged write (and writes wait while the standby is down: docs/scaling.md).
if [ "$(psql_at "$primary_port" "SELECT pg_is_in_recovery()")" = f ] && [ "$(psql_at "$standby_port" "SELECT pg_is_in_recovery()")" = t ]; then
  psql_at "$primary_port" "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
  psql_at "$primary_port" "SELECT pg_reload_conf()" >/dev/null
fi

# 4. Redis for the shared rate limits (in memory: counters need no persistence).
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  log "starting Redis on port $redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$state/run/redis.pid" --logfile "$state/logs/redis.log" --dir "$state"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# 5. The API: built once, migrated and seeded once (as the Kubernetes migration Job does), then three replicas.
log "building the API (Release)"
dotnet build "$root/RoundTable.Api" -c Release -nologo -v q >/dev/null || { log "the build failed"; exit 1; }
app_dir="$root/RoundTable.Api/bin/Release/net10.0"
export ConnectionStrings__RoundTable="Host=127.0.0.1:$primary_port,127.0.0.1:$standby_port;Username=postgres;Database=roundtable"
export ConnectionStrings__Redis="127.0.0.1:$redis_port"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}
(cd "$app_dir" && dotnet RoundTable.Api.dll migrate >/dev/null && dotnet RoundTable.Api.dll seed >/dev/null) \
  || { log "migrate/seed failed"; exit 1; }
cd "$app_dir" # the content root: appsettings*.json and seeds/ live beside the binary
for i in "${!api_ports[@]}"; do
  n=$((i + 1)); port=${api_ports[$i]}; pidfile="$state/run/api-$n.pid"
  if alive "$pidfile" RoundTable.Api.dll; then continue; fi
  log "starting API replica $n on port $port"
  setsid nohup dotnet RoundTable.Api.dll --urls "http://127.0.0.1:$port" >"$state/logs/api-$n.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
done
cd "$root"

# 6. HAProxy: round robin over the replicas, each checked on /health/ready every second (a replica that fails two
# checks, or is draining on shutdown, gets no new requests); a request whose connection fails is sent to another
# replica, and GET/HEAD are also retried elsewhere when a replica dies before answering (writes are not: retrying a
# write is the client's call, with its Idempotency-Key).
servers=""
for i in "${!api_ports[@]}"; do servers+="    server api-$((i + 1)) 127.0.0.1:${api_ports[$i]} check"$'\n'; done
cat > "$state/haproxy.cfg" <<CFG
global
    maxconn 4096
    pidfile $state/run/haproxy.pid

defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    retry-on conn-failure empty-response response-timeout
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout queue 5s
    # No replica ready: a problem document with Retry-After, as the API's own 503s.
    http-error status 503 content-type "application/problem+json" string "{\"title\":\"The service is briefly unavailable.\",\"status\":503,\"detail\":\"No API replica is ready: retry after the time in Retry-After.\"}" hdr Retry-After 2

listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
    stats refresh 5s

frontend api
    bind 127.0.0.1:$lb_port
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    timeout check 3s
    default-server inter 1s fall 2 rise 2
    http-response set-header X-Served-By %[srv_name]
$servers
CFG
"$haproxy" -c -q -f "$state/haproxy.cfg"
if alive "$state/run/haproxy.pid" haproxy; then
  "$haproxy" -D -f "$state/haproxy.cfg" -sf "$(cat "$state/run/haproxy.pid")"
else
  log "starting HAProxy on port $lb_port"
  "$haproxy" -D -f "$state/haproxy.cfg"
fi

# 7. Ready when every replica is up behind the load balancer.
for _ in $(seq 1 120); do
  up=$(curl -fsS "http://127.0.0.1:$stats_port/stats;csv" 2>/dev/null | grep -c '^replicas,api-[0-9]*,.*,UP,' || true)
  if [ "${up:-0}" -ge "${#api_ports[@]}" ] && curl -fsS "http://127.0.0.1:$lb_port/health/ready" >/dev/null 2>&1; then
    log "ready: http://127.0.0.1:$lb_port (${#api_ports[@]} replicas, primary :$primary_port, standby :$standby_port, Redis :$redis_port)"
    exit 0
  fi
  sleep 1
done
log "the topology did not become ready within 2 minutes; see .data/deploy/logs"
exit 1
