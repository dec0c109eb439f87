#!/usr/bin/env bash
# Runs `doorstep gaps --level all` on a small generated city under valgrind's memcheck and fails on
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
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite -q \
  "$bin" gaps --level all --units "$city/units.geojson" --facilities "$city/facilities.geojson" \
  --demand "$city/demand.geojson" --output "$city/gaps.geojson"
echo "memcheck: no invalid accesses, no definite leaks"
