#!/usr/bin/env bash
# Builds one libFuzzer harness with AddressSanitizer and runs it for SECONDS seconds.
#   tools/fuzz/run.sh geojson|csv|names|flags SECONDS [extra libFuzzer flags]
# New corpus entries go to .corpus/NAME (not committed); the seeds in corpus/NAME are only read.
# Crashing inputs are written to artifacts/NAME/ (crash-…, timeout-…, oom-…).
set -euo pipefail
cd "$(dirname "$0")"
name=${1:?usage: run.sh geojson|csv|names|flags SECONDS}
seconds=${2:?usage: run.sh geojson|csv|names|flags SECONDS}
shift 2
case $name in
  geojson) product=FuzzGeoJSON; flags=(-max_len=65536 -timeout=10 -dict=geojson.dict) ;;
  csv) product=FuzzCSV; flags=(-max_len=16384 -timeout=10) ;;
  names) product=FuzzNames; flags=(-max_len=4096 -timeout=5) ;;
  flags) product=FuzzFlags; flags=(-max_len=256 -timeout=10) ;;
  *) echo "run.sh: unknown harness $name (geojson, csv, names, flags)" >&2; exit 2 ;;
esac
swift build -c release --product "$product" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -g >&2
binary=$(swift build -c release --product "$product" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -g --show-bin-path)/$product
mkdir -p ".corpus/$name" "artifacts/$name"
exec "$binary" "${flags[@]}" -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="artifacts/$name/" "$@" ".corpus/$name" "corpus/$name"
