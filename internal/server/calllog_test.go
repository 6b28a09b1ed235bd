package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// logSink is a log sink that the API calls of a tool may write to
// while the test reads it.
type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines decodes a JSON log into one map per line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// inProcess connects an in-memory MCP session to a server built from cfg,
// logging at debug level as JSON into the returned buffer.
func inProcess(t *testing.T, cfg config.Config) (*mcp.ClientSession, *logSink) {
	t.Helper()
	buf := &logSink{}
	cfg.LogLevel = slog.LevelDebug
	srv, err := New(Options{Config: cfg, Version: "test", Poll: cloud.Poll{First: time.Millisecond, Max: 5 * time.Millisecond},
		Logger: slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "log-test", Version: "1"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); _ = ss.Wait() })
	return cs, buf
}

// At debug level each tool call is one line with the tool, its duration
// and its outcome, beside the lines of its API requests; the token shows
// nowhere.
func TestDebugLogOneLinePerToolCall(t *testing.T) {
	const token = "call-log-token-7f3e"
	s, err := sim.Start(sim.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cs, buf := inProcess(t, config.Config{Token: token, APIURL: s.URL})
	ctx := context.Background()
	calls := []struct {
		tool    string
		args    map[string]any
		outcome string
	}{
		{"list_datacenters", map[string]any{}, "ok"},
		{"get_server", map[string]any{"server": "no-such-server"}, "tool error"},
		{"no_such_tool", map[string]any{}, "protocol error"},
	}
	for _, c := range calls {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
		if (err != nil) != (c.outcome == "protocol error") || err == nil && res.IsError != (c.outcome == "tool error") {
			t.Fatalf("%s = %+v, %v; want a call that ends in %s", c.tool, res, err, c.outcome)
		}
	}

	var got []map[string]any
	apiRequests := 0
	for _, l := range logLines(t, buf.String()) {
		switch l["msg"] {
		case "tool call":
			got = append(got, l)
		case "api request":
			apiRequests++
		}
	}
	if len(got) != len(calls) {
		t.Fatalf("%d tool call lines for %d calls:\n%s", len(got), len(calls), buf)
	}
	for i, c := range calls {
		if _, timed := got[i]["duration"].(float64); got[i]["tool"] != c.tool || got[i]["outcome"] != c.outcome || !timed {
			t.Errorf("line %d = %v, want tool %s, outcome %s and a duration", i, got[i], c.tool, c.outcome)
		}
	}
	if apiRequests == 0 || int64(apiRequests) != s.Stats().Requests {
		t.Errorf("%d api request lines for %d requests received:\n%s", apiRequests, s.Stats().Requests, buf)
	}
	if strings.Contains(buf.String(), token) {
		t.Errorf("the log shows the token:\n%s", buf)
	}
}
