#!/usr/bin/env bash
# Runs `doorstep gaps`, `site` and `report` on a small generated city under valgrind's memcheck and fails on
# any invalid read/write, double free or definitely lost block: a check of the GEOS ownership rules
# (every object freed once, borrowed parts never). Swift runtime caches show as "possibly lost" only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
swift build --product doorstep >/dev/null
bin=$(swift build --show-bin-path)/doorstep
city=$(mktemp -d)
trap 'rm -rf "$city"' EXIT
"$bin" sample --output "$city" --scale 0.1 2>/dev/null
inputs=(--units "$city/units.geojson" --facilities "$city/facilities.geojson" --demand "$city/demand.geojson")
"$bin" names import "$city/units.geojson" --db "$city/names.sqlite" >/dev/null
"$bin" names import "$city/roads.geojson" --db "$city/names.sqlite" >/dev/null
check() {  # every command that uses GEOS, one after the other
  valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite -q "$bin" "$@" >/dev/null
}
check gaps --level all "${inputs[@]}" --names "$city/names.sqlite" --output "$city/gaps.geojson"
check site --kind canteen --add 3 "${inputs[@]}" --names "$city/names.sqlite" --output "$city/sites.geojson" --time-limit 600
check report "${inputs[@]}" --compare "$city/facilities.geojson" --compare "$city/sites.geojson" --names "$city/names.sqlite" --output "$city/report.html"
echo "memcheck: gaps, site and report: no invalid accesses, no definite leaks"
