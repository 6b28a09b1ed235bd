package cloud_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

const startRoute = "POST /datacenters/{id}/servers/{id}/start"

// startSim runs a simulator whose actions end at once.
func startSim(t *testing.T) *sim.Server {
	t.Helper()
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// redirectingGateway stands in front of the simulator: it passes reads
// on, and answers every POST with a 307 to the simulator's own address,
// another port of the same host, after passing the POST on when forward
// is set. The Location carries a query that must never be shown.
func redirectingGateway(t *testing.T, s *sim.Server, forward bool) *httptest.Server {
	t.Helper()
	target, err := url.Parse(s.URL)
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
		w.Header().Set("Location", s.URL+r.URL.Path+"?session=location-secret")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(gw.Close)
	return gw
}

// shutoffServer resolves a server that a start applies to.
func shutoffServer(t *testing.T, c *cloud.Client) cloud.Server {
	t.Helper()
	srv, err := c.ResolveServer(context.Background(), "batch-worker", "staging")
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// A POST that a gateway passed on before answering 307 ran once: it is
// not re-sent where the redirect points, and the request it created is
// found and returned, as for any write whose answer was lost.
func TestRedirectedWriteRunsOnce(t *testing.T) {
	s := startSim(t)
	gw := redirectingGateway(t, s, true)
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: gw.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := shutoffServer(t, c)
	id, err := c.PowerAction(context.Background(), srv, cloud.Start)
	st := s.Stats()
	if n := st.ByRoute[startRoute]; n != 1 {
		t.Fatalf("%d POSTs reached the API, want 1 (PowerAction = %q, %v)", n, id, err)
	}
	if err != nil || len(st.Writes) != 1 || id != st.Writes[0].RequestID {
		t.Fatalf("PowerAction = %q, %v; want the request the POST created (%+v)", id, err, st.Writes)
	}
}

// A POST answered 307 without being passed on did not run, and the
// error says so after checking: nothing is sent where the redirect points.
func TestRedirectedWriteNotRunIsReported(t *testing.T) {
	s := startSim(t)
	gw := redirectingGateway(t, s, false)
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: gw.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := shutoffServer(t, c)
	id, err := c.PowerAction(context.Background(), srv, cloud.Start)
	if n := s.Stats().ByRoute[startRoute]; n != 0 {
		t.Fatalf("%d POSTs reached the API, want 0 (PowerAction = %q, %v)", n, id, err)
	}
	var uw *cloud.UnconfirmedWriteError
	if !errors.As(err, &uw) || !uw.Checked {
		t.Fatalf("PowerAction = %q, %v; want an unconfirmed write, checked", id, err)
	}
	msg := err.Error()
	for _, want := range []string{"307", strings.TrimPrefix(s.URL, "http://"), "never follow a redirect", "most likely not executed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "location-secret") {
		t.Errorf("the error shows the Location's query: %s", msg)
	}
}

// recorder is an HTTP server that records the Authorization header of
// every request it receives.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // Authorization headers, one per request
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Header.Get("Authorization"))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"x","items":[]}`))
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) requests() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.seen...)
}

// A read redirected to another port of the same host is not followed:
// the credentials, token or basic auth, never reach it.
func TestReadRedirectElsewhereIsNotFollowed(t *testing.T) {
	for _, cfg := range []cloud.Config{
		{Token: "token-for-the-api-only"},
		{Username: "user@example.com", Password: "password-for-the-api-only"},
	} {
		elsewhere := newRecorder(t)
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusFound)
		}))
		t.Cleanup(api.Close)
		cfg.APIURL = api.URL
		c, err := cloud.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, lerr := c.ListDatacenters(context.Background())                                    // streamed past the SDK
		_, _, gerr := c.GetServer(context.Background(), cloud.Datacenter{ID: dcID}, srvID, 0) // through the SDK
		if got := elsewhere.requests(); len(got) != 0 {
			t.Fatalf("%d requests reached the other port, with Authorization %q", len(got), got)
		}
		for _, err := range []error{lerr, gerr} {
			if err == nil || !strings.Contains(err.Error(), "302") || !strings.Contains(err.Error(), "not followed") {
				t.Errorf("want an error naming the refused redirect, got %v", err)
			}
		}
	}
}

// A read redirected within the API's origin is still followed. This
// guards the fix against refusing too much; it passes without it.
func TestReadRedirectWithinOriginIsFollowed(t *testing.T) {
	s := startSim(t)
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if moved, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
			r.URL.Path, r.URL.RawPath = moved, ""
			proxy.ServeHTTP(w, r)
			return
		}
		http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	t.Cleanup(gw.Close)
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: gw.URL})
	if err != nil {
		t.Fatal(err)
	}
	dcs, err := c.ListDatacenters(context.Background())
	if err != nil || len(dcs) == 0 {
		t.Fatalf("ListDatacenters = %d data centers, %v", len(dcs), err)
	}
}
