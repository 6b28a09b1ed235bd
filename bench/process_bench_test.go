package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// ionosMCP builds the program once per test binary run.
func ionosMCP(b *testing.B) string {
	b.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ionos-mcp-bench-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "ionos-mcp")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/ionos-mcp/ionos-mcp/cmd/ionos-mcp").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return binary
}

// startupRuns is the number of process starts per op.
const startupRuns = 60

// BenchmarkStartup is the time from starting the built binary (`serve`,
// MCP over stdio) to the answer of initialize on its stdout: p50 and p99
// over startupRuns starts.
func BenchmarkStartup(b *testing.B) {
	bin := ionosMCP(b)
	s := startSim(b, 1, 1, 0)
	env := append(os.Environ(), "IONOS_TOKEN="+s.Token(), "IONOS_API_URL="+s.URL, "IONOS_MCP_LOG_LEVEL=error")
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"
	var times []time.Duration
	for b.Loop() {
		times = times[:0]
		for range startupRuns {
			times = append(times, startOnce(b, bin, env, init))
		}
	}
	b.ReportMetric(ms(quantile(times, 0.5)), "p50-ms")
	b.ReportMetric(ms(quantile(times, 0.99)), "p99-ms")
}

func startOnce(b *testing.B, bin string, env []string, init string) time.Duration {
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	if _, err := io.WriteString(stdin, init); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	d := time.Since(start)
	stdin.Close() // end of input: the server exits
	if err != nil || !bytes.Contains(line, []byte(`"id":1`)) || !bytes.Contains(line, []byte(`"result"`)) {
		b.Fatalf("initialize: %q, %v", line, err)
	}
	_ = cmd.Wait()
	return d
}

// BenchmarkInventoryRSS is the peak resident memory of the server process
// while an agent walks every page of list_servers on the 10,000-server
// account: the built binary runs `serve` (MCP over stdio, driven by an MCP
// client in this process) against `ionos-mcp sim` with the realistic cost
// model in another process. Max RSS is the kernel's high-water mark of the
// server process's resident memory (VmHWM in /proc/PID/status, read every
// 2 ms), so it counts everything the process touched: runtime, binary,
// buffers, the walk's snapshot. (Not ru_maxrss from wait4: a child started
// by a Go program inherits the parent's high-water mark across exec.)
func BenchmarkInventoryRSS(b *testing.B) {
	bin := ionosMCP(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := append([]string{"sim", "--addr", "127.0.0.1:0", "--token", "bench",
		"--generate-datacenters", "500", "--servers-per-datacenter", "20", "--log-level", "error"}, costModels[0].simFlags()...)
	simCmd := exec.CommandContext(ctx, bin, args...)
	out, err := simCmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := simCmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); _ = simCmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "IONOS_API_URL=")
	if err != nil || !ok {
		b.Fatalf("sim: %q, %v", line, err)
	}
	var rss float64
	var w walk
	for b.Loop() {
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), "IONOS_TOKEN=bench", "IONOS_API_URL="+url, "IONOS_MCP_LOG_LEVEL=error")
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			b.Fatalf("serve: %v", err)
		}
		hwm := watchHWM(cmd.Process.Pid)
		w = walkServers(b, cs, nil)
		rss = float64(hwm()) / 1024
		_ = cs.Close()
		if w.serverList != 10000 || len(w.servers) != 10000 {
			b.Fatalf("the walk listed %d servers (%d distinct)", w.serverList, len(w.servers))
		}
	}
	b.ReportMetric(rss, "maxrss-MiB")
	b.ReportMetric(ms(w.first), "first-page-ms")
	b.ReportMetric(ms(w.took), "walk-ms")
}

// watchHWM reads the VmHWM of a process every 2 ms until the returned
// function is called (after the process ended), which returns the highest
// value read, in KiB.
func watchHWM(pid int) func() int {
	var (
		mu   sync.Mutex
		high int
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(done)
		for {
			if b, err := os.ReadFile(path); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						var kb int
						if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb); err == nil {
							mu.Lock()
							high = max(high, kb)
							mu.Unlock()
						}
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() int {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return high
	}
}
