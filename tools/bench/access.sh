#!/usr/bin/env bash
# `doorstep access` against PySAL `access` (two_stage_fca on a k-d tree cost matrix of the same
# straight-line metres) on the sample at scales 1 and 10, in one run: wall time, peak memory, and the
# largest relative difference of the per-unit access_mean.
#   tools/bench/access.sh [kind] [radius]      (default care-home 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
kind=${1:-care-home}
radius=${2:-1000}
tools/setup.sh
python3 -c "import access, geopandas, scipy" 2>/dev/null || pip install -q 'access==1.1.*' geopandas scipy
[[ -n ${DOORSTEP:-} ]] || swift build -c release --product doorstep --scratch-path .build-bench >/dev/null
doorstep=${DOORSTEP:-$PWD/.build-bench/release/doorstep}
work=$(mktemp -d /tmp/doorstep-access-XXXX)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %9s %9s %12s\n' scale tool seconds "peak MiB" "max rel diff"
for scale in 1 10; do
  "$doorstep" sample --scale "$scale" --output "$work/s$scale" >/dev/null 2>&1
  /usr/bin/time -f '%e %M' -o "$work/d.time" "$doorstep" access --units "$work/s$scale/units.geojson" \
    --facilities "$work/s$scale/facilities.geojson" --demand "$work/s$scale/demand.geojson" \
    --kind "$kind" --radius "$kind=$radius" --level street --format csv --output "$work/d.csv" 2>/dev/null
  /usr/bin/time -f '%e %M' -o "$work/p.time" python3 tools/bench/peer_access.py "$work/s$scale" "$kind" "$radius" street \
    > "$work/p.csv" 2>/dev/null
  diff=$(python3 - "$work/d.csv" "$work/p.csv" <<'PY'
import csv, sys
ours = {r["code"]: float(r["access_mean"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["access_mean"]}
theirs = {r["code"]: float(r["access_mean"]) for r in csv.DictReader(line for line in open(sys.argv[2]) if not line.startswith("#"))}
assert set(ours) == set(theirs), (len(ours), len(theirs))
print(max(abs(ours[c] - theirs[c]) / max(abs(theirs[c]), 1e-300) for c in ours))
PY
)
  read -r dt dm < "$work/d.time"
  read -r pt pm < "$work/p.time"
  printf '%-6s %-10s %9s %9d %12s\n' "$scale" doorstep "$dt" $((dm / 1024)) "$diff"
  printf '%-6s %-10s %9s %9d %12s\n' "$scale" "pysal" "$pt" $((pm / 1024)) ""
  echo "scale $scale: pysal/doorstep = $(echo "$pt / $dt" | bc -l | cut -c1-5)×"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
