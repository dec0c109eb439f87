#!/usr/bin/env bash
# Benchmark of `doorstep serve` with wrk on loopback, side by side with pygeoapi serving the same gap list.
#
#   tools/bench/serve.sh [SCALE] [SECONDS]     (default: scale 10, 10 s per run)
#   SCRATCH_PATH=.build-serve tools/bench/serve.sh   (build in another scratch folder)
#   DOORSTEP=path/to/doorstep tools/bench/serve.sh    (measure this binary, no build)
#
# Requests per second and p50/p99 latency at 1 and 32 connections for:
#   doorstep  GET /collections/coverage-canteen/items?limit=100
#   doorstep  GET /collections/gaps-canteen/items?limit=100
#   pygeoapi  GET /collections/gaps-canteen/items?limit=100&f=json   (the same gap list, from a GeoJSON file;
#             gunicorn with one worker per core)
#   doorstep  POST /api/scenarios with one proposed canteen
# Only loopback is used; every run is bounded by SECONDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
seconds=${2:-10}
out=bench-out/serve
sample=bench-out/scale-$scale/sample
scratch=${SCRATCH_PATH:-.build}
mkdir -p "$out"

tools/setup.sh
python3 -c 'import pygeoapi, gunicorn' 2>/dev/null || pip install -q pygeoapi gunicorn
doorstep=${DOORSTEP:-}
if [[ -z $doorstep ]]; then
  swift build -c release --product doorstep --scratch-path "$scratch" >/dev/null
  doorstep=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/doorstep
fi

[[ -f $sample/demand.geojson ]] || "$doorstep" sample --output "$sample" --scale "$scale"
inputs=(--units "$sample/units.geojson" --facilities "$sample/facilities.geojson" --demand "$sample/demand.geojson" --kind canteen)
"$doorstep" gaps "${inputs[@]}" --output "$out/gaps-canteen.geojson"

port=18080 peer_port=18081
"$doorstep" serve "${inputs[@]}" --listen 127.0.0.1:$port 2>"$out/serve.log" &
server=$!
cat >"$out/pygeoapi.yml" <<EOF
server:
  bind: {host: 127.0.0.1, port: $peer_port}
  url: http://127.0.0.1:$peer_port
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {default_items: 100, max_items: 10000}
  map: {url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: 'OSM'}
logging: {level: ERROR}
metadata:
  identification: {title: gaps, description: gaps, keywords: [gaps], keywords_type: theme, terms_of_service: none, url: 'http://localhost'}
  license: {name: none, url: 'http://localhost'}
  provider: {name: none, url: 'http://localhost'}
  contact: {name: none}
resources:
  gaps-canteen:
    type: collection
    title: gaps-canteen
    description: the canteen gap list
    keywords: [gaps]
    extents:
      spatial: {bbox: [-180, -90, 180, 90], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}
    providers:
      - type: feature
        name: GeoJSON
        data: $PWD/$out/gaps-canteen.geojson
        id_field: rank
EOF
export PYGEOAPI_CONFIG=$PWD/$out/pygeoapi.yml PYGEOAPI_OPENAPI=$PWD/$out/pygeoapi-openapi.yml
pygeoapi openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI" >/dev/null 2>&1
gunicorn --workers "$(nproc)" --bind 127.0.0.1:$peer_port --log-level error pygeoapi.flask_app:APP 2>"$out/pygeoapi.log" &
peer=$!
trap 'kill $server $peer 2>/dev/null || true' EXIT

wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }
wait_for http://127.0.0.1:$port/conformance
wait_for "http://127.0.0.1:$peer_port/collections/gaps-canteen/items?limit=1&f=json"

# One proposed canteen in the middle of the largest uncovered area.
point=$(python3 - "$out/gaps-canteen.geojson" <<'EOF'
import json, sys
features = [f for f in json.load(open(sys.argv[1]))["features"] if f["properties"]["gap"] == "area"]
ring = features[0]["geometry"]["coordinates"][0][0]
xs, ys = [c[0] for c in ring], [c[1] for c in ring]
print(f"[{(min(xs) + max(xs)) / 2}, {(min(ys) + max(ys)) / 2}]")
EOF
)
cat >"$out/scenario.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"canteen","level":"street","facilities":{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":$point}}]}}'
EOF
curl -sf -X POST -H 'Content-Type: application/json' --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$out/scenario.lua")" \
  http://127.0.0.1:$port/api/scenarios >"$out/scenario.json"
features=$(grep -c '"type":"Feature"' "$out/gaps-canteen.geojson" || true)
echo "scale $scale, $(nproc) cores, $seconds s per run; gap list of $features features; scenario at $point: newly covered $(python3 -c "import json;print(json.load(open('$out/scenario.json'))['newly_covered'])")"

run() {  # label, connections, url, [lua script]
  local threads=$(( $2 < 2 ? 1 : 2 )) script=()
  [[ -n ${4:-} ]] && script=(-s "$4")
  # Warm up, then measure.
  wrk -t1 -c1 -d1s "${script[@]}" "$3" >/dev/null 2>&1 || true
  wrk -t$threads -c"$2" -d"${seconds}s" --latency "${script[@]}" "$3" >"$out/wrk.txt" 2>&1
  python3 tools/bench/wrk_row.py "$1" "$2" "$out/wrk.txt"
}

echo
echo "| request | connections | requests/s | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: |"
for c in 1 32; do
  run "doorstep coverage-canteen items, limit 100" $c "http://127.0.0.1:$port/collections/coverage-canteen/items?limit=100"
  run "doorstep gaps-canteen items, limit 100" $c "http://127.0.0.1:$port/collections/gaps-canteen/items?limit=100"
  run "pygeoapi gaps-canteen items, limit 100" $c "http://127.0.0.1:$peer_port/collections/gaps-canteen/items?limit=100&f=json"
  run "doorstep POST /api/scenarios, one canteen" $c "http://127.0.0.1:$port/api/scenarios" "$out/scenario.lua"
done
