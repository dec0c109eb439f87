#!/usr/bin/env python3
"""One Markdown table row from wrk's --latency output: label | connections | requests/s | p50 ms | p99 ms.

    python3 tools/bench/wrk_row.py LABEL CONNECTIONS WRK-OUTPUT-FILE

Shared by tools/bench/serve.sh and tools/bench/names-serve.sh; a run with non-2xx answers says how many.
"""
import re
import sys

label, connections, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()


def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"| {label} | {connections} | {float(rps):,.0f} | {p50:.1f} | {p99:.1f} |" + (f" {errors.group(1)} non-2xx" if errors else ""))
