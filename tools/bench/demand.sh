#!/usr/bin/env bash
# Benchmark of demand from counts (issue 10, item 5, "Speed"): 5,000 community polygons with counts
# placed as demand points on a 50 m grid, target under 2 s.
#
#   tools/bench/demand.sh
#
# The polygons are the first 5,000 community units of the sample city at scale 24 (96 districts × 54
# communities of ~0.64 km², generated in-process as `doorstep sample --scale 24` writes them), with
# seeded counts of 0–1,500. The test "Benchmark" in Tests/DoorstepTests/DemandPlacementTests.swift
# times DemandPlacement.place alone (generating the city is not timed), three runs, and prints the best
# and the summary; it runs only when DOORSTEP_BENCH_DEMAND is set. A release build of the tests needs
# -enable-testing because some test files use @testable import.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup.sh >/dev/null
DOORSTEP_BENCH_DEMAND=1 swift test -c release -Xswiftc -enable-testing --scratch-path .build-demand-release \
  --filter 'DemandPlacementTests.Benchmark' 2>&1 | grep -E 'demand placement:|✔|✘|error:'
