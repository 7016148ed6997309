#!/usr/bin/env bash
# Measures the scaled-out topology (deploy/local/up.sh) on this machine and prints a markdown report:
#   1. correctness across replicas (the same ETags, revalidation after a write elsewhere, idempotency, revocation,
#      the change feed), through each replica's own port;
#   2. the global rate limit: the limit + 10 requests of one key, through the load balancer, give exactly 10 429s;
#   3. reads: the same scenarios against one process (no Redis, no standby), one process with Redis, one replica
#      (Redis, standby reads) and HAProxy in front of three replicas; the overheads as ratios to one process;
#   4. a replica killed (SIGKILL) under load: what clients saw, and how soon HAProxy took it out;
#   5. a failover under reads and writes: the primary crashes, the standby is promoted; how long writes were refused,
#      with which statuses, and whether every acknowledged write is on the new primary.
#   deploy/local/scale.sh            10 s per read scenario, 32 connections
#   deploy/local/scale.sh --smoke    2 s per scenario, 8 connections (CI: proves the harness and the topology work)
# It starts the topology anew (down.sh --purge, then up.sh) and removes it at the end (a failover leaves it without
# a standby); --keep leaves it running.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/../.."
root=$(pwd)
duration=10; connections=32; smoke=0; keep=0; warmup=4
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; duration=2; connections=8; warmup=1 ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --keep) keep=1 ;;
    *) echo "scale: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "scale: $*" >&2; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ms() { date +%s%3N; }
