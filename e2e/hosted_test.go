package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate/redistest"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

const (
	endpointToken = "endpoint-token-for-e2e-0123456789"
	confirmKey    = "confirm-key-shared-by-replicas-0123"
)

// replica is one `ionos-mcp serve --http` process.
type replica struct {
	url    string
	stderr *lockedBuffer
}

// startReplica runs `ionos-mcp serve --http 127.0.0.1:0` with env and
// returns the URL it listens on.
func startReplica(t *testing.T, env []string, args ...string) *replica {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--http", "127.0.0.1:0", "--log-level", "debug"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	pr, pw := io.Pipe()
	r := &replica{stderr: &lockedBuffer{}}
	cmd.Stderr = io.MultiWriter(r.stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		pw.Close()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, after, ok := strings.Cut(sc.Text(), "url=http://"); ok {
				found <- "http://" + strings.TrimSuffix(strings.Fields(after)[0], "/mcp")
			}
		}
	}()
	select {
	case r.url = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("replica did not start: %s", r.stderr)
	}
	return r
}

// roundRobin is a reverse proxy that sends each request to the next backend.
type roundRobin struct {
	mu       sync.Mutex
	next     int
	backends []*httputil.ReverseProxy
	served   []int // backend index of each tools/call
}

func newRoundRobin(urls ...string) *roundRobin {
	rr := &roundRobin{}
	for _, u := range urls {
		target, _ := url.Parse(u)
		rr.backends = append(rr.backends, httputil.NewSingleHostReverseProxy(target))
	}
	return rr
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rr.mu.Lock()
	i := rr.next % len(rr.backends)
	rr.next++
	if bytes.Contains(body, []byte(`"tools/call"`)) {
		rr.served = append(rr.served, i)
	}
	rr.mu.Unlock()
	rr.backends[i].ServeHTTP(w, r)
}

// lastBackend is the backend of the latest tools/call.
func (rr *roundRobin) lastBackend() int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.served[len(rr.served)-1]
}

// nextBackend is where the next request goes.
func (rr *roundRobin) nextBackend() int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.next % len(rr.backends)
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func httpSession(t *testing.T, endpoint, token, era string) *mcp.ClientSession {
	t.Helper()
	tr := &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: &http.Client{Transport: bearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "e2e-http", Version: "1"}, nil).Connect(context.Background(), tr, &mcp.ClientSessionOptions{ProtocolVersion: era})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (map[string]any, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		return nil, res.Content[0].(*mcp.TextContent).Text
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	_ = json.Unmarshal(b, &out)
	return out, ""
}

// Two replicas in separate processes share IONOS_MCP_CONFIRM_KEY: a
// confirmation token minted through one is accepted through the other, and
// cannot be replayed on either.
func TestConfirmationAcrossReplicas(t *testing.T) {
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := []string{"IONOS_TOKEN=" + s.Token(), "IONOS_API_URL=" + s.URL, "IONOS_MCP_HTTP_TOKEN=" + endpointToken, "IONOS_MCP_CONFIRM_KEY=" + confirmKey}
	a, b := startReplica(t, env), startReplica(t, env)
	rr := newRoundRobin(a.url, b.url)
	proxy := httptest.NewServer(rr)
	defer proxy.Close()

	cs := httpSession(t, proxy.URL+"/mcp", endpointToken, "2026-07-28") // no elicitation: the token flow
	preview, msg := call(t, cs, "stop_server", map[string]any{"server": "etl-1"})
	if msg != "" || preview["status"] != "CONFIRMATION_REQUIRED" {
		t.Fatalf("preview: %v %s", preview, msg)
	}
	minted := rr.lastBackend()
	if rr.nextBackend() == minted {
		call(t, cs, "list_datacenters", nil) // move the next call to the other replica
	}
	args := map[string]any{"server": "etl-1", "confirmation_token": preview["confirmationToken"]}
	done, msg := call(t, cs, "stop_server", args)
	if msg != "" || done["status"] != "DONE" {
		t.Fatalf("confirm through the other replica: %v %s", done, msg)
	}
	if rr.lastBackend() == minted {
		t.Fatal("the token was not used through the other replica")
	}
	for range 2 { // one replay lands on each replica
		if _, msg := call(t, cs, "stop_server", args); !strings.Contains(msg, "confirmation refused") {
			t.Fatalf("replay through replica %d: %q", rr.lastBackend(), msg)
		}
	}
	if w := s.Stats().Writes; len(w) != 1 {
		t.Fatalf("%d writes, want 1", len(w))
	}
}

