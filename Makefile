.PHONY: bench

# The benchmarks of BENCHMARKS.md, printed as a table (about 10 minutes).
bench:
	scripts/bench.sh
