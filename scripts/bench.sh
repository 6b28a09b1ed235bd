#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md and prints their table.
#
#   scripts/bench.sh            # or: make bench
#   COUNT=5 scripts/bench.sh    # more runs per figure (medians are printed)
#   RAW=bench.txt scripts/bench.sh   # keep the raw go test output
#
# About 10 minutes on 2 cores: the walks of the 10,000-server account, the
# plans by shape, memory, bytes, overhead and start-up run COUNT times; the
# comparison with the naive agent plan (~4 minutes: the naive plan takes
# 505 tool calls under each cost model) and the walk with hanging deep
# requests run once, and so do the power-action waits, as three parallel
# trials in real time (~70 s), and the 200-server stop (~30 s). Run it on a quiet machine: other load skews
# every figure.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${COUNT:-3}
raw=${RAW:-$(mktemp -t ionos-mcp-bench.XXXXXX)}

if pgrep -f -- '-fuzz' >/dev/null 2>&1; then
	echo "warning: a fuzzing job is running; the figures will be skewed" >&2
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
echo "machine: ${cpu:-unknown CPU}, $(nproc) cores, $(go version | cut -d' ' -f3-)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "raw output: $raw"
echo

go test -run '^$' -bench 'InventoryWalk|Inventory500|InventoryShapes|InventoryRSS|Bytes|ToolCall|Startup' -benchtime 1x -count "$count" -timeout 30m ./bench >"$raw"
go test -run '^$' -bench 'InventoryVsNaive|InventoryDeepHangs|PowerWait|SetStop200' -benchtime 1x -count 1 -timeout 30m ./bench >>"$raw"

go run ./bench/table <"$raw"

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
if pgrep -f -- '-fuzz' >/dev/null 2>&1; then
	echo "warning: a fuzzing job was running at the end; the figures may be skewed" >&2
fi
