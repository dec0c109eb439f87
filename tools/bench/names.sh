#!/usr/bin/env bash
# Benchmark of the place-name registry: import 100,000 names, then `doorstep names check` against them.
#
#   tools/bench/names.sh [COUNT]      (default 100000)
#
# The names are synthetic (tools/bench/names_csv.py: two-character 专名 + two numerals + 路/社区/巷, over
# 13 districts). Times are wall-clock seconds of the whole command, process start included, from
# /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
out=bench-out/names
mkdir -p "$out"
tools/setup.sh
swift build -c release --product doorstep >/dev/null
doorstep=$(swift build -c release --show-bin-path)/doorstep

python3 tools/bench/names_csv.py "$count" "$out/names.csv"

rm -f "$out"/names.sqlite*
import_time=$( { /usr/bin/time -f "%e" "$doorstep" names import "$out/names.csv" --db "$out/names.sqlite" >/dev/null; } 2>&1 )
echo "import of $count names: ${import_time} s"

times=()
for name in 云栖路 文三路 清湖一一路 古荡社区 望江巷 喆园路 环球路 西湖花园 梅坞二三巷 翠苑社区; do
  for _ in 1 2; do
    t=$( { /usr/bin/time -f "%e" "$doorstep" names check "$name" --type road --db "$out/names.sqlite" >/dev/null || true; } 2>&1 | tail -1)
    times+=("$t")
  done
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "check against %s names: median %.3f s, max %.3f s over %d runs (whole process)\n", "'"$count"'", a[int((NR+1)/2)], a[NR], NR}'
