package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// reply is an HTTP answer, read whole.
type reply struct {
	status int
	header http.Header
	body   string
}

// send makes one raw request. It returns errors rather than failing the
// test, so that any goroutine may use it.
func send(method, url string, hdr map[string]string, body string) (reply, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}, err
}

func mustSend(t *testing.T, method, url string, hdr map[string]string, body string) reply {
	t.Helper()
	a, err := send(method, url, hdr, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return a
}

// getServerCall is one JSON-RPC tools/call of get_server.
func getServerCall(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_server","arguments":{"server":"etl-1"}}}`, id)
}

// batch is a JSON-RPC batch of n get_server calls.
func batch(n int) string { return batchOf(n, getServerCall) }

// batchOf is a JSON-RPC batch of n messages made by msg.
func batchOf(n int, msg func(id int) string) string {
	calls := make([]string, n)
	for i := range calls {
		calls[i] = msg(i + 1)
	}
	return "[" + strings.Join(calls, ",") + "]"
}

// toolsListCall is one JSON-RPC tools/list request: a call that needs no
// API call, so it never waits at a gate.
func toolsListCall(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, id)
}

// legacy are the headers of a 2025-03-26 client, the last protocol
// revision with JSON-RPC batches, which the go-sdk still serves.
func legacy(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Mcp-Protocol-Version": "2025-03-26"}
}

// One HTTP request of 5,000 calls is limited like 5,000 requests: refused
// whole, before any of its calls reaches the API.
func TestBatchOfManyCallsIsRefused(t *testing.T) {
	h := startHosted(t, sim.Options{}, nil, HTTPOptions{})
	body := batch(5000)
	if len(body) > maxBodyBytes {
		t.Fatalf("the batch is %d bytes, over the body limit: the test would not reach the limiter", len(body))
	}
	before := h.sim.Stats().Requests
	a := mustSend(t, http.MethodPost, h.ts.URL+"/mcp", legacy(endpointToken), body)
	if a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a batch of 5000 calls: %d, want 413", a.status)
	}
	for _, want := range []string{"5000 calls", "at most 20", "--rate-limit"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("answer %q lacks %q", a.body, want)
		}
	}
	if n := h.sim.Stats().Requests - before; n != 0 {
		t.Errorf("the refused batch made %d API calls, want 0", n)
	}
}

// A batch within the limits is served, and each call in it is charged:
// with --rate-limit 1 (bursts of 2) a batch of 2 spends the burst.
func TestBatchIsChargedPerCall(t *testing.T) {
	h := startHosted(t, sim.Options{}, nil, HTTPOptions{RatePerSecond: 1})
	url := h.ts.URL + "/mcp"
	a := mustSend(t, http.MethodPost, url, legacy(endpointToken), batch(3))
	if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.body, "at most 2") || !strings.Contains(a.body, "--rate-limit") {
		t.Fatalf("a batch of 3 over a burst of 2: %d %q, want 413 naming the limit and --rate-limit", a.status, a.body)
	}
	a = mustSend(t, http.MethodPost, url, legacy(endpointToken), batch(2))
	if a.status != http.StatusOK {
		t.Fatalf("a batch of 2 within the burst: %d %q", a.status, a.body)
	}
	for _, want := range []string{`"id":1`, `"id":2`, "etl-1"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("batch answer lacks %s: %q", want, a.body)
		}
	}
	a = mustSend(t, http.MethodPost, url, legacy(endpointToken), getServerCall(3))
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("a single call after a batch spent the burst: %d, want 429", a.status)
	}
	if secs, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After %q, want whole seconds >= 1", a.header.Get("Retry-After"))
	}
}

// Each call of a batch takes a slot of --max-in-flight: with one of two
// slots held, a batch of 2 is refused, and a batch of 3 never fits.
func TestBatchTakesASlotPerCall(t *testing.T) {
	g := newGate(t, "/datacenters")
	h := startHostedWith(t, sim.Options{}, nil, HTTPOptions{RatePerSecond: 1000, MaxInFlight: 2}, g.client())
	url := h.ts.URL + "/mcp"
	a := mustSend(t, http.MethodPost, url, legacy(endpointToken), batchOf(3, toolsListCall))
	if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.body, "at most 2") || !strings.Contains(a.body, "--max-in-flight") {
		t.Fatalf("a batch of 3 over 2 slots: %d %q, want 413 naming the limit and --max-in-flight", a.status, a.body)
	}
	result := callAsync(h.session(t, endpointToken, eras[0], nil), "list_datacenters")
	awaitEntered(t, g, result)
	a = mustSend(t, http.MethodPost, url, legacy(endpointToken), batchOf(2, toolsListCall))
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Errorf("a batch of 2 with one slot free: %d (Retry-After %q), want 503 with Retry-After", a.status, a.header.Get("Retry-After"))
	}
	if got := post(t, url, map[string]string{"Authorization": "Bearer " + endpointToken}, initBody); got != http.StatusOK {
		t.Errorf("a single call with one slot free: %d, want 200", got)
	}
	g.open()
	if msg := <-result; msg != "" {
		t.Fatalf("the call in flight: %s", msg)
	}
}

