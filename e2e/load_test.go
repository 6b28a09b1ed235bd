//go:build load

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The load test: many concurrent MCP clients for a while against
// `ionos-mcp serve --http` and `ionos-mcp sim` with faults on, in separate
// processes. It proves that no write is lost or duplicated, that nothing
// crashes and that memory stays flat, and it prints the figures for
// docs/reliability.md. It is behind the `load` build tag:
//
//	go test -tags load -run TestLoad -v ./e2e/
//
// LOAD_CLIENTS (default 50) and LOAD_DURATION (default 60s) change its size.
func TestLoad(t *testing.T) {
	clients := envInt("LOAD_CLIENTS", 50)
	duration := envDuration("LOAD_DURATION", 60*time.Second)
	const token = "load-test-ionos-token-0123"
	// 50 data centers of 8 servers: every client owns the ENTERPRISE and
	// VCPU servers of one data center and powers them on and off.
	simURL := startSim(t, token, "--generate-datacenters", strconv.Itoa(clients), "--servers-per-datacenter", "8", "--time-scale", "0.01",
		"--latency", "5ms", "--jitter", "4ms",
		"--fault", "kind=status,status=429,retry-after=1,p=0.01,method=GET",
		"--fault", "kind=status,status=503,p=0.01,method=GET",
		"--fault", "kind=drop,p=0.005,method=GET",
		"--fault", "kind=html502,p=0.03,method=POST",
		"--fault", "kind=drop,after=true,p=0.02,method=POST",
		"--fault", "kind=status,status=500,p=0.01,method=POST",
		"--fault", "kind=fail,p=0.03")
	r := startReplica(t, []string{"IONOS_TOKEN=" + token, "IONOS_API_URL=" + simURL, "IONOS_MCP_CONFIRM=none",
		"IONOS_MCP_HTTP_TOKEN=" + endpointToken}, "--rate-limit", "1000", "--max-in-flight", "512")
	pid := serverPID(t)

	owned := ownedServers(t, r.url, clients)
	rec := &recorder{latency: map[string][]time.Duration{}}
	stopMem := make(chan struct{})
	mem := sampleRSS(pid, stopMem)
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec.client(ctx, r.url, owned[i], int64(i))
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopMem)
	samples := <-mem

	// Every write a client was told was accepted exists exactly once on the
	// simulator, and every write the simulator executed was reported to a
	// client: none lost, none duplicated.
	executed := simWrites(t, simURL, token)
	reported := rec.requestIDs()
	if dup := duplicates(executed); len(dup) > 0 {
		t.Errorf("writes executed twice: %v", dup)
	}
	for id := range reported {
		if !slices.Contains(executed, id) {
			t.Errorf("request %s was reported to a client but never executed", id)
		}
	}
	for _, id := range executed {
		if !reported[id] {
			t.Errorf("request %s was executed but no client was told", id)
		}
	}
	if rec.protocolErrors > 0 {
		t.Errorf("%d protocol errors (crashes or broken connections)", rec.protocolErrors)
	}
	if resp, err := http.Get(r.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the server died: %v", err)
	} else {
		resp.Body.Close()
	}
	rec.report(t, elapsed, clients, len(executed), samples)
	if os.Getenv("LOAD_DEBUG") != "" {
		debugSlow(simURL, token, rec.slow)
	}
}

// debugSlow prints what the simulator knows of the slow writes' requests
// and of every write on their servers.
func debugSlow(simURL, token string, slow []string) {
	get := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, simURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	stats := get("/_sim/stats")
	for _, line := range slow[:min(2, len(slow))] {
		i := strings.Index(line, "Request ")
		if i < 0 {
			continue
		}
		id := strings.Fields(line[i+len("Request "):])[0]
		fmt.Println("== slow:", line)
		fmt.Println(get("/cloudapi/v6/requests/" + id + "?depth=2&pretty=false"))
		var st struct {
			Writes []map[string]any `json:"writes"`
		}
		_ = json.Unmarshal([]byte(stats), &st)
		var srv string
		for _, w := range st.Writes {
			if w["requestId"] == id {
				srv, _ = w["serverId"].(string)
			}
		}
		for _, w := range st.Writes {
			if w["serverId"] == srv {
				fmt.Println("  write:", w["at"], w["action"], w["requestId"])
			}
		}
	}
}

