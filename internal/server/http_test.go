package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

var eras = []string{"2026-07-28", "2025-11-25"}

const endpointToken = "endpoint-token-0123456789"

// hosted is a simulator and a hosted endpoint in front of it.
type hosted struct {
	sim *sim.Server
	ts  *httptest.Server
	cfg config.Config
}

func startHosted(t *testing.T, so sim.Options, edit func(*config.Config), o HTTPOptions) *hosted {
	t.Helper()
	return startHostedWith(t, so, edit, o, nil)
}

// startHostedWith is startHosted with the API client's HTTP stack replaced
// (nil = the default), e.g. by a gate.
func startHostedWith(t *testing.T, so sim.Options, edit func(*config.Config), o HTTPOptions, hc *http.Client) *hosted {
	t.Helper()
	if so.Timing.Scale == 0 {
		so.Timing.Scale = 0.0005
	}
	s, err := sim.Start(so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cfg := config.Config{Token: s.Token(), APIURL: s.URL, Confirm: "auto",
		HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthToken, Token: endpointToken}}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := New(Options{Config: cfg, Version: "test", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h, err := srv.Handler(o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &hosted{sim: s, ts: ts, cfg: cfg}
}

// bearerTransport adds a bearer token to every request.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (h *hosted) session(t *testing.T, token, era string, copts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	tr := &mcp.StreamableClientTransport{Endpoint: h.ts.URL + "/mcp", HTTPClient: &http.Client{Transport: bearerTransport{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "1"}, copts).Connect(context.Background(), tr, &mcp.ClientSessionOptions{ProtocolVersion: era})
	if err != nil {
		t.Fatalf("connect (%s): %v", era, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (map[string]any, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		return nil, res.Content[0].(*mcp.TextContent).Text
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	_ = json.Unmarshal(b, &out)
	return out, ""
}

// post sends one raw JSON-RPC request and returns the HTTP status.
func post(t *testing.T, url string, hdr map[string]string, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

func TestHTTPAuthHostOriginAndLimits(t *testing.T) {
	h := startHosted(t, sim.Options{}, nil, HTTPOptions{})
	url := h.ts.URL + "/mcp"
	auth := "Bearer " + endpointToken
	tests := []struct {
		name string
		hdr  map[string]string
		body string
		want int
	}{
		{"no token", nil, initBody, 401},
		{"wrong token", map[string]string{"Authorization": "Bearer nope-nope-nope-nope"}, initBody, 401},
		{"basic instead of bearer", map[string]string{"Authorization": "Basic " + endpointToken}, initBody, 401},
		{"right token", map[string]string{"Authorization": auth}, initBody, 200},
		{"foreign Host", map[string]string{"Authorization": auth, "Host": "evil.example"}, initBody, 403},
		{"foreign Host before auth", map[string]string{"Host": "evil.example:80"}, initBody, 403},
		{"foreign Origin", map[string]string{"Authorization": auth, "Origin": "https://evil.example"}, initBody, 403},
		{"local Origin", map[string]string{"Authorization": auth, "Origin": "http://localhost:3000"}, initBody, 200},
		{"oversized body", map[string]string{"Authorization": auth}, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, url, tt.hdr, tt.body); got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
		})
	}
	resp, err := http.Get(h.ts.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
}

func TestHTTPAllowedHostsAndOrigins(t *testing.T) {
	h := startHosted(t, sim.Options{}, func(c *config.Config) {
		c.HTTP.AllowedHosts = []string{"mcp.example.com", "*.internal"}
		c.HTTP.AllowedOrigins = []string{"https://app.example.com"}
	}, HTTPOptions{})
	auth := "Bearer " + endpointToken
	for host, want := range map[string]int{"mcp.example.com": 200, "MCP.EXAMPLE.COM:443": 200, "a.internal": 200, "127.0.0.1": 403, "evil.example": 403} {
		if got := post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": auth, "Host": host}, initBody); got != want {
			t.Errorf("Host %s: %d, want %d", host, got, want)
		}
	}
	for origin, want := range map[string]int{"https://app.example.com": 200, "https://mcp.example.com": 200, "https://other.example.com": 403, "null": 403} {
		if got := post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": auth, "Host": "mcp.example.com", "Origin": origin}, initBody); got != want {
			t.Errorf("Origin %s: %d, want %d", origin, got, want)
		}
	}
}

func TestHTTPRateLimit(t *testing.T) {
	h := startHosted(t, sim.Options{}, nil, HTTPOptions{RatePerSecond: 1})
	codes := map[int]int{}
	for range 6 {
		codes[post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + endpointToken}, initBody)]++
	}
	if codes[429] == 0 || codes[200] == 0 {
		t.Fatalf("status counts %v: want some 200 then 429", codes)
	}
}

// gate holds every API call whose path ends in path until it is opened,
// and closes entered when the first one arrives: a test knows that a call
// is inside the server, and keeps it there, without sleeping.
type gate struct {
	path     string
	entered  chan struct{}
	release  chan struct{}
	once     sync.Once // closes entered
	openOnce sync.Once // closes release
}

func newGate(t *testing.T, path string) *gate {
	g := &gate{path: path, entered: make(chan struct{}), release: make(chan struct{})}
	// Registered before the servers' own cleanups run (they run in reverse
	// order), so that no held call outlives its test.
	t.Cleanup(g.open)
	return g
}

// client is an HTTP client for the API whose calls pass the gate.
func (g *gate) client() *http.Client { return &http.Client{Transport: g} }

func (g *gate) open() { g.openOnce.Do(func() { close(g.release) }) }

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, g.path) {
		g.once.Do(func() { close(g.entered) })
		select {
		case <-g.release:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// callAsync runs a tool call on its own goroutine and reports its outcome
// on the channel: "" when it succeeded, else what went wrong. It never
// calls t.Fatal, which only the test goroutine may.
func callAsync(cs *mcp.ClientSession, name string) <-chan string {
	out := make(chan string, 1)
	go func() {
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name})
		switch {
		case err != nil:
			out <- err.Error()
		case res.IsError:
			out <- "tool error: " + res.Content[0].(*mcp.TextContent).Text
		default:
			out <- ""
		}
	}()
	return out
}

