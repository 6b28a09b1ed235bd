// Package e2e drives the built ionos-mcp binary from outside, as MCP
// clients do: `ionos-mcp serve` over stdio, talking to `ionos-mcp sim` in
// another process.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ionos-mcp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ionos-mcp")
	build := exec.Command("go", "build", "-o", binary, "../cmd/ionos-mcp")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ionos-mcp:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// lockedBuffer collects a child's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSim runs `ionos-mcp sim` and returns the URL it prints.
func startSim(t *testing.T, token string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"sim", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "IONOS_TOKEN="+token)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &lockedBuffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := cmd.Wait(); err != nil && ctx.Err() == nil {
			t.Errorf("sim exited: %v", err)
		}
	})
	lines := bufio.NewScanner(out)
	urlCh := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "IONOS_API_URL="); ok {
				urlCh <- u
			}
		}
	}()
	select {
	case u := <-urlCh:
		return u
	case <-time.After(20 * time.Second):
		t.Fatalf("sim printed no URL; stderr: %s", cmd.Stderr)
	}
	return ""
}

func TestServeOverStdioAgainstSimProcess(t *testing.T) {
	const token = "e2e-secret-token-4f1c"
	url := startSim(t, token, "--time-scale", "0.002")
	for _, era := range []string{"2026-07-28", "2025-11-25"} {
		t.Run(era, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			serve := exec.Command(binary, "serve", "--log-level", "debug")
			serve.Env = append(os.Environ(), "IONOS_TOKEN="+token, "IONOS_API_URL="+url+"/", "IONOS_LOG_LEVEL=trace")
			stderr := &lockedBuffer{}
			serve.Stderr = stderr
			client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, &mcp.ClientOptions{
				ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
					return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
				},
			})
			cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: serve}, &mcp.ClientSessionOptions{ProtocolVersion: era})
			if err != nil {
				t.Fatal(err)
			}
			tools, err := cs.ListTools(ctx, nil)
			if err != nil || len(tools.Tools) != 12 {
				t.Fatalf("tools/list: %v, %d tools", err, len(tools.Tools))
			}
			view, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "ui://ionos-mcp/confirm"})
			if err != nil || len(view.Contents) != 1 || view.Contents[0].MIMEType != "text/html;profile=mcp-app" || !strings.Contains(view.Contents[0].Text, "<script>") {
				t.Fatalf("resources/read of the confirmation view: %v %+v", err, view)
			}
			var inv struct {
				Total   int `json:"total"`
				Servers []struct {
					Name, VMState string
				} `json:"servers"`
			}
			callInto(ctx, t, cs, "list_servers", nil, &inv)
			if inv.Total != 13 {
				t.Fatalf("list_servers total %d", inv.Total)
			}
			target := map[string]string{"2026-07-28": "etl-1", "2025-11-25": "jupyter"}[era]
			var stop struct {
				Status, RequestID string
				Server            struct{ VMState string }
			}
			callInto(ctx, t, cs, "stop_server", map[string]any{"server": target}, &stop)
			if stop.Status != "DONE" || stop.RequestID == "" || stop.Server.VMState != "SHUTOFF" {
				t.Fatalf("stop_server = %+v", stop)
			}
			if err := cs.Close(); err != nil {
				t.Logf("close: %v", err)
			}
			if strings.Contains(stderr.String(), token) {
				t.Fatalf("the token appears in serve's stderr")
			}
		})
	}
}

func callInto(ctx context.Context, t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %v", tool, res.Content[0].(*mcp.TextContent).Text)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
