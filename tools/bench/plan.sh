#!/usr/bin/env bash
# Benchmark of the place-name plan: `doorstep names audit` over COUNT in-use names and `doorstep names
# suggest` for a planned road against them.
#
#   tools/bench/plan.sh [COUNT]                 (default 100000; release build)
#   DOORSTEP=/path/to/doorstep tools/bench/plan.sh   (time a given binary instead of building)
#
# The names are those of tools/bench/names.sh (two-character 专名 + two numerals + 路/社区/巷 over 13
# districts), each with a point in a 0.4° × 0.3° box over Hangzhou, so the area-mismatch and plan
# rules have places to work on; one plan area covers the box (theme 清|云|望|文|学, series 文{n}路) and
# one branch-class planned road lies inside it. Times are wall-clock seconds of the whole command,
# process start included, from /usr/bin/time.
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

python3 - "$count" "$out" <<'PY'
import sys, random
count, out = int(sys.argv[1]), sys.argv[2]
random.seed(7)
first = "清云望临翠明东南西北湖江溪桂梅荷松竹兰枫安和宁兴福康乐嘉丰瑞祥文德仁新华春秋金玉石"
second = "湖江溪山苑塘桥浦港岭林园泉湾洲坞庄岗亭坊门"
third = "一二三四五六七八九十"
rows, n = ["name,type,district,status,longitude,latitude"], 0
for a in first:
    for b in second:
        for c in third:
            for d in third:
                for suffix, kind in (("路", "road"), ("社区", "community"), ("巷", "lane")):
                    if n < count:
                        x, y = 120.0 + random.random() * 0.4, 30.1 + random.random() * 0.3
                        rows.append(f"{a}{b}{c}{d}{suffix},{kind},3301{n % 13 + 2:02d},in-use,{x:.6f},{y:.6f}")
                        n += 1
if n < count:
    sys.exit(f"only {n} distinct names can be generated")
open(f"{out}/names.csv", "w").write("\n".join(rows) + "\n")
open(f"{out}/areas.geojson", "w").write('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"area":"城西","district":"330106","theme":"清|云|望|文|学","series":"文{n}路"},"geometry":{"type":"Polygon","coordinates":[[[119.99,30.09],[120.41,30.09],[120.41,30.41],[119.99,30.41],[119.99,30.09]]]}}]}\n')
open(f"{out}/roads.geojson", "w").write('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"branch","district":"330106","planned_year":2027},"geometry":{"type":"LineString","coordinates":[[120.12,30.27],[120.14,30.27]]}}]}\n')
PY

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
