#!/usr/bin/env bash
# Benchmark of RoundTable API on this machine, with the ceilings it is measured against.
#   bench/run.sh                 scale 1 (100,000 events, 300,000 recommendations) and 0.1 for growth, 10 s per scenario
#   bench/run.sh --smoke         tiny data, 1 s per scenario: checks that the harness works (CI); timings mean nothing
#   options: --scale N (default 1)  --small N (default scale/10)  --duration S (10)  --connections C (32)  --seed N (42)
#            --overload-only: only the overload scenarios (event by id at 32, 64, 256 and 1,024 connections) at --scale
# It starts its own PostgreSQL cluster (.data/bench-postgres, port 55433 or the next free one), generates the data once per scale and
# seed (binary COPY, bench/Generator), runs the API in Release against it, drives it with wrk, measures the HTTP
# ceiling (/health/live) and the database ceiling (pgbench running the event-by-id SQL), and prints a markdown
# table, also written to bench/results/ (smoke runs: .data/bench/).
set -euo pipefail
# Failures inside $(...) stop the script too (e.g. a generator that fails while preparing a database).
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
root=$(pwd)

scale=1; small=""; duration=10; connections=32; seed=42; smoke=0; warmup=2; overload_only=0
overload_connections="32 64 256 1024"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; scale=0.002; small=0.001; duration=1; connections=4; warmup=1; overload_connections="4 16" ;;
    --overload-only) overload_only=1 ;;
    --scale) scale=$2; shift ;;
    --small) small=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --seed) seed=$2; shift ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$small" ] || small=$(awk -v s="$scale" 'BEGIN { printf "%g", s / 10 }')

log() { echo "bench: $*" >&2; }
# 1,024 connections need more descriptors than the usual 1,024 per process (wrk and the API both hold them).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---- tools
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; } \
    || { log "could not install wrk"; exit 1; }
fi
pg_bin=${ROUNDTABLE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/initdb" ] || { log "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }
pgbench=$pg_bin/pgbench; [ -x "$pgbench" ] || pgbench=$(command -v pgbench)

# ---- database cluster
pg_port=55433
data="$root/.data/bench-postgres"
mkdir -p "$root/.data"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
  # The postgres user cannot reach this clone (e.g. under /root): keep the cluster where it can.
  data=/var/tmp/roundtable-bench-postgres
fi
if [ ! -f "$data/PG_VERSION" ]; then
  log "creating the benchmark cluster in .data/bench-postgres"
  mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"; chmod 700 "$data"
  as_postgres "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 200
shared_buffers = 1GB
CONF
fi
pg_started=""
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  pg_port=$(sed -n 4p "$data/postmaster.pid")
else
  # 55433, or the next free port when something else listens there.
  while ! port_free "$pg_port"; do pg_port=$((pg_port + 1)); done
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $pg_port" -w -t 60 start >/dev/null
  pg_started=1
fi
psql_() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -tAq "$@"; }

# ---- build
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "building the API and the generator (Release)"
dotnet build RoundTable.Api -c Release -v q -nologo >/dev/null
dotnet build bench/Generator -c Release -v q -nologo >/dev/null
api_dir="$root/RoundTable.Api/bin/Release/net10.0"
generator="$root/bench/Generator/bin/Release/net10.0/RoundTable.Bench.Generator.dll"

connection_string() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1"; }
api_command() { (cd "$api_dir" && ConnectionStrings__RoundTable="$(connection_string "$1")" dotnet RoundTable.Api.dll "${@:2}"); }

