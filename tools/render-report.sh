#!/usr/bin/env bash
# Renders reports in headless Chromium to PNG and PDF, to look at them:
#   the sample city (Chinese, with a scenario of 8 proposed canteens), the same in English, the
#   sample at --scale 10 (240 streets), and the real Hangzhou districts (GCJ-02).
#
#   tools/render-report.sh            → bench-out/report/*.html, *.png, *.pdf
#
# Needs Debian's chromium (and fonts-noto-cjk for the Chinese labels); installs them when root.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out/report
mkdir -p "$out"
tools/setup.sh
if ! command -v chromium >/dev/null; then
  [[ $(id -u) -eq 0 ]] || { echo "render-report: install chromium and fonts-noto-cjk" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
swift build -c release --product doorstep >/dev/null
doorstep=$(swift build -c release --show-bin-path)/doorstep

"$doorstep" site --kind canteen --add 8 --output "$out/sites.geojson" >/dev/null
"$doorstep" report --kind canteen --compare geodata/sample/facilities.geojson --compare "$out/sites.geojson" --tables "$out/tables" --output "$out/sample-zh.html"
"$doorstep" report --lang en --output "$out/sample-en.html"
[[ -f bench-out/scale-10/sample/demand.geojson ]] || "$doorstep" sample --scale 10 --output bench-out/scale-10/sample
s=bench-out/scale-10/sample
"$doorstep" report --units $s/units.geojson --facilities $s/facilities.geojson --demand $s/demand.geojson --kind canteen --output "$out/scale10.html"
h=../shared/geodata/hangzhou
if [[ -d $h ]]; then
  printf 'name,kind,经度,纬度\n文三路老年食堂,canteen,120.1301,30.2802\n市民中心食堂,canteen,120.2118,30.2449\n' > "$out/hz-canteens.csv"
  "$doorstep" report --units $h/districts-2021-gcj02.geojson --units-crs gcj02 --code-field adcode --level district \
    --facilities "$out/hz-canteens.csv" --facilities-crs gcj02 --demand $h/town-points-gcj02.geojson --demand-crs gcj02 \
    --output "$out/hangzhou.html"
fi
for html in "$out"/*.html; do
  base=${html%.html}
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,4000 --screenshot="$base.png" "file://$PWD/$html" 2>/dev/null
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$base.pdf" "file://$PWD/$html" 2>/dev/null
  echo "$html: $(du -h "$html" | cut -f1) HTML, $(du -h "$base.pdf" | cut -f1) PDF"
done
