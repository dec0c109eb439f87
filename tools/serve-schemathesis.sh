#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a running `doorstep serve` on the sample city, driven by the server's
# own OpenAPI document (/api): every operation, all checks (status codes and content types documented,
# no 5xx, responses match their schemas, schema-valid requests accepted, schema-violating ones refused).
#
#   tools/serve-schemathesis.sh [MAX_EXAMPLES]     (default 30 per operation)
#   SCRATCH_PATH=.build-serve tools/serve-schemathesis.sh
#   NAMES_DB=/tmp/x.sqlite tools/serve-schemathesis.sh    (also the registry's routes, /api/names/*:
#       reads open, writes answered 401 without a token, as documented)
# Loopback only; the run is bounded by the examples per operation. The report is in bench-out/schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-30}
scratch=${SCRATCH_PATH:-.build}
out=bench-out/schemathesis${NAMES_DB:+-names}
mkdir -p "$out"
command -v schemathesis >/dev/null 2>&1 || pip install -q schemathesis
swift build --product doorstep --scratch-path "$scratch" >/dev/null
doorstep=$(swift build --scratch-path "$scratch" --show-bin-path)/doorstep

# The checks' configuration: all of them, less what the server does by design and OpenAPI 3.0 cannot say.
cat >"$out/schemathesis.toml" <<'EOF'
# (Set on the command line below, as --checks all would override this file: --max-response-time 30,
# since a debug build takes seconds for a report of 10,000 proposed points, the most a request may
# propose; and --exclude-checks use_after_free, since DELETE /api/jobs/{id} cancels the job and keeps
# its record, status "cancelled", as documented: it is meant to be readable afterwards.)

# A GeoJSON position is [longitude, latitude]. OpenAPI 3.0 has no prefixItems: one `items` schema bounds
# both numbers, so the document allows -180…180 for each (and says in the description that the latitude
# must be within ±90). A schema-valid point with a latitude beyond ±90 is refused with a documented 400,
# which is right; only for the two operations taking points does the positive-data check accept that 400.
# Likewise `at=LON,LAT` of GET /api/names/check (with --names): a string the document does not parse,
# refused with 400 when it is not two numbers in range.
[[operations]]
include-operation-id = ["postScenario", "postReport", "checkName"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
EOF

port=${PORT:-18082}
names=()
if [ -n "${NAMES_DB:-}" ]; then names=(--names "$NAMES_DB"); fi
"$doorstep" serve --kind canteen --listen 127.0.0.1:$port --max-jobs 2 "${names[@]}" 2>"$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/conformance >/dev/null && break; sleep 0.5; done

schemathesis --config-file "$out/schemathesis.toml" run http://127.0.0.1:$port/api --url http://127.0.0.1:$port \
  --checks all --exclude-checks use_after_free --max-response-time 30 --max-examples "$examples" --request-timeout 60 --suppress-health-check all 2>&1 | tee "$out/report.txt"
