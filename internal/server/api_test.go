package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// What reaches the API, and what of its address reaches anyone, through a
// whole server: redirects of writes, and secrets in IONOS_API_URL.

// A start sent through a gateway that passes the POST on and answers 307
// runs once, and the tool says it ran; one that the gateway keeps to
// itself did not run, and the tool says that.
func TestPowerToolBehindRedirectingGateway(t *testing.T) {
	for _, forward := range []bool{true, false} {
		s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		gw := redirectingGateway(t, s.URL, forward)
		cs, _ := inProcess(t, config.Config{Token: s.Token(), APIURL: gw.URL, Confirm: "auto"})
		out, errText := callTool(t, cs, "start_server", map[string]any{"server": "batch-worker", "datacenter": "staging"})
		st := s.Stats()
		posts := st.ByRoute["POST /datacenters/{id}/servers/{id}/start"]
		switch {
		case forward && (posts != 1 || errText != "" || out["status"] != "DONE" || out["requestId"] != st.Writes[0].RequestID):
			t.Errorf("passed on: %d POSTs, result %v, error %q; want 1 POST, DONE with its request id", posts, out, errText)
		case !forward && (posts != 0 || !strings.Contains(errText, "307") || !strings.Contains(errText, "most likely not executed")):
			t.Errorf("kept: %d POSTs, result %v, error %q; want 0 POSTs and an error saying so", posts, out, errText)
		}
	}
}

// redirectingGateway passes reads on to api and answers every POST with
// 307 to api's own address, after passing it on when forward is set.
func redirectingGateway(t *testing.T, api string, forward bool) *httptest.Server {
	t.Helper()
	target, err := url.Parse(api)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			proxy.ServeHTTP(w, r)
			return
		}
		if forward {
			proxy.ServeHTTP(httptest.NewRecorder(), r)
		}
		w.Header().Set("Location", api+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(gw.Close)
	return gw
}

// IONOS_API_URL with credentials and a query is refused without showing
// either, in the error and in the log.
func TestAPIURLSecretsShowNowhere(t *testing.T) {
	buf := &logSink{}
	cfg := config.Config{Token: "t", APIURL: "https://user:pass-word@127.0.0.1:1/cloudapi/v6?secret=url-s3cr3t", LogLevel: slog.LevelDebug}
	_, err := New(Options{Config: cfg, Logger: slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err == nil {
		t.Fatal("New accepted the URL")
	}
	for _, secret := range []string{"url-s3cr3t", "pass-word", "user"} {
		if strings.Contains(err.Error(), secret) || strings.Contains(buf.String(), secret) {
			t.Errorf("%q shows: error %v, log %s", secret, err, buf)
		}
	}
}

// The version a build carries is what the MCP client sees in serverInfo and
// what the API sees in every request's User-Agent, reads and writes alike.
func TestVersionInServerInfoAndUserAgent(t *testing.T) {
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		agents = map[string]int{}
	)
	proxy := httputil.NewSingleHostReverseProxy(target)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.Header.Get("User-Agent")]++
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	cs, _ := inProcess(t, config.Config{Token: s.Token(), APIURL: gw.URL, Confirm: "auto"})
	if got := cs.InitializeResult().ServerInfo.Version; got != "test" {
		t.Errorf("serverInfo.version = %q, want the build's version %q", got, "test")
	}
	callTool(t, cs, "list_servers", map[string]any{})
	callTool(t, cs, "start_server", map[string]any{"server": "batch-worker", "datacenter": "staging"})
	mu.Lock()
	defer mu.Unlock()
	if len(agents) != 1 || agents["ionos-mcp/test"] == 0 {
		t.Errorf("User-Agents seen by the API: %v, want only ionos-mcp/test", agents)
	}
}
