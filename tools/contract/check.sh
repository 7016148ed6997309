#!/usr/bin/env bash
# The contract's gates, run by .ci/run (and by hand: tools/contract/check.sh):
#   1. Spectral with the project's ruleset (.spectral.yaml here: OpenAPI rules + OWASP API Security): no errors.
#   2. The breaking-change gate: RoundTable.Api/openapi/v1.json against the released contract
#      (RoundTable.Api/openapi/released/v1.json); each breaking change must be in RoundTable.Api/openapi/CHANGELOG.md.
#   3. The gate's own proof: a deliberately broken copy of the contract fails it, and passes once the changelog
#      records the change.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
contract="$root/RoundTable.Api/openapi/v1.json"
released="$root/RoundTable.Api/openapi/released/v1.json"
changelog="$root/RoundTable.Api/openapi/CHANGELOG.md"
cd "$here"
if [ ! -d node_modules/@stoplight/spectral-cli ] || [ ! -d node_modules/api-smart-diff ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || { echo "contract: npm ci failed"; exit 1; }
fi
status=0

echo "contract: spectral lint (OpenAPI + OWASP, tools/contract/.spectral.yaml)"
if ! npx --no-install spectral lint "$contract" --ruleset .spectral.yaml --fail-severity error --display-only-failures -f text > /tmp/spectral.$$ 2>&1; then
  status=1
  echo "contract: spectral reports errors:"; grep -E " error " /tmp/spectral.$$ | head -n 40
fi
errors=$(grep -c " error " /tmp/spectral.$$ || true)
warnings=$(npx --no-install spectral lint "$contract" --ruleset .spectral.yaml --fail-severity error -f text 2>/dev/null | grep -c " warning " || true)
echo "contract: spectral: ${errors} errors, ${warnings} warnings"
rm -f /tmp/spectral.$$

echo "contract: breaking changes against the released contract"
node breaking.mjs "$released" "$contract" "$changelog" || status=1

echo "contract: the gate fails a deliberately broken contract"
work=$(mktemp -d)
node -e '
const fs = require("fs");
const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
delete doc.paths["/api/v1/themes"];                                               // two operations removed
doc.paths["/api/v1/events"].get.parameters.find(p => p.name === "limit").schema.maximum = 50; // a limit narrowed
fs.writeFileSync(process.argv[2], JSON.stringify(doc, null, 2));
' "$released" "$work/broken.json"
cp "$changelog" "$work/CHANGELOG.md"
if node breaking.mjs "$released" "$work/broken.json" "$work/CHANGELOG.md" > "$work/out" 2>&1; then
  status=1; echo "contract: the gate passed a broken contract:"; cat "$work/out"
else
  echo "contract: refused, as it must be: $(grep -c 'not in the changelog' "$work/out") breaking changes named"
fi
printf '\n## Unreleased\n\n- Removed the theme list (`/paths//api/v1/themes`); pages of events hold at most 50 (`/paths//api/v1/events/get/parameters`).\n' > "$work/CHANGELOG.md"
if node breaking.mjs "$released" "$work/broken.json" "$work/CHANGELOG.md" > "$work/out" 2>&1; then
  echo "contract: accepted once the changelog records the changes"
else
  status=1; echo "contract: the gate refused changes the changelog records:"; cat "$work/out"
fi
rm -rf "$work"
exit $status