// Open event streams hold no call slot: 100 idle stateful sessions, each
// with its GET stream open, leave a call through with --max-in-flight 2.
func TestOpenStreamsTakeNoSlot(t *testing.T) {
	h := startHosted(t, sim.Options{}, func(c *config.Config) { c.HTTP.Stateful = true }, HTTPOptions{RatePerSecond: 1000, MaxInFlight: 2})
	url := h.ts.URL + "/mcp"
	// The streams are cancelled before the server closes (cleanups run in
	// reverse order), or closing it would wait for them.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	var session string
	for i := range 100 {
		session = openSession(t, url)
		openStream(ctx, t, tr, url, session, i)
	}
	call := map[string]string{"Authorization": "Bearer " + endpointToken, "Mcp-Session-Id": session, "Mcp-Protocol-Version": "2025-11-25"}
	a := mustSend(t, http.MethodPost, url, call, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_datacenters","arguments":{}}}`)
	if a.status != http.StatusOK || !strings.Contains(a.body, "production") {
		t.Fatalf("a call beside 100 open streams: %d %q, want 200 with the data centers", a.status, a.body)
	}
	del := mustSend(t, http.MethodDelete, url, call, "")
	if del.status != http.StatusNoContent && del.status != http.StatusOK {
		t.Errorf("DELETE of a session beside 100 open streams: %d %q", del.status, del.body)
	}
}

// openSession initializes a stateful session over raw HTTP and returns its id.
func openSession(t *testing.T, url string) string {
	t.Helper()
	a := mustSend(t, http.MethodPost, url, map[string]string{"Authorization": "Bearer " + endpointToken}, initBody)
	id := a.header.Get("Mcp-Session-Id")
	if a.status != http.StatusOK || id == "" {
		t.Fatalf("initialize: %d %q (session %q)", a.status, a.body, id)
	}
	hdr := map[string]string{"Authorization": "Bearer " + endpointToken, "Mcp-Session-Id": id, "Mcp-Protocol-Version": "2025-11-25"}
	if a := mustSend(t, http.MethodPost, url, hdr, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); a.status != http.StatusAccepted {
		t.Fatalf("notifications/initialized: %d %q", a.status, a.body)
	}
	return id
}

// openStream opens the session's GET event stream and returns once the
// server has answered its headers: the stream is then open on the server.
// It stays open until ctx ends.
func openStream(ctx context.Context, t *testing.T, tr *http.Transport, url, session string, i int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+endpointToken)
	req.Header.Set("Mcp-Session-Id", session)
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("stream %d: %v", i, err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("stream %d: %d %q", i, resp.StatusCode, b)
	}
	t.Cleanup(func() { resp.Body.Close() })
}

// Unauthenticated callers are told apart by their source: behind a
// trusted proxy, by X-Forwarded-For; from anyone else, by the peer, whose
// X-Forwarded-For is ignored.
func TestCallerLimitBySource(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trusted []string
		// apart: whether two X-Forwarded-For sources get a budget each.
		apart bool
	}{
		{"behind a trusted proxy", []string{"127.0.0.1"}, true},
		{"from an untrusted peer", nil, false},
		{"from a peer outside the trusted range", []string{"10.0.0.0/8"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := startHosted(t, sim.Options{}, func(c *config.Config) {
				c.HTTP.Token, c.HTTP.TrustedProxies = "", tt.trusted
			}, HTTPOptions{RatePerSecond: 1})
			url := h.ts.URL + "/mcp"
			from := func(src string) int {
				return mustSend(t, http.MethodPost, url, map[string]string{"X-Forwarded-For": src}, initBody).status
			}
			for i := range 2 {
				if got := from("203.0.113.1"); got != 200 {
					t.Fatalf("call %d of source A within its burst: %d", i+1, got)
				}
			}
			if got := from("203.0.113.1"); got != 429 {
				t.Fatalf("source A past its burst: %d, want 429", got)
			}
			want := 429
			if tt.apart {
				want = 200
			}
			if got := from("203.0.113.2"); got != want {
				t.Fatalf("source B after A spent its burst: %d, want %d", got, want)
			}
		})
	}
}

