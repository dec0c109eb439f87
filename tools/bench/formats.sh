#!/usr/bin/env bash
# Reading the scale-N sample (default 10) from GeoJSON (Doorstep's own reader), the same GeoJSON
# through GDAL's driver, GeoPackage and Shapefile (GDAL), side by side in one run: `doorstep coverage --timings` reports the time spent
# reading and checking the three layers. Best of 3 runs each.
#   tools/bench/formats.sh [scale]
#   DOORSTEP=path/to/doorstep tools/bench/formats.sh 1    # time that binary; no release build
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
tools/setup.sh
if [[ -n ${DOORSTEP:-} ]]; then
  doorstep=$DOORSTEP
else
  swift build -c release --scratch-path .build-bench >/dev/null
  doorstep=.build-bench/release/doorstep
fi
work=$(mktemp -d /tmp/doorstep-formats-XXXX)
trap 'rm -rf "$work"' EXIT
"$doorstep" sample --scale "$scale" --output "$work/geojson" >/dev/null 2>&1
mkdir -p "$work/shp" "$work/ogr"
for layer in units facilities demand; do
  # The same GeoJSON under a name Doorstep's own reader does not take: read through GDAL's driver.
  cp "$work/geojson/$layer.geojson" "$work/ogr/$layer.geo"
  ogr2ogr -f GPKG "$work/$layer.gpkg" "$work/geojson/$layer.geojson"
  ogr2ogr -lco ENCODING=UTF-8 "$work/shp/$layer.shp" "$work/geojson/$layer.geojson"
done
read_time() {  # units facilities demand → best read time in seconds of 3 runs
  # --timings prints "timings: read 0.865 s, project 0.032 s, …; peak memory 79 MiB" on stderr.
  local times
  times=$(for _ in 1 2 3; do
    "$doorstep" coverage --units "$1" --facilities "$2" --demand "$3" --kind canteen --level district --timings 2>&1 >/dev/null \
      | sed -n 's/^timings: read \([0-9.][0-9.]*\) s[,;].*$/\1/p; s/^timings: read \([0-9.][0-9.]*\) s$/\1/p'
  done | sort -n)
  if [[ -z $times ]]; then
    echo "formats.sh: no \"timings: read N s\" line from $doorstep coverage --timings" >&2
    exit 1
  fi
  head -1 <<<"$times"
}
geojson=$(read_time "$work/geojson/units.geojson" "$work/geojson/facilities.geojson" "$work/geojson/demand.geojson")
ogr=$(read_time "$work/ogr/units.geo" "$work/ogr/facilities.geo" "$work/ogr/demand.geo")
gpkg=$(read_time "$work/units.gpkg" "$work/facilities.gpkg" "$work/demand.gpkg")
shp=$(read_time "$work/shp/units.shp" "$work/shp/facilities.shp" "$work/shp/demand.shp")
points=$(ogrinfo -so -al "$work/demand.gpkg" | sed -n 's/^Feature Count: //p')
echo "scale $scale ($points demand points), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %8s %8s\n' format "read s" "× GeoJSON"
for pair in "GeoJSON $geojson" "GeoJSON(OGR) $ogr" "GeoPackage $gpkg" "Shapefile $shp"; do
  set -- $pair
  printf '%-12s %8s %8.2f\n' "$1" "$2" "$(echo "$2 / $geojson" | bc -l)"
done
