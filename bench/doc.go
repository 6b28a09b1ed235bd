// Package bench holds the benchmarks of ionos-mcp that span packages and
// processes: the inventory against the naive plan, output sizes, the
// overhead of a tool call, start-up time, peak memory and the waits of
// power actions. Run them all, and print the table of BENCHMARKS.md, with
// `make bench` (scripts/bench.sh); package table formats the results.
package bench