func TestSources(t *testing.T) {
	src, err := newSources([]string{"10.0.0.0/8", " 192.0.2.1 ", "fd00::/8", ""})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"untrusted peer, no header", "198.51.100.9:1234", nil, "198.51.100.9"},
		{"untrusted peer's header is ignored", "198.51.100.9:1234", []string{"203.0.113.5"}, "198.51.100.9"},
		{"trusted peer, one hop", "10.1.2.3:80", []string{"203.0.113.5"}, "203.0.113.5"},
		{"a spoofed left-most hop is skipped", "10.1.2.3:80", []string{"6.6.6.6, 203.0.113.5"}, "203.0.113.5"},
		{"trusted hops are walked", "10.1.2.3:80", []string{"203.0.113.5, 192.0.2.1, 10.9.9.9"}, "203.0.113.5"},
		{"several header lines are one list", "10.1.2.3:80", []string{"6.6.6.6", "203.0.113.5, 10.9.9.9"}, "203.0.113.5"},
		{"a hop with a port", "10.1.2.3:80", []string{"203.0.113.5:4711"}, "203.0.113.5"},
		{"IPv6 hop with a port", "10.1.2.3:80", []string{"[2001:db8::7]:4711"}, "2001:db8::7"},
		{"all hops trusted", "10.1.2.3:80", []string{"10.4.4.4, 10.5.5.5"}, "10.4.4.4"},
		{"garbage ends the chain", "10.1.2.3:80", []string{"203.0.113.5, garbage, 10.5.5.5"}, "10.5.5.5"},
		{"trusted peer, no header", "10.1.2.3:80", nil, "10.1.2.3"},
		{"trusted IPv6 peer", "[fd00::1]:80", []string{"203.0.113.5"}, "203.0.113.5"},
		{"IPv4-mapped peer", "[::ffff:10.1.2.3]:80", []string{"203.0.113.5"}, "203.0.113.5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got, ok := src.of(r)
			if !ok || got.String() != tt.want {
				t.Fatalf("source %v (%v), want %s", got, ok, tt.want)
			}
		})
	}
	// IPv6 sources share a budget per /64.
	a, b := httptest.NewRequest(http.MethodPost, "/mcp", nil), httptest.NewRequest(http.MethodPost, "/mcp", nil)
	a.RemoteAddr, b.RemoteAddr = "[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff::9]:2"
	if src.key(a) != src.key(b) || src.key(a) != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 keys %q and %q, want both 2001:db8:1:2::/64", src.key(a), src.key(b))
	}
	if _, err := newSources([]string{"10.0.0.0/33"}); err == nil || !strings.Contains(err.Error(), "IONOS_MCP_TRUSTED_PROXIES") {
		t.Errorf("a bad CIDR: %v, want an error naming IONOS_MCP_TRUSTED_PROXIES", err)
	}
	if err := CheckHTTP(config.HTTP{Addr: "127.0.0.1:8080", Auth: AuthToken, TrustedProxies: []string{"proxy.local"}}); err == nil {
		t.Error("CheckHTTP accepts a trusted proxy that is not an address")
	}
	c, err := config.Load(config.FromMap(map[string]string{"IONOS_MCP_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,"}))
	if err != nil || len(c.HTTP.TrustedProxies) != 2 {
		t.Errorf("IONOS_MCP_TRUSTED_PROXIES read as %q (%v), want two entries", c.HTTP.TrustedProxies, err)
	}
}

func TestBatchLen(t *testing.T) {
	for body, want := range map[string]int{
		getServerCall(1):                           1,
		" \n" + batch(3):                           3,
		"[]":                                       1,
		`[{"a":"],[,"},{"b":[1,2,3]}]`:             2,
		`[{"jsonrpc":"2.0"}, {"broken"`:            1,
		`[1,2,3,{"x":{"y":[4,5]}},"s,t", null]`:    6,
		`{"jsonrpc":"2.0","method":"x","id":"[,"}`: 1,
	} {
		if got := batchLen([]byte(body)); got != want {
			t.Errorf("batchLen(%.40q) = %d, want %d", body, got, want)
		}
	}
}
