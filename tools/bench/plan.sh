#!/usr/bin/env bash
# Benchmark of the place-name plan: `doorstep names audit` over COUNT in-use names and `doorstep names
# suggest` for a planned road against them.
#
#   tools/bench/plan.sh [COUNT]                 (default 100000; release build)
#   DOORSTEP=/path/to/doorstep tools/bench/plan.sh   (time a given binary instead of building)
#
# The names are those of tools/bench/names.sh (tools/bench/names_csv.py --points: two-character 专名 +
# two numerals + 路/社区/巷 over 13 districts), each with a point in a 0.4° × 0.3° box over Hangzhou,
# so the area-mismatch and plan rules have places to work on; one plan area covers the box (theme
# 清|云|望|文|学, series 文{n}路) and one branch-class planned road lies inside it. Times are wall-clock
# seconds of the whole command, process start included, from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
out=bench-out/plan
mkdir -p "$out"
if [ -z "${DOORSTEP:-}" ]; then
  tools/setup.sh
  swift build -c release --product doorstep >/dev/null
  DOORSTEP=$(swift build -c release --show-bin-path)/doorstep
fi

python3 tools/bench/names_csv.py "$count" "$out/names.csv" --points
cat >"$out/areas.geojson" <<'EOF'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"area":"城西","district":"330106","theme":"清|云|望|文|学","series":"文{n}路"},"geometry":{"type":"Polygon","coordinates":[[[119.99,30.09],[120.41,30.09],[120.41,30.41],[119.99,30.41],[119.99,30.09]]]}}]}
EOF
cat >"$out/roads.geojson" <<'EOF'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"branch","district":"330106","planned_year":2027},"geometry":{"type":"LineString","coordinates":[[120.12,30.27],[120.14,30.27]]}}]}
EOF

rm -f "$out"/names.sqlite*
"$DOORSTEP" names import "$out/names.csv" --db "$out/names.sqlite" >/dev/null
"$DOORSTEP" names plan import "$out/areas.geojson" --db "$out/names.sqlite" >/dev/null
"$DOORSTEP" names planned import "$out/roads.geojson" --db "$out/names.sqlite" >/dev/null

/usr/bin/time -o "$out/audit.time" -f "%e s wall, %U s user, %S s system" "$DOORSTEP" names audit --db "$out/names.sqlite" --output "$out/audit.csv" 2>/dev/null
echo "audit of $count in-use names: $(cat "$out/audit.time") ($(($(wc -l <"$out/audit.csv") - 1)) non-conforming rows in $out/audit.csv)"

times=()
for _ in 1 2 3 4 5; do
  /usr/bin/time -o "$out/suggest.time" -f "%e %U %S" "$DOORSTEP" names suggest 1 --count 5 --db "$out/names.sqlite" >/dev/null
  t=$(awk '{print $1}' "$out/suggest.time"); cpu=$(awk '{print $2 + $3}' "$out/suggest.time"); echo "  suggest: ${t} s wall, ${cpu} s CPU"
  times+=("$t")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "suggest (5 names) against %s names: median %.3f s, max %.3f s over %d runs (whole process)\n", "'"$count"'", a[int((NR+1)/2)], a[NR], NR}'
"$DOORSTEP" names suggest 1 --count 5 --db "$out/names.sqlite"
