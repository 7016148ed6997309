#!/usr/bin/env bash
# Runs RoundTable API on http://localhost:5080 with its database, migrated and seeded.
#   ./run.sh              start the API (Ctrl-C stops it and the database this script started; data is kept)
#   ./run.sh migrate      apply migrations to the same database (also while the API runs)
#   ./run.sh seed         load the seed data set into the same database
# Database, in order: $ConnectionStrings__RoundTable; else a local PostgreSQL cluster in .data/postgres started from
# the installed server binaries; else Docker (postgres:17) when a daemon answers; else it says what to install.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
port=${ROUNDTABLE_PG_PORT:-55432}
url=${ROUNDTABLE_URL:-http://localhost:5080}
data="$root/.data/postgres"
started=""

log() { echo "run.sh: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pg_bin() {
  if [ -n "${ROUNDTABLE_PG_BIN:-}" ]; then echo "$ROUNDTABLE_PG_BIN"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
}

start_local_cluster() {
  local bin=$1
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
    log "the postgres user cannot reach $root; clone the repository somewhere it can (e.g. /opt or /srv)"; exit 1
  fi
  mkdir -p "$root/.data"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a local PostgreSQL cluster in .data/postgres"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$root/.data" "$data"
    chmod 700 "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
CONF
  fi
  if as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "local PostgreSQL already running on port $port"
  else
    log "starting local PostgreSQL on port $port"
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
    started="local"
  fi
  local exists
  exists=$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'roundtable'")
  [ "$exists" = 1 ] || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres roundtable
  export ConnectionStrings__RoundTable="Host=127.0.0.1;Port=$port;Username=postgres;Database=roundtable"
  pg_bin=$bin
}

start_docker() {
  log "starting postgres:17 in Docker (container roundtable-postgres, volume roundtable-data)"
  if ! docker start roundtable-postgres >/dev/null 2>&1; then
    docker run -d --name roundtable-postgres -e POSTGRES_PASSWORD=roundtable -e POSTGRES_DB=roundtable \
      -p "127.0.0.1:$port:5432" -v roundtable-data:/var/lib/postgresql/data postgres:17 >/dev/null
  fi
  for _ in $(seq 1 60); do
    docker exec roundtable-postgres pg_isready -U postgres >/dev/null 2>&1 && break
    sleep 1
  done
  started="docker"
  export ConnectionStrings__RoundTable="Host=127.0.0.1;Port=$port;Username=postgres;Password=roundtable;Database=roundtable"
}

stop_database() {
  case "$started" in
    local) log "stopping local PostgreSQL (data kept in .data/postgres)"; as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true ;;
    docker) log "stopping the Docker PostgreSQL (data kept in volume roundtable-data)"; docker stop roundtable-postgres >/dev/null || true ;;
  esac
}

if ! command -v dotnet >/dev/null 2>&1; then
  log "the .NET SDK 10 is required (https://dot.net); install it and run again"; exit 1
fi

# Installed before any database starts, so a failure half-way still stops what this script started.
trap stop_database EXIT

if [ -n "${ConnectionStrings__RoundTable:-}" ]; then
  log "using the database from ConnectionStrings__RoundTable"
elif bin=$(find_pg_bin) && [ -n "$bin" ]; then
  start_local_cluster "$bin"
elif command -v docker >/dev/null 2>&1 && timeout 3 docker info >/dev/null 2>&1; then
  start_docker
else
  log "no PostgreSQL found. Either set ConnectionStrings__RoundTable, or install the PostgreSQL server"
  log "(Debian/Ubuntu: apt-get install postgresql), or start Docker. Then run ./run.sh again."
  exit 1
fi

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
dotnet build "$root/RoundTable.Api" -c Release -nologo -v q || { log "the build failed"; exit 1; }
app="$root/RoundTable.Api/bin/Release/net10.0/RoundTable.Api.dll"
cd "$(dirname "$app")" # the content root: appsettings*.json and seeds/ live beside the binary

if [ $# -gt 0 ]; then
  # A command against the same database; leaves a database that was already running as it was.
  dotnet "$app" "$@"
  exit $?
fi

log "API on $url (Swagger UI at $url/swagger); Ctrl-C stops it"
dotnet "$app" --urls "$url" &
api=$!
# A background job of a script ignores SIGINT; SIGTERM makes ASP.NET Core shut down cleanly.
trap 'kill -TERM $api 2>/dev/null || true' INT TERM
wait $api || true
wait $api 2>/dev/null || true