state="$root/.data/deploy"
out="$state/scale"
if ! command -v wrk >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { log "install wrk (apt-get install wrk) and run again"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
command -v node >/dev/null 2>&1 || { log "Node.js is required (apt-get install nodejs)"; exit 1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
lb=http://127.0.0.1:${RT_LB_PORT:-5180}
stats=http://127.0.0.1:${RT_LB_STATS_PORT:-5190}/stats\;csv
read -r -a api_ports <<<"${RT_API_PORTS:-5181 5182 5183}"
primary_port=${RT_PG_PRIMARY_PORT:-56432}
standby_port=${RT_PG_STANDBY_PORT:-56433}
redis_port=${RT_REDIS_PORT:-56379}
single_port=5189; single_redis_port=5188
key_limit=2000

# Limits for the measurement: anonymous reads (wrk) are not limited in effect, keys get $key_limit an hour (a window
# long enough for the limit check never to straddle two).
window=3600
export RateLimits__PermitsPerAddress=1000000000 RateLimits__PermitsPerKey=$key_limit RateLimits__WindowSeconds=$window
extra_pids=()
cleanup() {
  for pid in "${extra_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [ "$keep" = 0 ]; then bash "$root/deploy/local/down.sh" --purge >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

bash "$root/deploy/local/down.sh" --purge >/dev/null 2>&1 || true
bash "$root/deploy/local/up.sh"
mkdir -p "$out"
app_dir="$root/RoundTable.Api/bin/Release/net10.0"
multi="Host=127.0.0.1:$primary_port,127.0.0.1:$standby_port;Username=postgres;Database=roundtable"
apikey() { (cd "$app_dir" && ConnectionStrings__RoundTable="$multi" dotnet RoundTable.Api.dll apikey create "$@"); }
admin=$(apikey --admin --name scale-admin | tail -n 1)
limit_key=$(apikey --admin --name scale-limit | tail -n 1)
victim_out=$(apikey --institution iitu --name scale-victim)
victim=$(echo "$victim_out" | tail -n 1)
victim_id=$(echo "$victim_out" | head -n 1 | grep -oE '[0-9a-f]{8}-[0-9a-f-]{27}')
replicas=$(for p in "${api_ports[@]}"; do printf 'http://127.0.0.1:%s,' "$p"; done); replicas=${replicas%,}

status=0
# ---- 1. correctness across replicas
log "correctness across replicas"
if node "$root/deploy/local/checks.mjs" correctness --replicas "$replicas" --key "$admin" --victim-key "$victim" --victim-id "$victim_id" \
  >"$out/correctness.json" 2>"$out/correctness.log"; then correctness=passed; else correctness=FAILED; status=1; fi
correctness_count=$(grep -c '^ok' "$out/correctness.log" || true)
correctness_failed=$(grep -c '^FAIL' "$out/correctness.log" || true)
grep '^FAIL' "$out/correctness.log" >&2 || true

# ---- 2. the global rate limit
log "global rate limit ($key_limit + 10 requests of one key through the load balancer)"
if node "$root/deploy/local/checks.mjs" limit --lb "$lb" --key "$limit_key" --limit "$key_limit" --window "$window" \
  >"$out/limit.json" 2>"$out/limit.log"; then limit_result=passed; else limit_result=FAILED; status=1; fi
limit_line=$(cat "$out/limit.log")

# ---- 3. reads: one process, one process + Redis, one replica, the load balancer
start_single() { # port redis?
  local port=$1 env=(ConnectionStrings__RoundTable="Host=127.0.0.1;Port=$primary_port;Username=postgres;Database=roundtable")
  [ "$2" = redis ] && env+=(ConnectionStrings__Redis="127.0.0.1:$redis_port")
  # exec: $! is the API process itself, so the clean-up stops it whatever happens next.
  (cd "$app_dir" && exec env -u ConnectionStrings__Redis "${env[@]}" ASPNETCORE_ENVIRONMENT=Production \
    dotnet RoundTable.Api.dll --urls "http://127.0.0.1:$port" >"$out/single-$port.log" 2>&1 </dev/null) &
  extra_pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "the single process on $port did not start"; exit 1
}
start_single "$single_port" none
start_single "$single_redis_port" redis

targets=("one process|http://127.0.0.1:$single_port" "one process + Redis|http://127.0.0.1:$single_redis_port"
  "one replica (Redis, standby)|http://127.0.0.1:${api_ports[0]}" "HAProxy → ${#api_ports[@]} replicas|$lb")
scenarios=("event by slug|/api/v1/events/iitu-snu-round-table-2024" "events list|/api/v1/events?limit=20"
  "search|/api/v1/search?q=digital" "health (no database)|/health/live")
declare -A rps p99
for target in "${targets[@]}"; do
  name=${target%%|*}; base=${target#*|}
  for scenario in "${scenarios[@]}"; do
    sname=${scenario%%|*}; path=${scenario#*|}
    # Warm-up: a process's first seconds under load (JIT tiering, pools filling) would otherwise count.
    wrk -t2 -c"$connections" -d"${warmup}s" "$base$path" >/dev/null 2>&1 || true
    result=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$base$path" 2>&1)
    non2xx=$(echo "$result" | awk '/Non-2xx/ { print $NF }')
    rps["$name|$sname"]=$(echo "$result" | awk '/Requests\/sec/ { printf "%d", $2 }')
    p99["$name|$sname"]=$(echo "$result" | awk '$1 == "99%" { print $2 }')
    if [ -n "$non2xx" ]; then log "$name $sname: $non2xx non-2xx answers"; status=1; fi
    log "$name, $sname: ${rps["$name|$sname"]}/s p99 ${p99["$name|$sname"]}"
  done
done

# ---- 4. a replica killed under load
log "killing replica ${#api_ports[@]} (SIGKILL) under load through the load balancer"
node "$root/deploy/local/checks.mjs" load --url "$lb" --seconds $((smoke ? 5 : 10)) --concurrency 16 --out "$out/kill.json" >/dev/null &
load=$!
sleep 2
victim_pid=$(cat "$state/run/api-${#api_ports[@]}.pid")
kill_ms=$(ms); kill -KILL "$victim_pid"
down_ms=""
for _ in $(seq 1 100); do
  if curl -fsS "$stats" 2>/dev/null | grep -q "^replicas,api-${#api_ports[@]},.*,DOWN"; then down_ms=$(ms); break; fi
  sleep 0.1
done
wait "$load"
kill_result=$(node "$root/deploy/local/checks.mjs" analyze --in "$out/kill.json" --kill "$kill_ms")
kill_failed=$(echo "$kill_result" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.kill.failed)')
kill_requests=$(echo "$kill_result" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.requests)')
kill_maxlat=$(echo "$kill_result" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.kill.maxLatencyAfterKillMs)')
marked_down=$([ -n "$down_ms" ] && echo "$((down_ms - kill_ms)) ms" || echo "not within 10 s")
[ "$kill_failed" = 0 ] || status=1
log "replica killed: $kill_failed of $kill_requests requests failed; HAProxy marked it down after $marked_down"
bash "$root/deploy/local/up.sh" >/dev/null 2>&1 # brings the killed replica back

# ---- 5. failover
run=$(date +%s)
log "failover: crash the primary under reads and writes, then promote the standby"
node "$root/deploy/local/checks.mjs" load --url "$lb" --seconds $((smoke ? 10 : 14)) --concurrency 4 --write-key "$admin" \
  --prefix "failover-$run" --out "$out/failover.json" >/dev/null &
load=$!
sleep 3
crash_ms=$(ms)
as_postgres "$pg_bin/pg_ctl" -D "$state/pg-primary" -m immediate -w stop >/dev/null
sleep 2
promote_ms=$(ms)
as_postgres "$pg_bin/pg_ctl" -D "$state/pg-standby" -w -t 60 promote >/dev/null
wait "$load"
failover=$(node "$root/deploy/local/checks.mjs" analyze --in "$out/failover.json" --crash "$crash_ms" --promote "$promote_ms")
field() { echo "$failover" | node -e "const r=JSON.parse(require('fs').readFileSync(0));const v=$1;console.log(typeof v==='object'?JSON.stringify(v):v)"; }
refused_ms=$(field r.failover.writesRefusedMs); promote_to_write=$(field r.failover.promoteToFirstWriteMs)
refused_by=$(field r.failover.refusedByStatus); reads_failed=$(field r.failover.readsFailedDuring)
acknowledged=$(field r.acknowledged)
node -e 'for (const s of JSON.parse(require("fs").readFileSync(process.argv[1])).acknowledged) console.log(s)' "$out/failover.json" | sort >"$out/acknowledged.txt"
"$pg_bin/psql" -h 127.0.0.1 -p "$standby_port" -U postgres -d roundtable -tAc \
  "SELECT slug FROM institutions WHERE slug LIKE 'failover-$run-%'" | sort >"$out/present.txt"
lost=$(comm -23 "$out/acknowledged.txt" "$out/present.txt" | wc -l)
[ "$lost" = 0 ] || status=1
# Every answer during the failover, reads and writes, is a 200, a 201 or a 503 (with no answer at all counted as 0).
unexpected=$(field r.failover.unexpected)
[ "$unexpected" = "{}" ] || { log "failover: unexpected answers $unexpected"; status=1; }
[ "$promote_to_write" != null ] || status=1
log "failover: writes refused for $refused_ms ms ($refused_by), first write $promote_to_write ms after the promotion; $lost of $acknowledged acknowledged writes lost"

# ---- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
{
  echo "# Scale run $(date -u +%Y-%m-%dT%H:%MZ)$([ "$smoke" = 1 ] && echo ' (smoke: timings mean nothing)')"
  echo
  echo "Machine: $(nproc) cores; wrk -t2 -c$connections -d${duration}s; the seed data set."
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| correctness across ${#api_ports[@]} replicas | $correctness ($correctness_count checks passed, $correctness_failed failed) |"
  echo "| global rate limit | $limit_result: ${limit_line#ok   } |"
  echo "| replica killed under load | $kill_failed of $kill_requests requests failed; HAProxy marked it down after $marked_down; slowest request after the kill $kill_maxlat ms |"
  echo "| failover | writes refused for $refused_ms ms (answers $refused_by); first write $promote_to_write ms after the promotion; reads failed meanwhile: $reads_failed; acknowledged writes lost: $lost of $acknowledged; answers other than 200/201/503: $unexpected |"
  echo
  echo "| scenario | $(for t in "${targets[@]}"; do printf '%s | ' "${t%%|*}"; done)Redis ratio | replica ratio | 3 replicas ratio |"
  echo "|---|$(for _ in "${targets[@]}"; do printf -- '---|'; done)---|---|---|"
  for scenario in "${scenarios[@]}"; do
    s=${scenario%%|*}
    one=${rps["one process|$s"]}
    printf '| %s | ' "$s"
    for t in "${targets[@]}"; do printf '%s/s (p99 %s) | ' "${rps["${t%%|*}|$s"]}" "${p99["${t%%|*}|$s"]}"; done
    printf '%s | %s | %s |\n' "$(ratio "${rps["one process + Redis|$s"]}" "$one")" \
      "$(ratio "${rps["one replica (Redis, standby)|$s"]}" "$one")" "$(ratio "${rps["HAProxy → ${#api_ports[@]} replicas|$s"]}" "$one")"
  done
  echo
  echo "Ratios are requests per second over one process's, measured in this run."
} | tee "$out/report.md"
if [ "$smoke" = 0 ]; then mkdir -p "$root/bench/results"; cp "$out/report.md" "$root/bench/results/scale-$(date -u +%Y%m%d-%H%M).md"; fi
exit $status