// awaitEntered waits until a call is held at the gate, or fails the test
// if the call ended first.
func awaitEntered(t *testing.T, g *gate, result <-chan string) {
	t.Helper()
	select {
	case <-g.entered:
	case msg := <-result:
		t.Fatalf("the call ended before it reached the API: %q", msg)
	}
}

func TestHTTPInFlightCap(t *testing.T) {
	g := newGate(t, "/datacenters")
	h := startHostedWith(t, sim.Options{}, nil, HTTPOptions{MaxInFlight: 1}, g.client())
	cs := h.session(t, endpointToken, eras[0], nil)
	result := callAsync(cs, "list_datacenters")
	awaitEntered(t, g, result)
	// The one slot is held until the gate opens.
	if got := post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + endpointToken}, initBody); got != 503 {
		t.Errorf("second call while one is in flight: %d, want 503", got)
	}
	g.open()
	if msg := <-result; msg != "" {
		t.Fatalf("the call in flight: %s", msg)
	}
	if got := post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + endpointToken}, initBody); got != 200 {
		t.Errorf("a call once the slot is free: %d, want 200", got)
	}
}

// Pass-through: each caller's own token is its IONOS token, and it sees only
// its own account.
func TestPassthroughIsolatesAccounts(t *testing.T) {
	other := sim.Generate(sim.GenerateOptions{Datacenters: 2, ServersPerDatacenter: 3, Seed: 9})
	const tokenB = "token-of-account-b-0123"
	h := startHosted(t, sim.Options{Accounts: []sim.Account{{Token: tokenB, Dataset: other}}}, func(c *config.Config) {
		c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, ""
	}, HTTPOptions{})
	tokenA := h.sim.Token()
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			a, _ := callTool(t, h.session(t, tokenA, era, nil), "list_servers", nil)
			b, _ := callTool(t, h.session(t, tokenB, era, nil), "list_servers", nil)
			if a["total"] != float64(13) || b["total"] != float64(6) {
				t.Fatalf("account A sees %v servers, B sees %v; want 13 and 6", a["total"], b["total"])
			}
		})
	}
	if got := post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": "Bearer not-an-ionos-token"}, initBody); got != 401 {
		t.Fatalf("invalid IONOS token: %d, want 401", got)
	}
	// The verdict is cached: the second bad call does not reach the API again.
	before := h.sim.Stats().Requests
	post(t, h.ts.URL+"/mcp", map[string]string{"Authorization": "Bearer not-an-ionos-token"}, initBody)
	if n := h.sim.Stats().Requests - before; n != 0 {
		t.Fatalf("a cached rejection made %d API calls", n)
	}
}