// client is one agent: it reads its servers and powers them on and off.
func (rec *recorder) client(ctx context.Context, url string, servers []string, seed int64) {
	tr := &mcp.StreamableClientTransport{Endpoint: url + "/mcp", HTTPClient: &http.Client{Transport: bearer{endpointToken}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "load", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		rec.protocolError(fmt.Errorf("connect: %w", err))
		return
	}
	defer cs.Close()
	rnd := rand.New(rand.NewPCG(uint64(seed), 7))
	for ctx.Err() == nil {
		srv := servers[rnd.IntN(len(servers))]
		var tool string
		var args map[string]any
		switch n := rnd.IntN(10); {
		case n < 3:
			tool, args = "list_servers", map[string]any{"limit": 50}
		case n < 6:
			tool, args = "get_server", map[string]any{"server": srv}
		default:
			tool, args = "start_server", map[string]any{"server": srv, "timeout_seconds": 20}
			if rnd.IntN(2) == 0 {
				tool = "stop_server"
			}
		}
		start := time.Now()
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
		took := time.Since(start)
		if err != nil {
			rec.protocolError(fmt.Errorf("%s: %w", tool, err))
			continue
		}
		rec.call(tool, took, res)
	}
}

type recorder struct {
	mu             sync.Mutex
	latency        map[string][]time.Duration
	calls, errors  int
	protocolErrors int
	ids            []string
	unconfirmed    int
	statuses       map[string]int // status of each write's result
	slow           []string       // writes that ran into their timeout
}

func (rec *recorder) protocolError(err error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.protocolErrors++
	if rec.protocolErrors <= 5 {
		fmt.Println("protocol error:", err)
	}
}

func (rec *recorder) call(tool string, took time.Duration, res *mcp.CallToolResult) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.calls++
	kind := "read"
	if strings.HasSuffix(tool, "_server") && tool != "get_server" {
		kind = "write"
	}
	rec.latency[kind] = append(rec.latency[kind], took)
	if res.IsError {
		rec.errors++
		if strings.Contains(res.Content[0].(*mcp.TextContent).Text, "answer was lost") {
			rec.unconfirmed++
		}
		return
	}
	if out, ok := res.StructuredContent.(map[string]any); ok {
		if id, _ := out["requestId"].(string); id != "" {
			rec.ids = append(rec.ids, id)
		}
		if kind == "write" {
			st, _ := out["status"].(string)
			if rec.statuses == nil {
				rec.statuses = map[string]int{}
			}
			rec.statuses[st]++
			if st == "QUEUED" || st == "RUNNING" || took > 15*time.Second {
				msg, _ := out["message"].(string)
				rec.slow = append(rec.slow, fmt.Sprintf("%s %s after %s: %s", tool, st, took.Round(time.Millisecond), msg))
			}
		}
	}
}

func (rec *recorder) requestIDs() map[string]bool {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	m := map[string]bool{}
	for _, id := range rec.ids {
		m[id] = true
	}
	return m
}

