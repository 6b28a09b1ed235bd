package bench

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/server"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// startSim runs a simulator of dcs data centers of perDC servers, with the
// given latency on every call (0 = none).
func startSim(tb testing.TB, dcs, perDC int, lat time.Duration, opts ...func(*sim.Options)) *sim.Server {
	tb.Helper()
	o := sim.Options{Dataset: sim.Generate(sim.GenerateOptions{Datacenters: dcs, ServersPerDatacenter: perDC, Seed: 1})}
	if lat > 0 {
		o.Faults = []sim.Fault{{Kind: sim.FaultLatency, Latency: lat}}
	}
	for _, f := range opts {
		f(&o)
	}
	s, err := sim.Start(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// httpClient is the HTTP stack of a benchmark client: the client's own
// pooled transport, with a recorder of the requests sent.
func httpClient(rec *recorder) *http.Client {
	hc := cloud.NewHTTPClient("")
	if rec != nil {
		rec.next = hc.Transport
		hc = &http.Client{Transport: rec}
	}
	return hc
}

// newClient is a domain client of s, as the server builds it.
func newClient(tb testing.TB, s *sim.Server, cfg cloud.Config) *cloud.Client {
	tb.Helper()
	cfg.Token, cfg.APIURL = s.Token(), s.URL
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = httpClient(nil)
	}
	c, err := cloud.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// session connects an in-memory MCP client to the production server
// (server.New, with every tool) over s.
func session(tb testing.TB, s *sim.Server, rec *recorder, poll cloud.Poll) *mcp.ClientSession {
	tb.Helper()
	return sessionWith(tb, server.Options{
		Config:     config.Config{Token: s.Token(), APIURL: s.URL, Confirm: confirm.Auto, WaitTimeout: 120 * time.Second},
		Version:    "bench",
		HTTPClient: httpClient(rec),
		Poll:       poll,
	}, nil)
}

// sessionWith connects a client with copts to the production server built
// from o.
func sessionWith(tb testing.TB, o server.Options, copts *mcp.ClientOptions) *mcp.ClientSession {
	tb.Helper()
	srv, err := server.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	ms, err := srv.MCPServer(func(context.Context, *mcp.CallToolRequest) (*cloud.Client, error) { return srv.Client() })
	if err != nil {
		tb.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := ms.Connect(context.Background(), st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, copts).Connect(context.Background(), ct, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cs.Close(); _ = ss.Wait() })
	return cs
}

// callTool calls a tool and fails on any error.
func callTool(tb testing.TB, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	tb.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		tb.Fatalf("%s: tool error: %v", name, textOf(res))
	}
	return res
}

func textOf(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			s += t.Text
		}
	}
	return s
}

// recorder counts the requests a client sends, and when.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []sent
}

type sent struct {
	at     time.Time
	method string
	path   string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.log = append(r.log, sent{at: time.Now(), method: req.Method, path: req.URL.Path})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) since(t time.Time) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, s := range r.log {
		if !s.at.Before(t) {
			out = append(out, s)
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// quantile returns the q-quantile (nearest rank) of ds.
func quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// listServersOutput is the structured result of list_servers.
type listServersOutput = tools.ListServersOutput