// Three replicas in separate processes share IONOS_MCP_CONFIRM_KEY and one
// real Redis: the same confirmed reboot sent to all three at the same
// instant runs exactly once, round after round.
func TestConfirmationOnceAcrossThreeReplicasWithRedis(t *testing.T) {
	rs := redistest.Start(t)
	// A generous API limit: this test is about grants, not pacing.
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}, RateLimit: sim.RateLimit{PerMinute: 600000, Burst: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := []string{"IONOS_TOKEN=" + s.Token(), "IONOS_API_URL=" + s.URL, "IONOS_MCP_HTTP_TOKEN=" + endpointToken,
		"IONOS_MCP_CONFIRM_KEY=" + confirmKey, "IONOS_MCP_CONFIRM=token", "IONOS_MCP_REDIS_URL=" + rs.URL}
	var sessions []*mcp.ClientSession
	for range 3 {
		r := startReplica(t, env, "--rate-limit", "1000")
		sessions = append(sessions, httpSession(t, r.url+"/mcp", endpointToken, "2025-11-25"))
	}
	const rounds = 50
	followed, refused := 0, 0
	for round := range rounds {
		preview, msg := call(t, sessions[round%3], "reboot_server", map[string]any{"server": "etl-1"})
		token, _ := preview["confirmationToken"].(string)
		if token == "" {
			t.Fatalf("round %d: no confirmation token: %v %s", round, preview, msg)
		}
		args := map[string]any{"server": "etl-1", "confirmation_token": token}
		before := len(s.Stats().Writes)
		outs := make([]*mcp.CallToolResult, len(sessions))
		errs := make([]error, len(sessions))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, cs := range sessions {
			wg.Go(func() {
				<-start
				outs[i], errs[i] = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "reboot_server", Arguments: args})
			})
		}
		close(start)
		wg.Wait()
		writes := s.Stats().Writes[before:]
		if len(writes) != 1 {
			t.Fatalf("round %d: the simulator executed %d reboots for one confirmation, want exactly 1", round, len(writes))
		}
		for i, res := range outs {
			if errs[i] != nil {
				t.Fatalf("round %d, replica %d: %v", round, i, errs[i])
			}
			text := res.Content[0].(*mcp.TextContent).Text
			if res.IsError {
				if !strings.Contains(text, "already used") && !strings.Contains(text, "server changed") {
					t.Fatalf("round %d, replica %d: refused for an unexpected reason: %s", round, i, text)
				}
				refused++
				continue
			}
			if strings.Contains(text, "already pending") {
				followed++
			}
			// A replica that found the reboot already pending follows it:
			// the same request, not a second one.
			var out struct {
				RequestID string `json:"requestId"`
			}
			b, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(b, &out); err != nil || out.RequestID != writes[0].RequestID {
				t.Fatalf("round %d, replica %d: succeeded with request %q, but the one executed is %s: %s", round, i, out.RequestID, writes[0].RequestID, text)
			}
		}
	}
	if w := s.Stats().Writes; len(w) != rounds {
		t.Fatalf("the simulator executed %d reboots in %d rounds, want %d", len(w), rounds, rounds)
	}
	t.Logf("%d rounds, 3 replicas, one Redis: %d reboots executed, 0 doubles; of the other answers, %d refused the spent confirmation and %d followed the reboot already pending",
		rounds, rounds, refused, followed)
}