func (rec *recorder) report(t *testing.T, elapsed time.Duration, clients, writes int, rss []int64) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	fmt.Printf("\nload: %d clients for %s against serve --http and sim with faults\n", clients, elapsed.Round(time.Second))
	fmt.Printf("calls: %d (%.1f per second), tool errors %d (of which %d writes whose answer was lost and not found), protocol errors %d\n",
		rec.calls, float64(rec.calls)/elapsed.Seconds(), rec.errors, rec.unconfirmed, rec.protocolErrors)
	fmt.Printf("writes executed by the simulator: %d, reported to clients: %d; write results by status: %v\n", writes, len(rec.ids), rec.statuses)
	for i, s := range rec.slow {
		if i == 5 {
			fmt.Printf("… and %d more slow writes\n", len(rec.slow)-5)
			break
		}
		fmt.Println("slow write:", s)
	}
	for _, kind := range []string{"read", "write"} {
		l := rec.latency[kind]
		slices.Sort(l)
		if len(l) == 0 {
			continue
		}
		fmt.Printf("%-5s calls: %6d  p50 %8s  p99 %8s  max %8s\n", kind, len(l), pct(l, 50), pct(l, 99), l[len(l)-1].Round(time.Millisecond))
	}
	if len(rss) > 0 {
		peak := slices.Max(rss)
		q := max(1, len(rss)/4)
		early, late := avg(rss[q:2*q]), avg(rss[len(rss)-q:])
		fmt.Printf("server RSS: peak %.1f MiB; second quarter avg %.1f MiB, last quarter avg %.1f MiB (%d samples)\n",
			mib(peak), mib(early), mib(late), len(rss))
		if late > early*13/10+8<<20 {
			t.Errorf("memory grew from %.1f to %.1f MiB: not flat", mib(early), mib(late))
		}
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)].Round(time.Millisecond)
}

func avg(v []int64) int64 {
	var s int64
	for _, x := range v {
		s += x
	}
	return s / int64(len(v))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// sampleRSS reads the resident memory of pid every 250 ms until stop.
func sampleRSS(pid int, stop <-chan struct{}) <-chan []int64 {
	out := make(chan []int64, 1)
	go func() {
		var samples []int64
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				out <- samples
				return
			case <-tick.C:
				if rss, ok := readRSS(pid); ok {
					samples = append(samples, rss)
				}
			}
		}
	}()
	return out
}

func readRSS(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, true
		}
	}
	return 0, false
}

// serverPID finds the serve process started by startReplica.
func serverPID(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("pgrep", "-n", "-f", binary+" serve --http").Output()
	if err != nil {
		t.Logf("cannot find the server process for memory sampling: %v", err)
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return pid
}

// ownedServers gives each client the ENTERPRISE and VCPU servers of one
// data center.
func ownedServers(t *testing.T, url string, clients int) [][]string {
	t.Helper()
	tr := &mcp.StreamableClientTransport{Endpoint: url + "/mcp", HTTPClient: &http.Client{Transport: bearer{endpointToken}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "load-setup", Version: "1"}, nil).Connect(context.Background(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	byDC := map[string][]string{}
	var order []string
	for cursor := ""; ; { // every page of the walk
		args := map[string]any{"limit": 1000}
		if cursor != "" {
			args["cursor"] = cursor
		}
		out, msg := call(t, cs, "list_servers", args)
		if msg != "" {
			t.Fatal(msg)
		}
		for _, d := range out["datacenters"].([]any) {
			dc := d.(map[string]any)
			for _, s := range dc["servers"].([]any) {
				m := s.(map[string]any)
				if m["type"] == "CUBE" || m["type"] == "GPU" {
					continue
				}
				id := dc["id"].(string)
				if _, ok := byDC[id]; !ok {
					order = append(order, id)
				}
				byDC[id] = append(byDC[id], m["id"].(string))
			}
		}
		if cursor, _ = out["next"].(string); cursor == "" {
			break
		}
	}
	if len(order) < clients {
		t.Fatalf("%d data centers for %d clients: each client must own its servers", len(order), clients)
	}
	owned := make([][]string, clients)
	for i := range clients {
		owned[i] = byDC[order[i]]
	}
	return owned
}

// simWrites lists the request ids of every write the simulator executed.
func simWrites(t *testing.T, simURL, token string) []string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, simURL+"/_sim/stats", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Writes []struct {
			RequestID string `json:"requestId"`
		} `json:"writes"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(st.Writes))
	for _, w := range st.Writes {
		ids = append(ids, w.RequestID)
	}
	return ids
}

func duplicates(ids []string) []string {
	seen := map[string]bool{}
	var dup []string
	for _, id := range ids {
		if seen[id] {
			dup = append(dup, id)
		}
		seen[id] = true
	}
	return dup
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil && d > 0 {
		return d
	}
	return def
}
