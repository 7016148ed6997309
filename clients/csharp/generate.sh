#!/usr/bin/env bash
# Generates the C# client (Generated/) from the committed contract with Kiota, installed as a local .NET tool.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/.tools"
if [ ! -x "$tools/kiota" ]; then
  dotnet tool install Microsoft.OpenApi.Kiota --version 1.38.0 --tool-path "$tools" >/dev/null
fi
"$tools/kiota" generate -l CSharp -d "$here/../../RoundTable.Api/openapi/v1.json" -o "$here/Generated" \
  -c RoundTableClient -n RoundTable.Client --exclude-backward-compatible --clean-output --log-level Error
