#!/usr/bin/env bash
# Installs what Doorstep needs on Debian/Ubuntu when it is missing: GEOS, PROJ and SQLite (with pkg-config
# files) to build, GDAL (library, and ogrinfo/ogr2ogr for the tests that check our files with a real client),
# osmium for the OpenStreetMap test fixture.
# Idempotent and quiet when everything is there. Needs root or sudo only when it installs.
set -euo pipefail

packages=()
pkg-config --exists geos 2>/dev/null || packages+=(libgeos-dev)
pkg-config --exists proj 2>/dev/null || packages+=(libproj-dev proj-data)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
pkg-config --exists sqlite3 2>/dev/null || packages+=(libsqlite3-dev)
pkg-config --exists cbc 2>/dev/null || packages+=(coinor-libcbc-dev)
pkg-config --exists gdal 2>/dev/null || packages+=(libgdal-dev)
command -v ogrinfo >/dev/null 2>&1 || packages+=(gdal-bin)
# osmium writes the .osm.pbf test fixture (GDAL reads PBF but cannot write it).
command -v osmium >/dev/null 2>&1 || packages+=(osmium-tool)
# doorstep serve: Leaflet is copied into the package (this is its source); wrk for tools/bench/serve.sh;
# Chromium for the map page's test.
[[ -f /usr/share/javascript/leaflet/leaflet.js ]] || packages+=(libjs-leaflet)
command -v wrk >/dev/null 2>&1 || packages+=(wrk)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)

if ((${#packages[@]})); then
  echo "setup: installing ${packages[*]}" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH (Swift 6 is needed: https://www.swift.org/install/linux/)" >&2
  exit 1
fi
