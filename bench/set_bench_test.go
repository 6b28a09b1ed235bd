package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
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

// The set benchmark's account and API: 200 running VCPU servers in two
// data centers, the simulator's default timing (a stop is QUEUED 1 s,
// RUNNING 10 s, and the server shows SHUTOFF 1 s after DONE), and a rate
// limit of 600 requests a minute with a burst of 50, the figures the
// simulator advertises when it does not limit.
const (
	setServers   = 200
	setPerMinute = 600
	setBurst     = 50
)

// BenchmarkSetStop200 stops 200 servers with one power_servers call and
// one decision (elicitation, accepted), through the production server:
// the wall time from the call to its result, the API requests it sent
// (writes, and reads of the plan, the check before sending and the wait),
// and the 429s the API answered, which the client waits out. Run with
// -benchtime 1x: an op takes about half a minute.
func BenchmarkSetStop200(b *testing.B) {
	for b.Loop() {
		ds := sim.Generate(sim.GenerateOptions{Datacenters: 2, ServersPerDatacenter: setServers / 2, Seed: 5, VolumesPerServer: -1})
		for i := range ds.Datacenters {
			for j := range ds.Datacenters[i].Servers {
				s := &ds.Datacenters[i].Servers[j]
				s.Type, s.CPUFamily, s.VMState = sim.TypeVCPU, "", sim.VMRunning
			}
		}
		s, err := sim.Start(sim.Options{Dataset: ds, RateLimit: sim.RateLimit{PerMinute: setPerMinute, Burst: setBurst}})
		if err != nil {
			b.Fatal(err)
		}
		codes := &statusCounter{next: httpClient(nil).Transport}
		cs := elicitingSession(b, s, &http.Client{Transport: codes})
		start := time.Now()
		res := callTool(b, cs, "power_servers", map[string]any{"action": "stop", "vm_state": "RUNNING", "name_pattern": "*", "timeout_seconds": 300})
		took := time.Since(start)
		var out tools.SetOutput
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil || out.Status != cloud.StatusDone || out.Counts.Done != setServers {
			b.Fatalf("power_servers: %s %+v: %s (%v)", out.Status, out.Counts, out.Message, err)
		}
		if n := len(s.Stats().Writes); n != setServers {
			b.Fatalf("the simulator executed %d writes, want %d", n, setServers)
		}
		b.ReportMetric(took.Seconds(), "s/set")
		b.ReportMetric(float64(codes.requests.Load()), "api-requests")
		b.ReportMetric(float64(codes.writes.Load()), "api-writes")
		b.ReportMetric(float64(codes.tooMany.Load()), "api-429s")
		s.Close()
	}
}

// statusCounter counts the requests sent and the 429s answered.
type statusCounter struct {
	next                      http.RoundTripper
	requests, writes, tooMany atomic.Int64
}

func (c *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	if r.Method == http.MethodPost {
		c.writes.Add(1)
	}
	resp, err := c.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.tooMany.Add(1)
	}
	return resp, err
}

// elicitingSession is session with a client whose person accepts every
// confirmation.
func elicitingSession(tb testing.TB, s *sim.Server, hc *http.Client) *mcp.ClientSession {
	tb.Helper()
	accept := func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
	}
	return sessionWith(tb, server.Options{
		Config:     config.Config{Token: s.Token(), APIURL: s.URL, Confirm: confirm.Auto},
		Version:    "bench",
		HTTPClient: hc,
	}, &mcp.ClientOptions{ElicitationHandler: accept})
}
