package server

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

const (
	stdioInit        = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"stdio-test","version":"1"}}}`
	stdioInitialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	stdioList        = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	stdioCall        = `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_datacenters","arguments":{}}}`
)

// syncBuffer is the output of a session: the SDK writes from its handlers'
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// answer is one line of output.
type answer struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// stdioServer is a server against a fresh simulator.
func stdioServer(t *testing.T) *Server {
	t.Helper()
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv, err := New(Options{Config: config.Config{Token: s.Token(), APIURL: s.URL, Confirm: "auto"}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// runLines serves the lines, then the end of input, and returns what was
// answered, by id ("null" for answers without one).
func runLines(t *testing.T, run func(context.Context, mcp.Transport) error, tr func(in *strings.Reader, out *syncBuffer) mcp.Transport, lines ...string) map[string][]answer {
	t.Helper()
	out := &syncBuffer{}
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, tr(in, out)); err != nil {
		t.Fatalf("serving: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("serving did not end at the end of input")
	}
	got := map[string][]answer{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, line)
		}
		id := string(a.ID)
		if id == "" {
			id = "null"
		}
		got[id] = append(got[id], a)
	}
	return got
}

func (s *Server) stdioLines(t *testing.T, lines ...string) map[string][]answer {
	t.Helper()
	return runLines(t, s.RunStdio, func(in *strings.Reader, out *syncBuffer) mcp.Transport { return s.StdioTransport(in, out) }, lines...)
}

// wantAnswered checks that each id got exactly one answer, a result.
func wantAnswered(t *testing.T, got map[string][]answer, ids ...string) {
	t.Helper()
	for _, id := range ids {
		as := got[id]
		if len(as) != 1 {
			t.Errorf("id %s: %d answers, want 1 (all answers: %v)", id, len(as), got)
			continue
		}
		if as[0].Error != nil || as[0].Result == nil {
			t.Errorf("id %s: answered with error %+v", id, as[0].Error)
		}
	}
}

// Every request read before the end of input is answered, every time.
func TestStdioAnswersEveryRequestBeforeEndOfInput(t *testing.T) {
	srv := stdioServer(t)
	for range 10 {
		got := srv.stdioLines(t, stdioInit, stdioInitialized, stdioList, stdioCall)
		wantAnswered(t, got, "1", "2", "3")
		if len(got) != 3 {
			t.Errorf("answers %v, want ids 1, 2 and 3 only", got)
		}
		if as := got["3"]; len(as) == 1 && !strings.Contains(string(as[0].Result), "datacenters") {
			t.Errorf("list_datacenters answered %s", as[0].Result)
		}
		if t.Failed() {
			return
		}
	}
}

// A line that is not JSON gets a parse error, one that is JSON but no
// JSON-RPC message an invalid request; the requests after them are served.
func TestStdioAnswersBadLinesAndGoesOn(t *testing.T) {
	srv := stdioServer(t)
	got := srv.stdioLines(t, stdioInit, stdioInitialized, `this is not JSON`, stdioList, `{"hello":"world"}`, stdioCall)
	wantAnswered(t, got, "1", "2", "3")
	var codes []int
	for _, a := range got["null"] {
		if a.Error == nil {
			t.Fatalf("an answer without id and without error: %+v", a)
		}
		codes = append(codes, a.Error.Code)
	}
	if len(codes) != 2 || codes[0] != -32700 || codes[1] != -32600 {
		t.Fatalf("answers without id have codes %v, want [-32700 -32600]", codes)
	}
}

// A call of the server to the client (here the confirmation prompt of the
// 2025 era) cannot be answered once the input ended: it fails at once, and
// the tool call that made it is answered instead of waiting out the grace.
func TestStdioFailsCallsToTheClientAtEndOfInput(t *testing.T) {
	srv := stdioServer(t)
	init := strings.Replace(stdioInit, `"capabilities":{}`, `"capabilities":{"elicitation":{"form":{}}}`, 1)
	stop := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"stop_server","arguments":{"server":"jupyter"}}}`
	start := time.Now()
	got := runLines(t, srv.RunStdio, func(in *strings.Reader, out *syncBuffer) mcp.Transport {
		return &stdioTransport{in: in, out: out, grace: 30 * time.Second, log: srv.log}
	}, init, stdioInitialized, stop)
	if as := got["7"]; len(as) != 1 || as[0].Error == nil || !strings.Contains(as[0].Error.Message, "input ended") {
		t.Fatalf("stop_server answers %+v, want one error saying the input ended", as)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("the answer took %v: it waited for the grace", d)
	}
}

// A request still running when the grace ends does not keep the session:
// the session ends, and what was answered by then was sent.
func TestStdioGraceBoundsTheWait(t *testing.T) {
	srv := stdioServer(t)
	mcpSrv, err := srv.MCPServer(srv.sharedClient)
	if err != nil {
		t.Fatal(err)
	}
	stuck := make(chan struct{})
	mcp.AddTool(mcpSrv, &mcp.Tool{Name: "stuck"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		close(stuck)
		<-ctx.Done() // ended by the connection once the grace ran out
		return nil, nil, ctx.Err()
	})
	call := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"stuck","arguments":{}}}`
	got := runLines(t, mcpSrv.Run, func(in *strings.Reader, out *syncBuffer) mcp.Transport {
		return &stdioTransport{in: in, out: out, grace: time.Second, log: srv.log}
	}, stdioInit, stdioInitialized, call, stdioList)
	select {
	case <-stuck:
	default:
		t.Fatal("the stuck tool was never called")
	}
	wantAnswered(t, got, "1", "2")
	if len(got["9"]) != 0 {
		t.Fatalf("the stuck call was answered: %+v", got["9"])
	}
}
