#!/usr/bin/env bash
# Benchmark of walking distance (issue 9, "Speed"): doorstep with and without --network, doorstep site
# with --network, and a pandana 0.8 script computing the same per-unit covered elderly, side by side
# in one run.
#
#   tools/bench/network.sh [SCALE]        (default 10: ~300,000 demand points, ~6,000 canteens)
#
# Measured (wall seconds, peak resident memory and user + system CPU seconds from /usr/bin/time -v; on a
# shared machine the CPU seconds say more than the wall time):
#   doorstep coverage --level all --kind canteen --format json  +  doorstep gaps --kind canteen,
#     without --network and with --network network.geojson   (target: with ≤ 2× without)
#   doorstep site --kind canteen --add 20 --network …         (target: < 10 s at scale 10)
#   tools/bench/peer_pandana.py, reading files included, with pandana's default OpenMP threads and
#     with OMP_NUM_THREADS=1 (faster on a small shared machine); the faster of the two is compared
#     (target: doorstep coverage --network ≥ 3× faster; also against coverage + gaps --network)
# Then compares the per-unit covered elderly of doorstep (with --network) and pandana.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
out=bench-out/network-$scale
mkdir -p "$out"

tools/setup.sh
python3 -c 'import pandana, geopandas, shapely, pyproj, pyogrio' 2>/dev/null \
  || pip install -q 'pandana==0.8.*' geopandas shapely pyproj pyogrio
swift build -c release --scratch-path .build-bench --product doorstep >/dev/null
doorstep=$(swift build -c release --scratch-path .build-bench --show-bin-path)/doorstep

[[ -f $out/network.geojson && -f $out/demand.geojson ]] || "$doorstep" sample --scale "$scale" --output "$out" >/dev/null
inputs=(--units "$out/units.geojson" --facilities "$out/facilities.geojson" --demand "$out/demand.geojson" --kind canteen)
network=(--network "$out/network.geojson")