// A list_servers cursor continues only its own caller's walk: another
// caller's cursor is refused, and nothing of the first account leaks.
func TestCursorOfAnotherCaller(t *testing.T) {
	const tokenB = "token-of-account-b-4567"
	h := startHosted(t, sim.Options{Accounts: []sim.Account{{Token: tokenB}}}, func(c *config.Config) {
		c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, ""
	}, HTTPOptions{})
	a, _ := callTool(t, h.session(t, h.sim.Token(), eras[0], nil), "list_servers", map[string]any{"limit": 5})
	next, _ := a["next"].(string)
	if next == "" {
		t.Fatalf("no cursor on a first page of 5 of 13: %v", a)
	}
	_, msg := callTool(t, h.session(t, tokenB, eras[0], nil), "list_servers", map[string]any{"limit": 5, "cursor": next})
	if !strings.Contains(msg, "issued to another caller") {
		t.Fatalf("B with A's cursor: %q", msg)
	}
}

func TestPassthroughServerHoldsNoSecret(t *testing.T) {
	h := startHosted(t, sim.Options{}, func(c *config.Config) { c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, "" }, HTTPOptions{})
	if got := post(t, h.ts.URL+"/mcp", nil, initBody); got != 401 {
		t.Fatalf("no token in pass-through mode: %d, want 401", got)
	}
}

// The operator's controls hold over HTTP in both eras: read-only hides the
// writes; protected servers and data centers outside the allow-list are
// refused without any API call; every write is audited without secrets.
func TestHTTPControls(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			ro := startHosted(t, sim.Options{}, func(c *config.Config) { c.ReadOnly = true }, HTTPOptions{})
			res, err := ro.session(t, endpointToken, era, nil).ListTools(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range res.Tools {
				if !tool.Annotations.ReadOnlyHint {
					t.Errorf("read-only mode lists %s", tool.Name)
				}
			}

			auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
			h := startHosted(t, sim.Options{}, func(c *config.Config) {
				c.Protect = []string{"db-*"}
				c.Datacenters = []string{"production", "analytics"}
				c.AuditLog = auditPath
				c.Confirm = "none"
			}, HTTPOptions{})
			cs := h.session(t, endpointToken, era, nil)
			before := h.sim.Stats().Requests
			for _, call := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"stop_server", map[string]any{"server": "db-1"}, "protected by the operator"},
				{"reboot_server", map[string]any{"server": "db-1", "datacenter": "production"}, "protected by the operator"},
				{"stop_server", map[string]any{"server": "web-1", "datacenter": "staging"}, `no data center named "staging"`},
				{"list_servers", map[string]any{"datacenter": "staging"}, `no data center named "staging"`},
			} {
				if _, msg := callTool(t, cs, call.tool, call.args); !strings.Contains(msg, call.want) {
					t.Errorf("%s %v: %q, want %q", call.tool, call.args, msg, call.want)
				}
			}
			if n := h.sim.Stats().Requests - before; n != 0 {
				t.Errorf("refusals made %d API calls, want 0", n)
			}
			// Reads hide the other data centers.
			out, _ := callTool(t, cs, "list_servers", nil)
			if out["total"] != float64(9) {
				t.Errorf("allow-listed inventory has %v servers, want 9", out["total"])
			}
			// A write that runs, audited.
			if _, msg := callTool(t, cs, "stop_server", map[string]any{"server": "etl-1"}); msg != "" {
				t.Fatal(msg)
			}
			if len(h.sim.Stats().Writes) != 1 {
				t.Fatalf("writes %v", h.sim.Stats().Writes)
			}
			events := readAudit(t, auditPath)
			if len(events) != 4 {
				t.Fatalf("%d audit events, want 4 (3 refused writes, 1 stop)", len(events))
			}
			last := events[3]
			if last.Tool != "stop_server" || last.ServerName != "etl-1" || last.DatacenterName != "analytics" || last.RequestID == "" ||
				last.Status != "DONE" || last.Confirmation != "not-required" || !strings.HasPrefix(last.Caller, "endpoint-") || !(last.Client == "http-test 1" || strings.HasPrefix(last.Client, "user-agent ")) {
				t.Errorf("audit event %+v", last)
			}
			if events[0].Status != "REFUSED" || events[0].Error == "" {
				t.Errorf("refusal audited as %+v", events[0])
			}
			raw, _ := os.ReadFile(auditPath)
			for _, secret := range []string{endpointToken, h.sim.Token()} {
				if strings.Contains(string(raw), secret) {
					t.Fatal("a token appears in the audit log")
				}
			}
		})
	}
}