# A database per scale and seed, generated once: `bench_1_42_v2` holds scale 1, seed 42 (v2: the generator's second
# version; databases of older versions are dropped when a new one is generated).
prepare_database() {
  local s=$1 db
  db="bench_$(echo "$s" | tr '.' '_')_${seed}_v2"
  if [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ] \
     || [ "$(psql_ -d "$db" -c "SELECT to_regclass('bench_generated') IS NOT NULL")" != t ]; then
    log "generating scale $s (seed $seed) into $db"
    for old in $(psql_ -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'bench\_%' AND datname NOT LIKE '%\_v2'"); do
      psql_ -d postgres -c "DROP DATABASE \"$old\""
    done
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    api_command "$db" migrate >/dev/null
    dotnet "$generator" --connection "$(connection_string "$db")" --scale "$s" --seed "$seed" | tail -n 1 >&2
    # The statistics the search plans by (the API also refreshes them when it starts).
    psql_ -d "$db" -c "ANALYZE" -c "REFRESH MATERIALIZED VIEW rt_common_lexemes" >/dev/null
    psql_ -d "$db" -c "CREATE TABLE bench_generated (at timestamptz DEFAULT now())" -c "INSERT INTO bench_generated DEFAULT VALUES"
  else
    api_command "$db" migrate >/dev/null
  fi
  echo "$db"
}

# ---- the API under test
api_port=5090
while ! port_free "$api_port"; do api_port=$((api_port + 1)); done
base="http://127.0.0.1:$api_port"
api_pid=""
stop_api() { if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; api_pid=""; fi; }
# The API always stops with the script, and the cluster too when this run started it (its data is kept).
cleanup() {
  stop_api
  if [ -n "$pg_started" ]; then as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status" 2>/dev/null || echo 0; }
start_api() {
  local db=$1 t0 t1
  stop_api
  t0=$(date +%s%N)
  (cd "$api_dir" && exec env ConnectionStrings__RoundTable="$(connection_string "$db")" ASPNETCORE_URLS="$base" \
      ASPNETCORE_ENVIRONMENT=Production Database__MigrateOnStartup=false Database__SeedOnStartup=false \
      RateLimits__Enabled=false Shutdown__DrainDelaySeconds=0 Logging__LogLevel__Default=Warning \
      Webhooks__RequireHttps=false Webhooks__AllowPrivateTargets=true dotnet RoundTable.Api.dll) >"$root/.data/bench-api.log" 2>&1 &
  api_pid=$!
  until curl -fs -o /dev/null "$base/health/ready"; do
    kill -0 "$api_pid" 2>/dev/null || { log "the API did not start:"; tail -n 20 "$root/.data/bench-api.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  startup_ms=$(( (t1 - t0) / 1000000 ))
}

# ---- webhooks: delivery latency (a change's time to its receipt) at a low write rate, then deliveries per second
# while a backlog drains, to one subscription and to eight, against the rate the backlog was written at (same run).
webhook_rows=()
webhook_run() {
  local key=$1 rport=$((api_port + 7)) receiver_pid ids="" i n=0 created total t0 t1 stats p50 p99 deliver writes
  command -v node >/dev/null 2>&1 || { log "node is missing: no webhook figures"; webhook_rows+=("| (node missing: not measured) | - | - | - |"); return; }
  node "$root/bench/webhook-receiver.mjs" "$rport" >"$root/.data/bench-receiver.log" 2>&1 &
  receiver_pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$rport/stats"; do sleep 0.05; done
  subscribe() {
    curl -fs -X POST "$base/api/v1/webhooks" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "{\"url\":\"http://127.0.0.1:$rport/hook/$1\",\"types\":[\"event\"]}" | sed -E 's/.*"id":"([^"]+)".*/\1/'
  }
  action() { curl -fs -o /dev/null -X POST "$base/api/v1/webhooks/$1/$2" -H "Authorization: Bearer $key"; }
  stat() { curl -fs "http://127.0.0.1:$rport/stats" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
  wait_for() { # wait_for COUNT: until the receiver has COUNT messages (at most 120 s)
    local until=$((SECONDS + 120))
    while [ "$(stat count)" -lt "$1" ] && [ $SECONDS -lt $until ]; do sleep 0.05; done
  }
  create_one() {
    curl -fs -o /dev/null -X POST "$base/api/v1/events" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "{\"slug\":\"bench-hook-$1\",\"title\":{\"en\":\"Webhook benchmark\"},\"kind\":\"seminar\",\"status\":\"scheduled\",\"startDate\":\"2025-03-01\",\"endDate\":\"2025-03-01\",\"organizers\":[{\"institution\":\"institution-0\",\"role\":\"organizer\"}]}"
  }
  # 1. Latency: one subscription, five creates a second.
  local one; one=$(subscribe 0)
  n=$([ "$smoke" = 1 ] && echo 5 || echo 100)
  for i in $(seq "$n"); do create_one "$slug_run-l-$i"; sleep 0.2; done
  wait_for "$n"
  p50=$(stat p50); p99=$(stat p99)
  webhook_rows+=("| delivery latency, a change's time to its receipt (1 subscription, 5 writes/s, $n changes) | $(stat count) of $n | p50 $p50 ms, p99 $p99 ms | - |")
  # 2. Throughput: the subscriptions paused while a backlog is written as fast as the API takes it, then resumed.
  for subs in 1 8; do
    ids=$one; for i in $(seq 2 "$subs"); do ids="$ids $(subscribe "$i")"; done
    for i in $ids; do action "$i" pause; done
    curl -fs -o /dev/null -X POST "http://127.0.0.1:$rport/reset"
    created=$(psql_ -d "$db" -c "SELECT count(*) FROM events")
    t0=$(date +%s%N)
    wrk -t2 -c8 -d"$([ "$smoke" = 1 ] && echo 1 || echo 4)s" -s "$root/.data/bench-create.lua" "$base/api/v1/events" >/dev/null
    t1=$(date +%s%N)
    sleep 1 # creates that were in flight when wrk stopped still commit: count them too
    created=$(( $(psql_ -d "$db" -c "SELECT count(*) FROM events") - created ))
    writes=$(awk -v n="$created" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
    total=$((created * subs))
    for i in $ids; do action "$i" resume; done
    wait_for "$total"
    deliver=$(curl -fs "http://127.0.0.1:$rport/stats" | awk -F'[:,}]' '{ for (i = 1; i < NF; i++) { if ($i ~ /"count"/) c = $(i+1); if ($i ~ /"firstMs"/) f = $(i+1); if ($i ~ /"lastMs"/) l = $(i+1) } } END { printf "%.0f", (l > f) ? c / ((l - f) / 1000) : 0 }')
    webhook_rows+=("| deliveries per second, a backlog of $created changes to $subs subscription(s) | $(stat count) of $total | $deliver/s | $(ratio "$deliver" "$writes") of the $writes creates/s that wrote it |")
  done
  for i in $ids; do curl -fs -o /dev/null -X DELETE "$base/api/v1/webhooks/$i" -H "Authorization: Bearer $key"; done
  kill "$receiver_pid" 2>/dev/null || true; wait "$receiver_pid" 2>/dev/null || true
}

# ---- measuring
results=()
rows_db=()
declare -A P50 P99
write_rows=(); write_breakdown=""; against=""
add_row() { results+=("$1"); }

# wrk_run NAME PATH [wrk options...]: one scenario; sets req_s, p50, p99, errors, peak. With $expect set (the status
# every answer must have) a smoke run tallies the statuses (bench/status.lua, appended to the scenario's own script)
# and fails on any other: timings mean nothing there, answers do.
expect=""
wrk_run() {
  local path=$2 out sampler peak_file args script
  shift 2
  if [ "$smoke" = 1 ] && [ -n "$expect" ]; then
    script=$(mktemp --suffix .lua); args=()
    while [ $# -gt 0 ]; do
      if [ "$1" = -s ]; then cat "$2" >"$script"; shift 2; else args+=("$1"); shift; fi
    done
    cat "$root/bench/status.lua" >>"$script"
    set -- "${args[@]}" -s "$script"
  fi
  peak_file=$(mktemp); echo 0 >"$peak_file"
  ( peak=0; while kill -0 "$api_pid" 2>/dev/null; do r=$(rss_mb); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$peak_file"; sleep 0.1; done ) &
  sampler=$!
  # Warm-up, not measured: the JIT's tiers, the pool's connections and their prepared statements.
  wrk -t 2 -c "$connections" -d "${warmup}s" "$@" "$base$path" >/dev/null 2>&1 || true
  out=$(wrk -t 2 -c "$connections" -d "${duration}s" --latency "$@" "$base$path" 2>&1)
  if [ "$(echo "$out" | awk '/requests in/ { print $1 }')" = 0 ]; then
    # Nothing completed within the run: on a cold, busy machine (CI's smoke run, right after the tests) the first
    # writes can take longer than a 1 s run. Once more, for 5 s; a second empty run fails below.
    log "no request to $path completed in ${duration} s; measuring again for 5 s"
    out=$(wrk -t 2 -c "$connections" -d 5s --latency "$@" "$base$path" 2>&1)
  fi
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  peak=$(cat "$peak_file" 2>/dev/null || echo 0); rm -f "$peak_file"
  req_s=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  p50=$(echo "$out" | awk '$1 == "50%" { print ms($2) } function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v / 1000); if (v ~ /ms$/) return sprintf("%.2f", v + 0); if (v ~ /s$/) return sprintf("%.0f", v * 1000); return v }')
  p99=$(echo "$out" | awk '$1 == "99%" { print ms($2) } function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v / 1000); if (v ~ /ms$/) return sprintf("%.2f", v + 0); if (v ~ /s$/) return sprintf("%.0f", v * 1000); return v }')
  errors=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }')
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  if [ -z "$req_s" ] || [ "${requests:-0}" -eq 0 ]; then log "wrk failed on $path:"; echo "$out" >&2; exit 1; fi
  if [ "$errors" -ge "$requests" ]; then log "every request to $path failed:"; echo "$out" >&2; curl -s "$base$path" | head -c 400 >&2; exit 1; fi
  if [ "$smoke" = 1 ] && [ -n "$expect" ]; then
    rm -f "$script"
    local statuses unexpected
    statuses=$(echo "$out" | sed -n 's/^statuses: //p')
    unexpected=$(echo "$statuses" | tr ' ' '\n' | awk -F= -v want="$expect" '$1 != "" && $1 != want { n += $2 } END { print n + 0 }')
    if [ -z "$statuses" ] || [ "$unexpected" -gt 0 ]; then
      log "$path: expected every answer to be $expect, got: ${statuses:-no tally}"; curl -s "$base$path" | head -c 400 >&2; echo >&2; exit 1
    fi
    log "$path: ${statuses} (expected $expect)"
  fi
}

# export_run FORMAT ROWS: streams the whole event list once; sets rows_s, export_s, export_peak.
export_run() {
  local format=$1 rows=$2 peak_file sampler t
  peak_file=$(mktemp); echo 0 >"$peak_file"
  ( peak=0; while kill -0 "$api_pid" 2>/dev/null; do r=$(rss_mb); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$peak_file"; sleep 0.05; done ) &
  sampler=$!
  t=$(curl -fs -o /dev/null -w '%{time_total}' "$base/api/v1/events?format=$format")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  export_peak=$(cat "$peak_file"); export_peak=${export_peak:-0}; rm -f "$peak_file"
  export_s=$t
  rows_s=$(awk -v r="$rows" -v t="$t" 'BEGIN { printf "%.0f", r / t }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# write_ceiling DB KEY: the database ceiling of a create. pgbench runs every statement the API runs for POST
# /api/v1/events with an API key and an Idempotency-Key (authentication, the key's claim, the organizer's lookup, the
# transaction with its lock, insert, audit, organizers and the key's record, the read-back, the kept answer), in the
# API's round trips, generated from the API's own SQL (bench/Generator --print-create-sql). Sets write_tps and
# write_breakdown (each step's average latency, from pgbench -r).
write_ceiling() {
  local db=$1 key=$2 hash key_id institution body pgb
  dotnet "$generator" --print-create-sql >"$root/.data/bench-create.sql"
  hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
  key_id=$(psql_ -d "$db" -c "SELECT id FROM api_keys WHERE key_hash = '\\x$hash'")
  institution=$(psql_ -d "$db" -c "SELECT id FROM institutions WHERE slug = 'institution-0'")
  # The kept answer: ASCII of about the size of a created event's (cut bytes of a multilingual answer could be invalid UTF-8).
  body=$(printf '{"id":"%s","filler":"%s"}' "$event_id" "$(head -c 1100 /dev/zero | tr '\0' x)")
  pgb=$("$pgbench" -n -c "$connections" -j 2 -T "$duration" -M prepared -r -D key_hash="\\x$hash" -D key_id="$key_id" \
        -D institution_array="{$institution}" -D institution_slug_array="{institution-0}" -D body="$body" \
        -f "$root/.data/bench-create.sql" -h 127.0.0.1 -p "$pg_port" -U postgres "$db" 2>&1) \
    || { log "pgbench failed on the write ceiling:"; echo "$pgb" >&2; exit 1; }
  write_tps=$(echo "$pgb" | awk -F'= ' '/^tps/ { split($2, a, " "); printf "%.0f", a[1] }'); against=$write_tps
  [ -n "$write_tps" ] && [ "$(echo "$pgb" | awk '/failed transactions:/ { print $5 }')" = 0 ] \
    || { log "pgbench failed on the write ceiling:"; echo "$pgb" >&2; exit 1; }
  # Each round trip's average latency: a pipeline's time is on its \endpipeline line.
  write_breakdown=$(echo "$pgb" | awk '
    /statement latencies/ { on = 1; next }
    on && NF >= 3 {
      ms = $1; cmd = $0; sub(/^ *[0-9.]+ +[0-9]+ +/, "", cmd)
      if (cmd ~ /^\\startpipeline/) { inpipe = 1; first = ""; next }
      if (inpipe && cmd !~ /^\\endpipeline/) { if (first == "") first = cmd; n++; next }
      if (cmd ~ /^\\endpipeline/) { inpipe = 0; label = substr(first, 1, 60) "... (" n " statements, one round trip)"; n = 0 }
      else if (cmd ~ /^\\/) next
      else label = substr(cmd, 1, 70)
      gsub(/\|/, "/", label)
      printf "| %s | %.2f |\n", label, ms; total += ms; trips++
    }
    END { printf "| **%d round trips, 3 commits (claim, write, answer)** | **%.2f** |\n", trips, total }')
  add_row "| DB: a create's statements, in the API's round trips and transaction (pgbench) | $s | $write_tps | (avg $(echo "$pgb" | awk -F'= ' '/^latency average/ { split($2, a, " "); print a[1] }')) | - | 0 | - | - | 1.00 (the write ceiling) |"
}

# write_row NAME: the last write scenario against the write ceiling (shown in its own table).
write_row() {
  write_rows+=("| $1 | $req_s | $p50 | $write_tps | $(ratio "$req_s" "$write_tps") |")
}

# overload EVENT_ID: the same read at more and more connections (rate limits off). The API's pool is bounded below
# the server's max_connections and requests wait for a connection (Database:ConnectTimeoutSeconds) instead of
# failing: throughput at 256 and 1,024 connections against the best at 32-64, and every non-2xx counted (a 503 is
# the only one this read can give). wrk's own timeout is raised so that a slow answer is measured, not dropped.
overload() {
  local id=$1 c saved=$connections best=0 rows=() name
  for c in $overload_connections; do
    connections=$c
    name="overload: event by id, $c connections"
    expect=200; wrk_run "$name" "/api/v1/events/$id" --timeout 30s; expect=""
    if [ "$c" -le 64 ] && [ "$req_s" -gt "$best" ]; then best=$req_s; fi
    rows+=("$c|$req_s|$p50|$p99|$errors|$peak")
  done
  connections=$saved
  local r
  for r in "${rows[@]}"; do
    IFS='|' read -r c rq a b e pk <<<"$r"
    add_row "| overload: event by id, $c connections | $s | $rq | $a | $b | $e | $pk | $(ratio "$rq" "$best") of the best at 32-64 | - |"
  done
}

# ---- one scale: every scenario (growth_only: the three that show growth)
run_scale() {
  local s=$1 growth_only=$2 db event_id deep_cursor etag key rows slug_run
  db=$(prepare_database "$s")
  against=""
  # The events earlier runs created (POST scenario): every run measures the same data.
  psql_ -d "$db" -c "DELETE FROM events WHERE slug LIKE 'bench-%'" -c "DELETE FROM event_quotes WHERE text ->> 'en' LIKE 'Benchmark quote %'" \
    -c "DELETE FROM idempotency_keys" -c "VACUUM (ANALYZE) events, event_organizers, event_quotes, idempotency_keys, changes"
  start_api "$db"
  local first_startup=$startup_ms
  # Startup on an already migrated database, measured on a second start.
  start_api "$db"
  local idle second_startup startup_idle
  sleep 1; idle=$(rss_mb)
  second_startup=$startup_ms; startup_idle=$idle
  event_id=$(psql_ -d "$db" -c "SELECT id FROM events WHERE published ORDER BY id OFFSET (SELECT count(*) / 2 FROM events) LIMIT 1")
  deep_cursor=$(psql_ -d "$db" -c "SELECT replace(id::text, '-', '') FROM events WHERE deleted_at IS NULL AND published ORDER BY id OFFSET (SELECT count(*) * 9 / 10 FROM events) LIMIT 1")
  deep_cursor=$(printf 'v1:%s' "$deep_cursor" | base64 -w0 | tr '+/' '-_' | tr -d '=')
  # A whole rare word, as a user searching for a name or a term would: one with the most digits, so that no longer
  # term starts with it (e.g. term12345 at scale 1, term1234 at 0.1). It matches about as many rows at every scale.
  term=$(psql_ -d "$db" -c "SELECT t FROM (SELECT substring(title ->> 'en' FROM 'term[0-9]+') AS t FROM recommendations ORDER BY id LIMIT 1000) s WHERE t IS NOT NULL ORDER BY length(t) DESC, t LIMIT 1")
  [ -n "$term" ] || term=term1

  # Ceilings, in the same run and with the same connections.
  wrk_run health /health/live
  local http_ceiling=$req_s
  dotnet "$generator" --print-event-sql >"$root/.data/bench-event.sql"
  # The read ceiling: the best way the database can produce the event-by-id document, measured three ways in the
  # same run: the API's own statement (the document as JSON, generated from the API's SQL), and the batch of seven
  # statements the API sent before (bench/event-batch.sql: the event and each relation as a result set) one round trip
  # each (pgbench's default) and in one round trip (pipeline mode). The faster of the API's statement and the
  # pipelined batch is the ceiling every "× DB ceiling" is measured against.
  { echo '\startpipeline'; cat "$root/bench/event-batch.sql"; echo '\endpipeline'; } >"$root/.data/bench-event-pipeline.sql"
  local pgb tps latency db_ceiling=0 db_latency ceiling_name name script
  for script in "$root/bench/event-batch.sql" "$root/.data/bench-event-pipeline.sql" "$root/.data/bench-event.sql"; do
    pgb=$("$pgbench" -n -c "$connections" -j 2 -T "$duration" -M prepared -D id="$event_id" -f "$script" \
          -h 127.0.0.1 -p "$pg_port" -U postgres "$db" 2>&1) || { log "pgbench failed on $script:"; echo "$pgb" >&2; exit 1; }
    tps=$(echo "$pgb" | awk -F'= ' '/^tps/ { split($2, a, " "); printf "%.0f", a[1] }')
    latency=$(echo "$pgb" | awk -F'= ' '/latency average/ { split($2, a, " "); print a[1] }')
    [ -n "$tps" ] || { log "pgbench failed on $script:"; echo "$pgb" >&2; exit 1; }
    case "${script##*/}" in
      *pipeline*) name="DB: the same batch in one round trip (pgbench pipeline)" ;;
      *batch*) name="DB: event by id as a batch of 7 statements, 7 round trips" ;;
      *) name="DB: the API's statement (the document as JSON, one statement)" ;;
    esac
    rows_db+=("$name|$tps|$latency")
    if [ "$script" != "$root/bench/event-batch.sql" ] && [ "$tps" -gt "$db_ceiling" ]; then
      db_ceiling=$tps; db_latency=$latency; ceiling_name=$name
    fi
  done
  add_row "| HTTP ceiling: GET /health/live | $s | $http_ceiling | $p50 | $p99 | $errors | $peak | 1.00 | - |"
  local r n t l
  for r in "${rows_db[@]}"; do
    IFS='|' read -r n t l <<<"$r"
    add_row "| $n | $s | $t | (avg $l) | - | 0 | - | - | $(ratio "$t" "$db_ceiling")$( [ "$n" = "$ceiling_name" ] && echo ' (the DB ceiling)' || true) |"
  done
  rows_db=()

  # scenario NAME STATUS PATH [wrk options...]: STATUS is what every answer must be (checked in smoke runs).
  scenario() {
    local name=$1; expect=$2; shift 2
    wrk_run "$name" "$@"
    expect=""
    # A write is measured against the write ceiling (write_ceiling sets `against`), a read against the read ceiling.
    add_row "| $name | $s | $req_s | $p50 | $p99 | $errors | $peak | $(ratio "$req_s" "$http_ceiling") | $(ratio "$req_s" "${against:-$db_ceiling}")${against:+ of the write ceiling} |"
    P50["$name|$s"]=$p50
    P99["$name|$s"]=$p99
  }

  if [ "$growth_only" = 0 ]; then
    overload "$event_id"
    [ "$overload_only" = 1 ] && { stop_api; return; }
  fi
  scenario "event by id" 200 "/api/v1/events/$event_id"
  scenario "events: first page" 200 "/api/v1/events?limit=20"
  scenario "events: deep page (90%)" 200 "/api/v1/events?limit=20&cursor=$deep_cursor"
  scenario "search: recommendations?q=<a rare term>" 200 "/api/v1/recommendations?q=$term"
  # The most common words of a digital-transformation registry: each in most rows, in titles and bodies alike.
  scenario "search: recommendations?q=digital" 200 "/api/v1/recommendations?q=digital"
  scenario "search: recommendations?q=public" 200 "/api/v1/recommendations?q=public"
  scenario "search: events?q=digital" 200 "/api/v1/events?q=digital"
  scenario "search: all resources, q=digital" 200 "/api/v1/search?q=digital"
  if [ "$growth_only" = 0 ]; then
    etag=$(curl -fs -D - -o /dev/null "$base/api/v1/events/$event_id" | awk 'tolower($1) == "etag:" { print $2 }' | tr -d '\r')
    scenario "event by id, If-None-Match (304)" 304 "/api/v1/events/$event_id" -H "If-None-Match: $etag"
    if [ "$smoke" = 1 ]; then
      # The check itself must be able to fail: the same scenario without its validator answers 200s, which a smoke
      # run has to refuse.
      if ( expect=304; wrk_run "self-test" "/api/v1/events/$event_id" ) 2>/dev/null; then
        log "the smoke run's status check accepted 200s where 304s were expected"; exit 1
      fi
      log "self-test: a 304 scenario answering 200s is refused"
    fi
    scenario "events: filtered (country, kind, sort)" 200 "/api/v1/events?country=KZ&kind=seminar&sort=-start"
    scenario "change feed: first 100" 200 "/api/v1/changes?limit=100"
    key=$(api_command "$db" apikey create --admin --name "bench $(date +%s)" | tail -n 1)
    slug_run=$(date +%s%N)
    sed -e "s/__KEY__/$key/" -e "s/__RUN__/$slug_run/" "$root/bench/create-event.lua" >"$root/.data/bench-create.lua"
    write_ceiling "$db" "$key"
    scenario "create event (POST, API key, Idempotency-Key)" 201 "/api/v1/events" -s "$root/.data/bench-create.lua"
    write_row "create event (POST, API key, Idempotency-Key)"
    # Merge patches and relation writes, spread over a thousand live events (a row each writer rarely shares).
    local slugs speaker
    slugs=$(psql_ -d "$db" -c "SELECT string_agg(format('%L', slug), ',') FROM (SELECT slug FROM events WHERE deleted_at IS NULL ORDER BY id LIMIT 1000) s" | tr "'" '"')
    speaker=$(psql_ -d "$db" -c "SELECT slug FROM speakers WHERE deleted_at IS NULL ORDER BY id LIMIT 1")
    sed -e "s/__KEY__/$key/" -e "s/__RUN__/$slug_run/" -e "s/__SLUGS__/$slugs/" "$root/bench/patch-event.lua" >"$root/.data/bench-patch.lua"
    scenario "merge-patch event (PATCH, If-Match: *)" 200 "/api/v1/events" -s "$root/.data/bench-patch.lua"
    write_row "merge-patch event (PATCH, If-Match: *)"
    sed -e "s/__KEY__/$key/" -e "s/__RUN__/$slug_run/" -e "s/__SLUGS__/$slugs/" -e "s/__SPEAKER__/$speaker/" \
      "$root/bench/add-quote.lua" >"$root/.data/bench-quote.lua"
    scenario "relation write: add a quote (POST, parent's If-Match: *, Idempotency-Key)" 201 "/api/v1/events" -s "$root/.data/bench-quote.lua"
    write_row "relation write: add a quote (POST, parent's If-Match: *, Idempotency-Key)"
    webhook_run "$key"
    # Each format's exports on a freshly started API, against its idle RSS: two warm-up runs (the JIT's tiers
    # settle), then the measured one; the peak RSS is the highest of the three.
    rows=$(psql_ -d "$db" -c "SELECT count(*) FROM events WHERE deleted_at IS NULL AND published")
    local round format peak
    for format in ndjson csv; do
      start_api "$db"
      sleep 1; idle=$(rss_mb)
      peak=0
      for round in 1 2 3; do
        export_run "$format" "$rows"
        if [ "$export_peak" -gt "$peak" ]; then peak=$export_peak; fi
      done
      add_row "| export: all events, $( [ "$format" = csv ] && echo CSV || echo NDJSON ) ($rows rows, ${export_s} s) | $s | $rows_s rows/s | - | - | 0 | $peak (idle $idle) | - | - |"
    done
    add_row "| startup to ready (migrated database) | $s | ${second_startup} ms (first: ${first_startup} ms) | - | - | - | idle $startup_idle | - | - |"
  fi
  stop_api
}

log "scale $scale: every scenario; scale $small: the growth scenarios ($duration s each, $connections connections)"
run_scale "$scale" 0
large_rows=("${results[@]}")
results=()
small_rows=()
if [ "$overload_only" = 0 ]; then
  run_scale "$small" 1
  small_rows=("${results[@]}")
fi

stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
report() {
  echo "## Benchmark $stamp (commit $commit)"
  echo
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }'); wrk -t2 -c$connections -d${duration}s; seed $seed."
  echo "Latencies in ms. Ratios: requests/s over the HTTP ceiling and over the database ceiling of the same scale (the faster of"
  echo "the event-by-id batch in one round trip and the same document as JSON in one statement, measured in this run)."
  echo
  echo "| Scenario | Scale | Requests/s | p50 | p99 | Errors | Peak RSS MB | × HTTP ceiling | × DB ceiling |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${large_rows[@]}" "${small_rows[@]}"
  [ "$overload_only" = 1 ] && return
  echo
  echo "Growth: p50 at scale $scale against scale $small (10x less data)."
  echo
  echo "| Scenario | p50 at $small | p50 at $scale | Ratio |"
  echo "|---|---|---|---|"
  for name in "event by id" "events: deep page (90%)" "search: recommendations?q=<a rare term>"; do
    echo "| $name | ${P50["$name|$small"]} | ${P50["$name|$scale"]} | $(ratio "${P50["$name|$scale"]}" "${P50["$name|$small"]}") |"
  done
  echo
  echo "Writes against the write ceiling (target: at least 0.5): the API's requests/s over the tps of pgbench running a create's"
  echo "statements in the API's round trips and transaction, in the same run (scale $scale, $connections connections)."
  echo
  echo "| Scenario | Requests/s | p50 | Write ceiling (tps) | Ratio |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${write_rows[@]}"
  echo
  echo "Where a create's time goes in the database: each round trip's average latency under the same load (pgbench -r)."
  echo
  echo "| Round trip | Average ms |"
  echo "|---|---|"
  echo "$write_breakdown"
  echo
  echo "Webhooks (docs/webhooks.md): delivery latency from a change's time (stamped in its transaction) to its receipt by a"
  echo "receiver on this machine, and deliveries per second while a backlog drains, against the rate it was written at."
  echo
  echo "| Scenario | Received | Figure | Ratio |"
  echo "|---|---|---|---|"
  printf '%s\n' "${webhook_rows[@]}"
  echo
  echo "Search: p99 of the most common words against a rare term's p99, in the same run (target: under 100 ms, within 3x)."
  echo
  echo "| Scenario | Scale | p99 | Rare term's p99 | Ratio |"
  echo "|---|---|---|---|---|"
  local rare="search: recommendations?q=<a rare term>" sc
  for sc in "$scale" "$small"; do
    for name in "search: recommendations?q=digital" "search: recommendations?q=public" "search: events?q=digital" "search: all resources, q=digital"; do
      echo "| $name | $sc | ${P99["$name|$sc"]} | ${P99["$rare|$sc"]} | $(ratio "${P99["$name|$sc"]}" "${P99["$rare|$sc"]}") |"
    done
  done
}
if [ "$smoke" = 1 ]; then
  mkdir -p "$root/.data/bench"; out="$root/.data/bench/smoke.md"
else
  mkdir -p "$root/bench/results"; out="$root/bench/results/$(date -u +%Y%m%d-%H%M%S)-scale$scale$( [ "$overload_only" = 1 ] && echo -overload || true).md"
fi
report | tee "$out"
log "written to ${out#$root/}"
