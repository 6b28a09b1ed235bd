// Command table reads the output of the benchmarks of package bench
// (go test -bench, any -count) on stdin and prints the figures of
// BENCHMARKS.md as Markdown tables: the median of each metric over the
// runs, with its target and whether it was met.
//
//	go test -run '^$' -bench . -benchtime 1x -count 3 ./bench | go run ./bench/table
package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
)

// results maps a benchmark (without the -GOMAXPROCS suffix) to its
// metrics, each with the values of every run.
type results map[string]map[string][]float64

func parse(r io.Reader) (results, []string, error) {
	res := results{}
	var header []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, k := range []string{"goos:", "goarch:", "cpu:"} {
			if strings.HasPrefix(line, k) && !slices.Contains(header, line) {
				header = append(header, line)
			}
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if res[name] == nil {
			res[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return res, header, sc.Err()
}

// get returns the median of a metric, and whether it was measured.
func (r results) get(bench, metric string) (float64, bool) {
	v := r[bench][metric]
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// runs is how many runs a metric has.
func (r results) runs(bench, metric string) int { return len(r[bench][metric]) }

// row is one figure: where it comes from, how to print it, its target.
type row struct {
	label, bench, metric string
	format               func(float64) string
	target               string
	met                  func(v float64, r results) bool // nil = no target
}

func msf(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f s", v/1000)
	}
	if v >= 10 {
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}
func count(v float64) string { return fmt.Sprintf("%.0f", v) }
func bytesf(v float64) string {
	return fmt.Sprintf("%.0f B", v)
}
func ratio(v float64) string { return fmt.Sprintf("%.3f", v) }
func times(v float64) string { return fmt.Sprintf("%.1f×", v) }
func mibf(v float64) string  { return fmt.Sprintf("%.1f MiB", v) }

func below(limit float64) func(float64, results) bool {
	return func(v float64, _ results) bool { return v < limit }
}
func atMost(limit float64) func(float64, results) bool {
	return func(v float64, _ results) bool { return v <= limit }
}
func atLeast(limit float64) func(float64, results) bool {
	return func(v float64, _ results) bool { return v >= limit }
}

const (
	inv   = "BenchmarkInventory10k"
	rss   = "BenchmarkInventoryRSS"
	bytes = "BenchmarkListServersBytes"
	tl    = "BenchmarkToolsListBytes"
	ovh   = "BenchmarkToolCallOverhead"
	start = "BenchmarkStartup"
	power = "BenchmarkPowerWait"
)

var figures = []row{
	{"Inventory, 10,000 servers in 500 DCs, 50 ms latency: wall time (list_servers tool call)", inv, "ms", msf, "< 1.5 s", below(1500)},
	{"… API requests", inv, "requests", count, "fewest; ≤ 1 per DC", func(v float64, _ results) bool { return v <= 500 }},
	{"Naive plan, same run: wall time", inv, "naive-ms", msf, "", nil},
	{"… API requests", inv, "naive-requests", count, "", nil},
	{"Speedup over the naive plan (same run)", inv, "speedup", times, "≥ 15×", atLeast(15)},
	{"Peak RSS of `ionos-mcp call list_servers` (own process; sim in another)", rss, "maxrss-MiB", mibf, "< 100 MiB", below(100)},
	{"Peak heap, in process (tools + client + simulator)", inv, "heap-MiB", mibf, "", nil},
	{"Peak runtime memory, in process (tools + client + simulator)", inv, "runtime-MiB", mibf, "", nil},
	{"list_servers structuredContent per server", bytes, "structured-B/server", bytesf, "≤ ¼ raw", nil},
	{"list_servers text content per server", bytes, "text-B/server", bytesf, "≤ ¼ raw", nil},
	{"Raw API server item, depth 1, pretty=false", bytes, "raw-B/server", bytesf, "", nil},
	{"Raw API server item, depth 1, pretty=true (API default)", bytes, "raw-pretty-B/server", bytesf, "", nil},
	{"structuredContent / raw (compact)", bytes, "structured/raw", ratio, "≤ 0.25", atMost(0.25)},
	{"text / raw (compact)", bytes, "text/raw", ratio, "≤ 0.25", atMost(0.25)},
	{"structuredContent / raw (pretty)", bytes, "structured/raw-pretty", ratio, "≤ 0.25", atMost(0.25)},
	{"tools/list, compact JSON, all 9 tools", tl, "bytes", bytesf, "tight", nil},
	{"get_server tool call, in process: p50", ovh, "tool-p50-ms", msf, "", nil},
	{"… p99", ovh, "tool-p99-ms", msf, "", nil},
	{"Bare sdk-go call: p50", ovh, "bare-p50-ms", msf, "", nil},
	{"… p99", ovh, "bare-p99-ms", msf, "", nil},
	{"Overhead of the tool call: p50", ovh, "overhead-p50-ms", msf, "< 1 ms", below(1)},
	{"… p99", ovh, "overhead-p99-ms", msf, "< 1 ms", below(1)},
	{"Process start to initialize answer (stdio): p50", start, "p50-ms", msf, "< 100 ms", below(100)},
	{"… p99", start, "p99-ms", msf, "< 100 ms", below(100)},
}

// powerRows are the figures of the 20-second start, per stage.
func powerRows() []row {
	var rows []row
	for _, st := range []struct{ key, label string }{
		{"cold", "cold (first start of the process; median of 3 trials)"},
		{"warm1", "warm (after 1 start; median of 3 trials)"},
		{"warm2", "warm (after 2 starts; median of 3 trials)"},
	} {
		rows = append(rows,
			row{"20 s start, " + st.label + ": polls (status + server)", power, st.key + "-polls", count, "≤ 15", atMost(15)},
			row{"… DONE on the simulator → the status poll that sees it", power, st.key + "-done-to-seen-ms", msf, "< 300 ms", below(300)},
			row{"… new vmState (DONE + 1 s state lag) → tool returns", power, st.key + "-state-to-return-ms", msf, "< 300 ms", below(300)},
			row{"… DONE → tool returns (includes the simulator's 1 s state lag)", power, st.key + "-done-to-return-ms", msf, "< 1 s lag + 300 ms", below(1300)},
		)
	}
	return rows
}

func printFigures(w io.Writer, r results, rows []row) {
	fmt.Fprintln(w, "| figure | value | runs | target | met |")
	fmt.Fprintln(w, "|---|---:|---:|---|---|")
	for _, f := range rows {
		v, ok := r.get(f.bench, f.metric)
		val, met := "not run", ""
		if ok {
			val = f.format(v)
			if f.met != nil {
				met = "no"
				if f.met(v, r) {
					met = "yes"
				}
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s |\n", f.label, val, r.runs(f.bench, f.metric), f.target, met)
	}
}

// printShapes prints the plans side by side for every account shape.
func printShapes(w io.Writer, r results) {
	const prefix = "BenchmarkInventoryShapes/"
	var shapes []string
	plans := []string{"deep", "fanout-8", "fanout-32", "naive"}
	names := slices.Sorted(maps.Keys(r))
	for _, name := range names {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			shape, _, _ := strings.Cut(rest, "/")
			if !slices.Contains(shapes, shape) {
				shapes = append(shapes, shape)
			}
		}
	}
	if len(shapes) == 0 {
		return
	}
	slices.SortStableFunc(shapes, func(a, b string) int { return servers(a) - servers(b) })
	fmt.Fprintln(w, "\nInventory plans by account shape (DCs × servers each), 50 ms latency: median wall time / API requests")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| shape | %s |\n", strings.Join(plans, " | "))
	fmt.Fprintf(w, "|---|%s\n", strings.Repeat("---:|", len(plans)))
	for _, sh := range shapes {
		cells := []string{}
		for _, p := range plans {
			d, ok := r.get(prefix+sh+"/"+p, "ms")
			n, _ := r.get(prefix+sh+"/"+p, "requests")
			if !ok {
				cells = append(cells, "–")
				continue
			}
			cells = append(cells, fmt.Sprintf("%s / %.0f", msf(d), n))
		}
		fmt.Fprintf(w, "| %s | %s |\n", sh, strings.Join(cells, " | "))
	}
	var rl []string
	for _, p := range []string{"deep", "fanout-8"} {
		b := "BenchmarkInventoryRateLimited/" + p
		if d, ok := r.get(b, "ms"); ok {
			n, _ := r.get(b, "requests")
			rl = append(rl, fmt.Sprintf("%s %s / %.0f", p, msf(d), n))
		}
	}
	if len(rl) > 0 {
		fmt.Fprintf(w, "\n100×20 under the API's nominal rate limit (600/min, burst 50), 50 ms latency: %s\n", strings.Join(rl, "; "))
	}
}

func servers(shape string) int {
	a, b, _ := strings.Cut(shape, "x")
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x * y
}

func main() {
	r, header, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	w := os.Stdout
	for _, h := range header {
		fmt.Fprintln(w, h)
	}
	fmt.Fprintln(w)
	printFigures(w, r, append(slices.Clone(figures), powerRows()...))
	printShapes(w, r)
}
