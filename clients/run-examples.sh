#!/usr/bin/env bash
# Generates the TypeScript and C# clients from the committed contract and runs their examples against a live API:
# ./run.sh (migrated and seeded) on a free port, an admin key made by `./run.sh apikey create --admin`, then
#   clients/typescript: openapi-typescript + openapi-fetch (npm ci, generate, tsc, node)
#   clients/csharp:     Kiota (dotnet tool) + the Kiota runtime packages (generate.sh, dotnet run)
# Each example lists and pages, reads by slug in another language, reads a 404 as a typed problem, and creates,
# patches with If-Match, gets 412 for a stale If-Match and deletes. Then Swagger UI in Chromium (tools/swagger-ui):
# its pre-filled examples executed through "Try it out". Used by .ci/run; by hand: clients/run-examples.sh
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port=${ROUNDTABLE_EXAMPLES_PORT:-5099}
export ROUNDTABLE_URL="http://localhost:$port"
log=$(mktemp)
status=0

ROUNDTABLE_URL="$ROUNDTABLE_URL" setsid ./run.sh >"$log" 2>&1 &
api=$!
# TERM, not INT: a background job ignores SIGINT. run.sh stops the API and the database it started.
stop() { kill -TERM -- -"$api" 2>/dev/null; wait "$api" 2>/dev/null; }
trap stop EXIT
for _ in $(seq 1 240); do
  curl -fs "$ROUNDTABLE_URL/health/ready" >/dev/null 2>&1 && break
  if ! kill -0 "$api" 2>/dev/null; then echo "examples: ./run.sh stopped:"; tail -n 30 "$log"; exit 1; fi
  sleep 1
done
if ! curl -fs "$ROUNDTABLE_URL/health/ready" >/dev/null; then echo "examples: the API did not become ready:"; tail -n 30 "$log"; exit 1; fi
key=$(ROUNDTABLE_URL="$ROUNDTABLE_URL" ./run.sh apikey create --admin --name "client examples" 2>/dev/null | tail -n 1)
if [ -z "$key" ]; then echo "examples: could not create an API key"; exit 1; fi
export ROUNDTABLE_KEY="$key"

echo "examples: TypeScript (openapi-typescript + openapi-fetch)"
if (cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run -s generate >/dev/null \
    && npm run -s build && npm run -s example); then
  echo "examples: TypeScript passed"
else
  status=1; echo "examples: TypeScript failed"
fi

echo "examples: C# (Kiota)"
if clients/csharp/generate.sh >/dev/null && dotnet run --project clients/csharp -c Release; then
  echo "examples: C# passed"
else
  status=1; echo "examples: C# failed"
fi
echo "examples: Swagger UI in Chromium (tools/swagger-ui, puppeteer-core)"
if (cd tools/swagger-ui && npm ci --no-audit --no-fund --loglevel=error >/dev/null && node check.mjs | tail -n 12); then
  echo "examples: Swagger UI passed"
else
  status=1; echo "examples: Swagger UI failed"
fi
exit $status
