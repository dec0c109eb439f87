#!/usr/bin/env bash
# Benchmark: doorstep against a GeoPandas/Shapely 2 script doing the same work, side by side in one run.
#
#   tools/bench/run.sh [SCALE]        (default 10: ~300,000 demand points, ~6,000 canteens)
#
# Work measured for both: coverage of canteens at every level (district, street, community) and the
# street-level gap list, from reading the GeoJSON to writing the results. Reports wall time and peak
# memory (maximum resident set size from /usr/bin/time) of each, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
out=bench-out/scale-$scale
mkdir -p "$out"

tools/setup.sh
python3 -c 'import geopandas, shapely, pyogrio' 2>/dev/null || pip install -q geopandas shapely pyogrio pyproj
swift build -c release --product doorstep >/dev/null
doorstep=$(swift build -c release --show-bin-path)/doorstep

[[ -f $out/sample/demand.geojson ]] || "$doorstep" sample --output "$out/sample" --scale "$scale"
inputs=(--units "$out/sample/units.geojson" --facilities "$out/sample/facilities.geojson" --demand "$out/sample/demand.geojson" --kind canteen)

measure() {  # label, command…: prints "seconds peak_kib"
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "${@:2}" >/dev/null 2>"$log.err" || { cat "$log.err" >&2; exit 1; }
  cat "$log"; rm -f "$log" "$log.err"
}

read -r d_coverage d_coverage_mem < <(measure coverage "$doorstep" coverage "${inputs[@]}" --level all --format json --output "$out/doorstep-coverage.json")
read -r d_gaps d_gaps_mem < <(measure gaps "$doorstep" gaps "${inputs[@]}" --output "$out/doorstep-gaps.geojson")
read -r p_time p_mem < <(measure peer python3 tools/bench/peer_geopandas.py "$out/sample" "$out")

d_time=$(python3 -c "print(round($d_coverage + $d_gaps, 2))")
d_mem=$(( d_coverage_mem > d_gaps_mem ? d_coverage_mem : d_gaps_mem ))
points=$(grep -c '"elderly"' "$out/sample/demand.geojson")
canteens=$(grep -c '"canteen"' "$out/sample/facilities.geojson")
echo "scale $scale: $points demand points, $canteens canteens, $(nproc) cores"
printf '%-34s %8s %12s\n' "" "seconds" "peak MiB"
printf '%-34s %8s %12s\n' "doorstep coverage --level all" "$d_coverage" "$((d_coverage_mem / 1024))"
printf '%-34s %8s %12s\n' "doorstep gaps (street)" "$d_gaps" "$((d_gaps_mem / 1024))"
printf '%-34s %8s %12s\n' "doorstep total" "$d_time" "$((d_mem / 1024))"
printf '%-34s %8s %12s\n' "GeoPandas/Shapely 2 script" "$p_time" "$((p_mem / 1024))"
python3 -c "print(f'speed-up {($p_time)/($d_time):.1f}x, peak memory {($p_mem)/($d_mem):.1f}x lower')"