measure() {  # label, command…: prints "seconds peak_kib cpu_seconds"; the command's stderr goes to $out/LABEL.log
  local log; log=$(mktemp)
  /usr/bin/time -v -o "$log" "${@:2}" >/dev/null 2>"$out/$1.log" || { cat "$out/$1.log" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /User time|System time/ { c += $2 } /Maximum resident set size/ { m = $2 }
              END { printf "%.2f %d %.2f\n", s, m, c }' "$log"
  rm -f "$log"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
read -r c_time c_mem c_cpu < <(measure coverage "$doorstep" coverage "${inputs[@]}" --level all --format json --output "$out/doorstep-coverage.json")
read -r g_time g_mem g_cpu < <(measure gaps "$doorstep" gaps "${inputs[@]}" --output "$out/doorstep-gaps.geojson")
read -r cn_time cn_mem cn_cpu < <(measure coverage-network "$doorstep" coverage "${inputs[@]}" "${network[@]}" --level all --format json --output "$out/doorstep-coverage-network.json")
read -r gn_time gn_mem gn_cpu < <(measure gaps-network "$doorstep" gaps "${inputs[@]}" "${network[@]}" --output "$out/doorstep-gaps-network.geojson")
read -r s_time s_mem s_cpu < <(measure site-network "$doorstep" site "${inputs[@]}" "${network[@]}" --add 20 --format json --output "$out/doorstep-site-network.geojson")
read -r p2_time p2_mem p2_cpu < <(measure peer-pandana python3 tools/bench/peer_pandana.py "$out" "$out/network.geojson" "$out")
# pandana builds its contraction hierarchy with OpenMP; on a small shared machine one thread is faster.
read -r p1_time p1_mem p1_cpu < <(measure peer-pandana-1 env OMP_NUM_THREADS=1 python3 tools/bench/peer_pandana.py "$out" "$out/network.geojson" "$out")
if python3 -c "import sys; sys.exit(not $p2_time < $p1_time)"; then
  best=default; p_time=$p2_time p_mem=$p2_mem p_cpu=$p2_cpu
else
  best=OMP_NUM_THREADS=1; p_time=$p1_time p_mem=$p1_mem p_cpu=$p1_cpu
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

points=$(grep -c '"elderly"' "$out/demand.geojson")
canteens=$(grep -c '"canteen"' "$out/facilities.geojson")
lines=$(grep -c '"LineString"\|"MultiLineString"' "$out/network.geojson" || true)
echo "scale $scale: $points demand points, $canteens canteens, $lines network lines; $(nproc) cores; load average $load before, $load_after after"
row() { printf '%-52s %8s %10s %8s\n' "$@"; }
mib() { echo $(( $1 / 1024 )); }
sum() { python3 -c "print(f'{$1 + $2:.2f}')"; }
max() { echo $(( $1 > $2 ? $1 : $2 )); }
ratio() { python3 -c "print(f'{($1) / ($2):.2f}')"; }
row "" "seconds" "peak MiB" "CPU s"
row "doorstep coverage --level all" "$c_time" "$(mib "$c_mem")" "$c_cpu"
row "doorstep gaps" "$g_time" "$(mib "$g_mem")" "$g_cpu"
row "doorstep coverage + gaps, straight" "$(sum "$c_time" "$g_time")" "$(mib "$(max "$c_mem" "$g_mem")")" "$(sum "$c_cpu" "$g_cpu")"
row "doorstep coverage --level all --network" "$cn_time" "$(mib "$cn_mem")" "$cn_cpu"
row "doorstep gaps --network" "$gn_time" "$(mib "$gn_mem")" "$gn_cpu"
row "doorstep coverage + gaps, --network" "$(sum "$cn_time" "$gn_time")" "$(mib "$(max "$cn_mem" "$gn_mem")")" "$(sum "$cn_cpu" "$gn_cpu")"
row "doorstep site --add 20 --network" "$s_time" "$(mib "$s_mem")" "$s_cpu"
pandana=$(python3 -c 'import pandana; print(pandana.__version__)')
row "pandana $pandana script (per-unit covered elderly)" "$p2_time" "$(mib "$p2_mem")" "$p2_cpu"
row "pandana $pandana script, OMP_NUM_THREADS=1" "$p1_time" "$(mib "$p1_mem")" "$p1_cpu"
echo "network / straight (coverage + gaps): $(ratio "$cn_time + $gn_time" "$c_time + $g_time")x the time (target ≤ 2), $(ratio "$cn_cpu + $gn_cpu" "$c_cpu + $g_cpu")x the CPU"
echo "pandana ($best, the faster) / doorstep coverage --network: $(ratio "$p_time" "$cn_time")x the time (target ≥ 3), $(ratio "$p_cpu" "$cn_cpu")x the CPU"
echo "pandana ($best) / doorstep coverage + gaps --network: $(ratio "$p_time" "$cn_time + $gn_time")x the time, $(ratio "$p_cpu" "$cn_cpu + $gn_cpu")x the CPU"
echo "pandana ($best) peak memory / doorstep coverage --network: $(ratio "$p_mem" "$cn_mem")x"
echo "site --add 20 --network: $s_time s (target < 10)"

python3 - "$out/doorstep-coverage-network.json" "$out/peer-pandana-coverage.json" <<'EOF'
import json, sys
from collections import Counter
doorstep = {r["code"]: r for r in json.load(open(sys.argv[1]))}
peer = {r["code"]: r for r in json.load(open(sys.argv[2]))}
codes = doorstep.keys() & peer.keys()
if doorstep.keys() ^ peer.keys():
    print(f"units in one output only: {len(doorstep.keys() ^ peer.keys())}")
differ = [c for c in codes if abs(doorstep[c]["elderly_covered"] - peer[c]["elderly_covered"]) > 1e-6]
by_level = Counter(doorstep[c]["level"] for c in codes)
differ_by_level = Counter(doorstep[c]["level"] for c in differ)
more = sum(1 for c in differ if doorstep[c]["elderly_covered"] > peer[c]["elderly_covered"])
print("units whose covered elderly differ (doorstep --network vs pandana): "
      + ", ".join(f"{level} {differ_by_level[level]}/{by_level[level]}" for level in sorted(by_level))
      + f"; doorstep higher in {more}, pandana higher in {len(differ) - more}")
gap = max((abs(doorstep[c]["elderly_covered"] - peer[c]["elderly_covered"]) / max(doorstep[c]["elderly_total"], 1), c)
          for c in codes)
print(f"  largest difference: {gap[0]:.1%} of the elderly of unit {gap[1]} ({doorstep[gap[1]]['level']})")
for level in sorted(by_level):
    d = sum(doorstep[c]["elderly_covered"] for c in codes if doorstep[c]["level"] == level)
    p = sum(peer[c]["elderly_covered"] for c in codes if peer[c]["level"] == level)
    t = sum(doorstep[c]["elderly_total"] for c in codes if doorstep[c]["level"] == level)
    off = sum(doorstep[c].get("elderly_off_network", 0) for c in codes if doorstep[c]["level"] == level)
    print(f"  {level}: elderly {t:,.0f}; covered doorstep {d:,.0f} ({d / t:.2%}), pandana {p:,.0f} ({p / t:.2%}); "
          f"doorstep off the network {off:,.0f}")
EOF
