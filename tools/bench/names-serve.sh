#!/usr/bin/env bash
# Benchmark of the place-name registry over HTTP (`doorstep serve --names DB`) with wrk on loopback.
#
#   tools/bench/names-serve.sh [COUNT] [SECONDS]     (default: 100000 names, 10 s per run)
#   SCRATCH_PATH=.build-x tools/bench/names-serve.sh    (build in another scratch folder; default .build-bench)
#   DOORSTEP=path/to/doorstep tools/bench/names-serve.sh (measure this binary, no build)
#
# Imports COUNT synthetic in-use names (tools/bench/names_csv.py), issues an editor token, starts
# `doorstep serve --names DB` on a free loopback port and measures, at 1 and 32 connections:
#   GET /api/names/check?name=…&type=road&district=330106   (rotating over existing and new names)
#   GET /api/names/search?q=…                                (rotating over pinyin and character queries)
# then proposals from 8 writers (wrk -c8 -t2): every request POSTs /api/names with a new all-Chinese
# name (a 天干/地支 character per thread and run, a counter in Chinese numerals, 路). Proposals per
# second are the records that landed (counted in the registry with sqlite3, or `doorstep names search`
# without it) divided by the run's seconds. The load average is printed before each run.
# Outputs go to bench-out/names-serve/.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
seconds=${2:-10}
out=bench-out/names-serve
scratch=${SCRATCH_PATH:-.build-bench}
mkdir -p "$out"

tools/setup.sh
doorstep=${DOORSTEP:-}
if [[ -z $doorstep ]]; then
  swift build -c release --product doorstep --scratch-path "$scratch" >/dev/null
  doorstep=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/doorstep
fi

db=$out/names.sqlite
python3 tools/bench/names_csv.py "$count" "$out/names.csv"
rm -f "$db" "$db"-* "$db".*
"$doorstep" names import "$out/names.csv" --db "$db" >/dev/null 2>"$out/import.log"
token=$("$doorstep" serve tokens add bench-writer --names "$db" --role editor 2>/dev/null)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$doorstep" serve --names "$db" --listen 127.0.0.1:$port 2>"$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "$base/conformance" >/dev/null && break; sleep 0.5; done
curl -sf "$base/conformance" >/dev/null || { echo "no answer from $base/conformance (see $out/serve.log)" >&2; exit 1; }

# Rotating GET scripts: check (names already in the city, so rejected as duplicates, and new ones) and
# search (characters and pinyin, whole and partial).
python3 - "$out" <<'EOF'
import sys, urllib.parse
out = sys.argv[1]
checks = ["清湖一一路", "云栖路", "望江二三巷", "文三路", "翠苑四五社区", "梅坞七八路", "松林五五路", "新华九九路"]
searches = ["清湖", "qinghu", "云栖", "yunqi", "望江二", "wangjiang", "翠苑", "cuiyuan"]
def script(paths):
    listed = ",\n  ".join(f'"{p}"' for p in paths)
    return f"local paths = {{\n  {listed}\n}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
q = urllib.parse.quote
open(f"{out}/check.lua", "w").write(script([f"/api/names/check?name={q(n)}&type=road&district=330106" for n in checks]))
open(f"{out}/search.lua", "w").write(script([f"/api/names/search?q={q(s)}" for s in searches]))
EOF
cat >"$out/propose.lua" <<EOF
-- Every request proposes a new name: PREFIX + a counter in Chinese numerals (bijective base 9,
-- 一…九, no zero) + 路; PREFIX is one character per (run, thread), the run given after --.
local prefixes = {"甲", "丙", "丁", "庚", "寅", "卯", "辰", "酉", "亥", "壬", "癸", "戌"}
local digits = {"一", "二", "三", "四", "五", "六", "七", "八", "九"}
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  local run = tonumber(args[1] or "1")
  prefix = prefixes[(run - 1) * 4 + id]
  n = 0
end
local function chinese(k)
  local s = ""
  while k > 0 do
    local d = (k - 1) % 9
    s = digits[d + 1] .. s
    k = math.floor((k - 1) / 9)
  end
  return s
end
function request()
  n = n + 1
  local body = '{"name":"' .. prefix .. chinese(n) .. '路","type":"road","district":"330106","reason":"压力测试"}'
  return wrk.format("POST", "/api/names", headers, body)
end
EOF

proposed() {  # records proposed so far
  if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$db" "SELECT count(*) FROM place WHERE status = 'proposed'"
  else
    "$doorstep" names export --db "$db" --status proposed --format csv 2>/dev/null | tail -n +2 | wc -l
  fi
}

# One row of the table from wrk's output: label, connections, file.
row() { python3 tools/bench/wrk_row.py "$@"; }

rows=()
loads=()
run() {  # label, name, connections, lua script
  local threads=$(( $3 < 2 ? 1 : 2 ))
  wrk -t1 -c1 -d1s -s "$4" "$base" >/dev/null 2>&1 || true  # warm-up
  loads+=("$1, $3 connections: $(cut -d' ' -f1-3 /proc/loadavg)")
  wrk -t$threads -c"$3" -d"${seconds}s" --latency -s "$4" "$base" >"$out/wrk-$2-c$3.txt" 2>&1
  rows+=("$(row "$1" "$3" "$out/wrk-$2-c$3.txt")")
}
for c in 1 32; do
  run '`GET /api/names/check`' check $c "$out/check.lua"
  run '`GET /api/names/search`' search $c "$out/search.lua"
done

# Proposals: a 1 s warm-up (run 1), then the measured run (run 2) with 8 writers.
wrk -t1 -c1 -d1s -s "$out/propose.lua" "$base" -- 1 >/dev/null 2>&1 || true
before=$(proposed)
loads+=("\`POST /api/names\`, 8 connections: $(cut -d' ' -f1-3 /proc/loadavg)")
wrk -t2 -c8 -d"${seconds}s" --latency -s "$out/propose.lua" "$base" -- 2 >"$out/wrk-propose-c8.txt" 2>&1
sleep 1  # let the requests in flight when wrk stopped finish
landed=$(( $(proposed) - before ))
rows+=("$(row '`POST /api/names` (propose)' 8 "$out/wrk-propose-c8.txt")")

{
  echo "$count names, $(nproc) cores, $seconds s per run ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "| endpoint | connections | requests/s | p50 ms | p99 ms |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "proposals landed: $landed in $seconds s = $(python3 -c "print(f'{$landed / $seconds:,.0f}')") /s from 8 writers"
  echo
  echo "load average (1, 5, 15 min) before each run:"
  printf -- '- %s\n' "${loads[@]}"
} | tee "$out/results.md"
