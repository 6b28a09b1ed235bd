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
	walk  = "BenchmarkInventoryWalk/"
	vs    = "BenchmarkInventoryVsNaive/"
	hang  = "BenchmarkInventoryDeepHangs"
	small = "BenchmarkInventory500"
	rss   = "BenchmarkInventoryRSS"
	bytes = "BenchmarkListServersBytes"
	tl    = "BenchmarkToolsListBytes"
	ovh   = "BenchmarkToolCallOverhead"
	start = "BenchmarkStartup"
	power = "BenchmarkPowerWait"
	set   = "BenchmarkSetStop200"
)

// models are the cost models of the inventory benchmarks (bench/walk_test.go).
var models = []string{"realistic", "slow", "fast"}

// walkRows are the figures of walking every page of list_servers on the
// 10,000-server account under one cost model.
func walkRows(m string) []row {
	tag := " (" + m + ")"
	return []row{
		{"Walk of every list_servers page, 10,000 servers in 500 DCs" + tag + ": wall time", walk + m, "walk-ms", msf, "", nil},
		{"… first page", walk + m, "first-page-ms", msf, "< 3 s", below(3000)},
		{"… tool calls", walk + m, "tool-calls", count, "≤ 25", atMost(25)},
		{"… API requests", walk + m, "requests", count, "", nil},
		{"… API MB", walk + m, "api-MB", func(v float64) string { return fmt.Sprintf("%.1f MB", v) }, "", nil},
		{"… API bytes / listing every DC's servers once at depth 1", walk + m, "bytes/depth1", ratio, "≤ 3", atMost(3)},
		{"… text content per server", walk + m, "text-B/server", bytesf, "≤ 110 B", atMost(110)},
		{"Naive agent plan, same run" + tag + ": wall time", vs + m, "naive-ms", msf, "", nil},
		{"… tool calls", vs + m, "naive-tool-calls", count, "", nil},
		{"… API requests", vs + m, "naive-requests", count, "", nil},
		{"Speedup of the walk over the naive plan, same run" + tag, vs + m, "speedup", times, "≥ 10×", atLeast(10)},
	}
}

var figures = []row{
	{"Every deep request hangs (realistic): first page", hang, "first-page-ms", msf, "within the 60 s deadline", below(60000)},
	{"… whole walk, complete", hang, "walk-ms", msf, "", nil},
	{"… API requests", hang, "requests", count, "", nil},
	{"500 servers in 25 DCs (realistic): tool calls for the inventory", small, "tool-calls", count, "1", atMost(1)},
	{"… wall time", small, "ms", msf, "", nil},
	{"Peak RSS of `ionos-mcp serve` over the whole walk (realistic; sim in another process)", rss, "maxrss-MiB", mibf, "< 100 MiB", below(100)},
	{"… first page, over stdio", rss, "first-page-ms", msf, "", nil},
	{"… whole walk", rss, "walk-ms", msf, "", nil},
	{"list_servers structuredContent per server (a later page)", bytes, "structured-B/server", bytesf, "", nil},
	{"list_servers text content per server (a later page)", bytes, "text-B/server", bytesf, "≤ 110 B", atMost(110)},
	{"Raw API server item, depth 1, pretty=false", bytes, "raw-B/server", bytesf, "", nil},
	{"Raw API server item, depth 1, pretty=true (API default)", bytes, "raw-pretty-B/server", bytesf, "", nil},
	{"structuredContent / raw (compact)", bytes, "structured/raw", ratio, "", nil},
	{"text / raw (compact)", bytes, "text/raw", ratio, "", nil},
	{"tools/list, compact JSON, all 12 tools", tl, "bytes", bytesf, "tight", nil},
	{"get_server tool call, in process: p50", ovh, "tool-p50-ms", msf, "", nil},
	{"… p99", ovh, "tool-p99-ms", msf, "", nil},
	{"Bare sdk-go call: p50", ovh, "bare-p50-ms", msf, "", nil},
	{"… p99", ovh, "bare-p99-ms", msf, "", nil},
	{"Overhead of the tool call: p50", ovh, "overhead-p50-ms", msf, "< 1 ms", below(1)},
	{"… p99", ovh, "overhead-p99-ms", msf, "< 1 ms", below(1)},
	{"Process start to initialize answer (stdio): p50", start, "p50-ms", msf, "< 100 ms", below(100)},
	{"… p99", start, "p99-ms", msf, "< 100 ms", below(100)},
	{"Stop 200 servers: one power_servers call, one decision (API limit 600/min, burst 50; default timing): wall time", set, "s/set", func(v float64) string { return fmt.Sprintf("%.1f s", v) }, "", nil},
	{"… API requests (plan, check, writes, wait)", set, "api-requests", count, "", nil},
	{"… of which writes", set, "api-writes", count, "200, each once", atMost(200)},
	{"… 429s answered by the API", set, "api-429s", count, "0", atMost(0)},
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
	plans := []string{"auto", "auto-warm", "deep", "per-dc-8", "per-dc-32"}
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
	fmt.Fprintln(w, "\nInventory plans by account shape (DCs × servers each), realistic latency and cost per MB, no rate limit: median wall time / API requests / API MB")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| shape | %s |\n", strings.Join(plans, " | "))
	fmt.Fprintf(w, "|---|%s\n", strings.Repeat("---:|", len(plans)))
	for _, sh := range shapes {
		cells := []string{}
		for _, p := range plans {
			d, ok := r.get(prefix+sh+"/"+p, "ms")
			n, _ := r.get(prefix+sh+"/"+p, "requests")
			mb, _ := r.get(prefix+sh+"/"+p, "api-MB")
			if !ok {
				cells = append(cells, "–")
				continue
			}
			cells = append(cells, fmt.Sprintf("%s / %.0f / %.1f", msf(d), n, mb))
		}
		fmt.Fprintf(w, "| %s | %s |\n", sh, strings.Join(cells, " | "))
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
	var rows []row
	for _, m := range models {
		rows = append(rows, walkRows(m)...)
	}
	rows = append(append(rows, figures...), powerRows()...)
	printFigures(w, r, rows)
	printShapes(w, r)
}
