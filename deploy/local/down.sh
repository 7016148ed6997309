#!/usr/bin/env bash
# Stops what deploy/local/up.sh started. Data stays in .data/deploy; --purge deletes it (the next up.sh starts anew).
set -uo pipefail
cd "$(dirname "$0")/../.."
state="$(pwd)/.data/deploy"
log() { echo "down.sh: $*" >&2; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

stop_pid() { # name pidfile program: only a process that is still that program (pids are reused)
  [ -f "$2" ] || return 0
  local pid; pid=$(cat "$2")
  if grep -qa -- "$3" "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping $1"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$2"
}

stop_pid haproxy "$state/run/haproxy.pid" haproxy
for pidfile in "$state"/run/api-*.pid; do [ -e "$pidfile" ] && stop_pid "$(basename "$pidfile" .pid)" "$pidfile" RoundTable.Api.dll; done
stop_pid redis "$state/run/redis.pid" redis-server
for db in pg-standby pg-primary; do
  if [ -n "$pg_bin" ] && [ -f "$state/$db/PG_VERSION" ] && as_postgres "$pg_bin/pg_ctl" -D "$state/$db" status >/dev/null 2>&1; then
    log "stopping $db"
    as_postgres "$pg_bin/pg_ctl" -D "$state/$db" -m fast -w stop >/dev/null || true
  fi
done
if [ "${1:-}" = "--purge" ]; then
  log "deleting .data/deploy"
  rm -rf "$state"
fi