func readAudit(t *testing.T, path string) []audit.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// Elicitation over stateless HTTP works for 2026-07-28 clients (multi round
// trip); 2025-11-25 clients cannot be asked there and get the token flow.
func TestHTTPConfirmationByEra(t *testing.T) {
	h := startHosted(t, sim.Options{}, nil, HTTPOptions{})
	var mu sync.Mutex
	asked := 0
	copts := &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		mu.Lock()
		asked++
		mu.Unlock()
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
	}}
	out, msg := callTool(t, h.session(t, endpointToken, eras[0], copts), "stop_server", map[string]any{"server": "etl-1"})
	if msg != "" || out["status"] != "DONE" || asked != 1 {
		t.Fatalf("2026-07-28 over stateless HTTP: %v %s (asked %d)", out, msg, asked)
	}
	out, msg = callTool(t, h.session(t, endpointToken, eras[1], copts), "stop_server", map[string]any{"server": "jupyter"})
	if msg != "" || out["status"] != "CONFIRMATION_REQUIRED" {
		t.Fatalf("2025-11-25 over stateless HTTP: %v %s", out, msg)
	}
}

// Stateful mode keeps sessions; 2025-11-25 clients are asked through
// elicitation there.
func TestHTTPStatefulElicits(t *testing.T) {
	h := startHosted(t, sim.Options{}, func(c *config.Config) { c.HTTP.Stateful = true }, HTTPOptions{})
	copts := &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
	}}
	out, msg := callTool(t, h.session(t, endpointToken, eras[1], copts), "stop_server", map[string]any{"server": "etl-1"})
	if msg != "" || out["status"] != "DONE" {
		t.Fatalf("stateful 2025-11-25: %v %s", out, msg)
	}
}

// SIGTERM lets a call in flight finish: the call is held inside the
// server until the listener has closed, so shutdown has begun around it.
func TestGracefulShutdown(t *testing.T) {
	g := newGate(t, "/datacenters")
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := config.Config{Token: s.Token(), APIURL: s.URL, HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthToken, Token: endpointToken}}
	srv, err := New(Options{Config: cfg, HTTPClient: g.client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- srv.ServeHTTP(ctx, HTTPOptions{}, func(a string) { addr <- a }) }()
	var a string
	select {
	case a = <-addr:
	case err := <-served:
		t.Fatalf("ServeHTTP: %v", err)
	}
	h := &hosted{ts: &httptest.Server{URL: "http://" + a}}
	cs := h.session(t, endpointToken, eras[0], nil)
	result := callAsync(cs, "list_datacenters")
	awaitEntered(t, g, result)
	cancel() // as on SIGTERM
	awaitListenerClosed(a)
	g.open()
	if msg := <-result; msg != "" {
		t.Fatalf("call in flight during shutdown: %s", msg)
	}
	if err := <-served; err != nil {
		t.Fatalf("ServeHTTP: %v", err)
	}
}

// awaitListenerClosed returns once addr refuses connections: the server
// has begun to shut down. It dials rather than sleeps; each dial either
// fails (done) or reaches the listener that is about to close.
func awaitListenerClosed(addr string) {
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
	}
}

func TestCheckHTTP(t *testing.T) {
	tests := []struct {
		c  config.HTTP
		ok bool
	}{
		{config.HTTP{Addr: "127.0.0.1:8080", Auth: AuthToken}, true},
		{config.HTTP{Addr: "localhost:8080", Auth: AuthToken}, true},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthToken}, false},
		{config.HTTP{Addr: ":8080", Auth: AuthToken}, false},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthToken, InsecureNoAuth: true}, true},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthToken, Token: endpointToken}, true},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthToken, Token: "short"}, false},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthPassthrough}, true},
		{config.HTTP{Addr: "0.0.0.0:8080", Auth: "none"}, false},
		{config.HTTP{Addr: "8080", Auth: AuthToken}, false},
	}
	for _, tt := range tests {
		if err := CheckHTTP(tt.c); (err == nil) != tt.ok {
			t.Errorf("CheckHTTP(%+v) = %v", tt.c, err)
		}
	}
}
