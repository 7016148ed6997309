#!/usr/bin/env bash
# The deployment files' gate (run by .ci/run): installs the pinned validators (npm ci) and runs validate.mjs.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
node validate.mjs
if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then
  "$(command -v haproxy || echo /usr/sbin/haproxy)" -c -q -f ../../deploy/compose/haproxy.cfg && echo "ok   deploy/compose/haproxy.cfg (haproxy -c)"
fi
