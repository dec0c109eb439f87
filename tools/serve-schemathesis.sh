#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a running `doorstep serve` on the sample city, driven by the server's
# own OpenAPI document (/api): every operation, all checks (status codes and content types documented,
# no 5xx, responses match their schemas).
#
#   tools/serve-schemathesis.sh [MAX_EXAMPLES]     (default 30 per operation)
#   SCRATCH_PATH=.build-serve tools/serve-schemathesis.sh
# Loopback only; the run is bounded by the examples per operation.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-30}
scratch=${SCRATCH_PATH:-.build}
out=bench-out/schemathesis
mkdir -p "$out"
command -v schemathesis >/dev/null 2>&1 || pip install -q schemathesis
swift build --product doorstep --scratch-path "$scratch" >/dev/null
doorstep=$(swift build --scratch-path "$scratch" --show-bin-path)/doorstep

port=18082
"$doorstep" serve --kind canteen --listen 127.0.0.1:$port --max-jobs 2 2>"$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/conformance >/dev/null && break; sleep 0.5; done

schemathesis run http://127.0.0.1:$port/api --url http://127.0.0.1:$port --checks all --max-examples "$examples" \
  --request-timeout 60 --suppress-health-check all 2>&1 | tee "$out/report.txt"
