#!/usr/bin/env bash
# Benchmark: doorstep against a GeoPandas/Shapely 2 script doing the same work, side by side in one run,
# for each sample profile (the dense city and the rural county).
#
#   tools/bench/run.sh [SCALE] [PROFILE...]     (default: 10 city county)
#   DOORSTEP=path/to/doorstep tools/bench/run.sh 100 county   (a given binary; no release build)
#   PEER_TIMEOUT=600 (seconds; the script is stopped and reported as such past it); SKIP_PEER=1 (doorstep only)
#
# Work measured for both: coverage of canteens at every level (district, street, community) and the
# street-level gap list, from reading the GeoJSON to writing the results. Reports wall time and peak
# memory (maximum resident set size from /usr/bin/time) of each, the ratios, and doorstep's --timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
shift || true
profiles=("$@")
[[ ${#profiles[@]} -gt 0 ]] || profiles=(city county)
peer_timeout=${PEER_TIMEOUT:-600}

tools/setup.sh
python3 -c 'import geopandas, shapely, pyogrio' 2>/dev/null || pip install -q geopandas shapely pyogrio pyproj
if [[ -z ${DOORSTEP:-} ]]; then
  swift build -c release --product doorstep --scratch-path .build-bench >/dev/null
  DOORSTEP=$(swift build -c release --scratch-path .build-bench --show-bin-path)/doorstep
fi
doorstep=$DOORSTEP

measure() {  # stderr-file command…: prints "seconds peak_kib", or "timeout -" / "failed -"
  local log err=$1; shift
  log=$(mktemp)
  if /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$err"; then
    tail -1 "$log"
  elif grep -q "Command exited with non-zero status 124" "$log"; then
    echo "timeout -"
  else
    echo "failed -"
  fi
  rm -f "$log"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(git rev-parse --short HEAD)"
for profile in "${profiles[@]}"; do
  out=bench-out/$profile-$scale
  mkdir -p "$out"
  [[ -f $out/sample/demand.geojson ]] || "$doorstep" sample --profile "$profile" --scale "$scale" --output "$out/sample" 2>/dev/null
  inputs=(--units "$out/sample/units.geojson" --facilities "$out/sample/facilities.geojson" --demand "$out/sample/demand.geojson" --kind canteen)

  read -r d_coverage d_coverage_mem < <(measure "$out/coverage.err" "$doorstep" coverage "${inputs[@]}" --level all --format json --output "$out/doorstep-coverage.json" --timings)
  read -r d_gaps d_gaps_mem < <(measure "$out/gaps.err" "$doorstep" gaps "${inputs[@]}" --output "$out/doorstep-gaps.geojson" --timings)
  # The same two outputs from one run: gaps --coverage-output.
  read -r d_one d_one_mem < <(measure "$out/one.err" "$doorstep" gaps "${inputs[@]}" --output "$out/doorstep-gaps-one.geojson" \
    --coverage-output "$out/doorstep-coverage-one.json" --coverage-level all --timings)
  # The same table byte for byte, and the same gaps: where a unit straddles two 3° zones, GEOS may
  # start a ring of its uncovered part at another vertex of the same ring.
  cmp -s "$out/doorstep-coverage.json" "$out/doorstep-coverage-one.json" && python3 - "$out/doorstep-gaps.geojson" "$out/doorstep-gaps-one.geojson" <<'PY' \
    || { echo "gaps --coverage-output wrote other numbers than coverage + gaps" >&2; exit 1; }
import json, sys
a, b = (json.load(open(path))["features"] for path in sys.argv[1:3])
assert [f["properties"] for f in a] == [f["properties"] for f in b]
def rings(f):  # each ring as a set of vertices: equal up to where it starts
    return [[frozenset(map(tuple, ring)) for ring in polygon] for polygon in f["geometry"]["coordinates"]]
assert [rings(f) for f in a] == [rings(f) for f in b]
PY
  [[ ${SKIP_PEER:-} ]] && p_time=skipped p_mem=- || \
  read -r p_time p_mem < <(measure "$out/peer.err" timeout "$peer_timeout" python3 tools/bench/peer_geopandas.py "$out/sample" "$out")
  [[ $d_coverage_mem != - && $d_gaps_mem != - ]] || { cat "$out/coverage.err" "$out/gaps.err" >&2; exit 1; }

  d_time=$(python3 -c "print(round($d_coverage + $d_gaps, 2))")
  d_mem=$(( d_coverage_mem > d_gaps_mem ? d_coverage_mem : d_gaps_mem ))
  points=$(grep -c '"elderly"' "$out/sample/demand.geojson")
  canteens=$(grep -c '"canteen"' "$out/sample/facilities.geojson")
  units=$(grep -c '"level"' "$out/sample/units.geojson")
  echo
  echo "$profile, scale $scale: $points demand points, $canteens canteens, $units units"
  printf '%-34s %8s %12s\n' "" "seconds" "peak MiB"
  printf '%-34s %8s %12s\n' "doorstep coverage --level all" "$d_coverage" "$((d_coverage_mem / 1024))"
  printf '%-34s %8s %12s\n' "doorstep gaps (street)" "$d_gaps" "$((d_gaps_mem / 1024))"
  printf '%-34s %8s %12s\n' "doorstep total" "$d_time" "$((d_mem / 1024))"
  printf '%-34s %8s %12s\n' "doorstep gaps --coverage-output" "$d_one" "$((d_one_mem / 1024))"
  if [[ $p_mem == - ]]; then
    printf '%-34s %8s\n' "GeoPandas/Shapely 2 script" "$p_time (limit ${peer_timeout} s)"
  else
    printf '%-34s %8s %12s\n' "GeoPandas/Shapely 2 script" "$p_time" "$((p_mem / 1024))"
    python3 -c "print(f'speed-up {($p_time)/($d_time):.1f}x (one run: {($p_time)/($d_one):.1f}x), peak memory {($p_mem)/($d_mem):.1f}x lower')"
  fi
  echo "coverage $(grep '^timings:' "$out/coverage.err")"
  echo "gaps     $(grep '^timings:' "$out/gaps.err")"
  echo "one run  $(grep '^timings:' "$out/one.err")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
