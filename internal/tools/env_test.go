package tools_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// The two protocol eras every behaviour is tested in: the stateless
// 2026-07-28 revision (the go-sdk client's default) and the 2025-11-25
// handshake era.
var eras = []string{"2026-07-28", "2025-11-25"}

// fastTiming makes the simulator's actions take milliseconds.
var fastTiming = sim.Timing{Scale: 0.0005}

// fastPoll matches: the waits poll every few milliseconds.
var fastPoll = cloud.Poll{First: 2 * time.Millisecond, Max: 10 * time.Millisecond}

// env is a simulator and the tools wired to it.
type env struct {
	t      *testing.T
	sim    *sim.Server
	client *cloud.Client
	opts   tools.Options
	audit  *memAudit
	paths  *pathRecorder
}

// pathRecorder records the path and query of every API request the tools send.
type pathRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (p *pathRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

// requests returns what was sent so far.
func (p *pathRecorder) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

type envOption func(*env, *sim.Options)

func withSim(f func(*sim.Options)) envOption { return func(_ *env, o *sim.Options) { f(o) } }
func withTools(f func(*tools.Options)) envOption {
	return func(e *env, _ *sim.Options) { f(&e.opts) }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, audit: &memAudit{}}
	so := sim.Options{Timing: fastTiming}
	signer, err := confirm.NewSigner([]byte("test secret of sufficient length"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	e.opts = tools.Options{Confirm: confirm.Auto, Signer: signer, Audit: e.audit}
	for _, o := range opts {
		o(e, &so)
	}
	if e.sim, err = sim.Start(so); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.sim.Close() })
	var scope func(cloud.Datacenter) bool
	if e.opts.Guard != nil {
		scope = e.opts.Guard.DatacenterAllowed
	}
	e.paths = &pathRecorder{next: http.DefaultTransport}
	e.client, err = cloud.New(cloud.Config{Token: e.sim.Token(), APIURL: e.sim.URL, Poll: fastPoll, Scope: scope,
		HTTPClient: &http.Client{Transport: e.paths}})
	if err != nil {
		t.Fatal(err)
	}
	if e.opts.Client == nil {
		e.opts.Client = func(context.Context, *mcp.CallToolRequest) (*cloud.Client, error) { return e.client, nil }
	}
	return e
}

// session connects a client in the given protocol era.
func (e *env) session(era string, copts *mcp.ClientOptions) *mcp.ClientSession {
	e.t.Helper()
	ctx := context.Background()
	srv := mcp.NewServer(&mcp.Implementation{Name: "ionos-mcp", Version: "test"}, &mcp.ServerOptions{
		Capabilities: &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{}},
	})
	if err := tools.Register(srv, e.opts); err != nil {
		e.t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1.0"}, copts).Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: era})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { cs.Close(); _ = ss.Wait() })
	return cs
}

// call calls a tool and decodes its structured result into out (if not nil).
// It fails the test on a protocol error; tool errors are returned as text.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) (errText string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", tool, err)
	}
	if res.IsError {
		return textOf(res)
	}
	if out != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: decoding %s: %v", tool, b, err)
		}
	}
	return ""
}

// mustCall is call for calls that must succeed.
func mustCall(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) {
	t.Helper()
	if msg := call(t, cs, tool, args, out); msg != "" {
		t.Fatalf("%s(%v): tool error: %s", tool, args, msg)
	}
}

// mustCallText is mustCall that also returns the result's text content.
func mustCallText(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", tool, err)
	}
	text := textOf(res)
	if res.IsError {
		t.Fatalf("%s(%v): tool error: %s", tool, args, text)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: decoding %s: %v", tool, b, err)
	}
	return text
}

// textOf is a result's text content.
func textOf(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// mustFail is call for calls that must be tool errors; it returns the text.
func mustFail(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) string {
	t.Helper()
	msg := call(t, cs, tool, args, nil)
	if msg == "" {
		t.Fatalf("%s(%v): succeeded, want a tool error", tool, args)
	}
	return msg
}

// writes counts the power actions the simulator executed.
func (e *env) writes() int { return len(e.sim.Stats().Writes) }

// server returns a server of the simulator's current state by data center and name.
func (e *env) server(dcName, name string) sim.DatasetServer {
	e.t.Helper()
	for _, dc := range e.sim.Snapshot().Datacenters {
		if dc.Name != dcName {
			continue
		}
		for _, s := range dc.Servers {
			if s.Name == name {
				return s
			}
		}
	}
	e.t.Fatalf("no server %s/%s in the simulator", dcName, name)
	return sim.DatasetServer{}
}

// accept and decline are elicitation handlers of a client whose user answers.
func accept(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
}

func decline(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	return &mcp.ElicitResult{Action: "decline"}, nil
}

// memAudit keeps audit events in memory.
type memAudit struct {
	mu     sync.Mutex
	events []audit.Event
}

func (m *memAudit) Record(e audit.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	return nil
}

func (m *memAudit) last(t *testing.T) audit.Event {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.events) == 0 {
		t.Fatal("no audit event")
	}
	return m.events[len(m.events)-1]
}

// elicitOptions is a client whose user answers confirmations with h.
func elicitOptions(h func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)) *mcp.ClientOptions {
	return &mcp.ClientOptions{ElicitationHandler: h}
}

// want checks the audit events, as (confirmation, status) pairs in order.
func (m *memAudit) want(t *testing.T, want [][2]string) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	got := make([][2]string, len(m.events))
	for i, ev := range m.events {
		got[i] = [2]string{ev.Confirmation, ev.Status}
	}
	if len(got) != len(want) {
		t.Fatalf("audit events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit events %v, want %v", got, want)
		}
	}
}
