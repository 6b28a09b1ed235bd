package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// costModel is what the simulated API costs: the real API's numbers are
// not published, so the inventory is measured under several.
type costModel struct {
	name      string
	latency   time.Duration // per call
	perMB     time.Duration // per MB of answer
	gateway   time.Duration // the gateway's timeout
	perMinute int           // rate limit; 0 = none
	burst     int
}

// The models. "realistic" is the headline: 50 ms a call, the simulator's
// default 100 ms per MB, a 60 s gateway, 1,200 requests a minute in bursts
// of 100. The others bracket it.
var costModels = []costModel{
	{name: "realistic", latency: 50 * time.Millisecond, perMB: 100 * time.Millisecond, gateway: 60 * time.Second, perMinute: 1200, burst: 100},
	{name: "slow", latency: 150 * time.Millisecond, perMB: 400 * time.Millisecond, gateway: 30 * time.Second, perMinute: 600, burst: 50},
	{name: "fast", latency: 20 * time.Millisecond, perMB: 25 * time.Millisecond, gateway: 60 * time.Second},
}

func (m costModel) options(ds *sim.Dataset) sim.Options {
	return sim.Options{
		Dataset:        ds,
		Faults:         []sim.Fault{{Kind: sim.FaultLatency, Latency: m.latency}},
		LatencyPerMB:   m.perMB,
		GatewayTimeout: m.gateway,
		RateLimit:      sim.RateLimit{PerMinute: m.perMinute, Burst: m.burst},
	}
}

func (m costModel) simFlags() []string {
	f := []string{"--latency", m.latency.String(), "--latency-per-mb", m.perMB.String(), "--gateway-timeout", m.gateway.String()}
	if m.perMinute > 0 {
		f = append(f, "--rate-limit", fmt.Sprint(m.perMinute), "--rate-burst", fmt.Sprint(m.burst))
	}
	return f
}

// realAccount is the account of the issue: 10,000 servers in 500 data
// centers, 2 volumes and 1 NIC per server, 2 LANs per data center (the
// generator's defaults).
func realAccount() *sim.Dataset {
	return sim.Generate(sim.GenerateOptions{Datacenters: 500, ServersPerDatacenter: 20, Seed: 1})
}

// walk is what walking every page of list_servers took.
type walk struct {
	calls      int
	first      time.Duration // the first page's tool call
	took       time.Duration // every page
	textBytes  int
	servers    map[string]int // server id -> times listed
	serverList int
}

// walkServers follows next from the first page of list_servers to the last.
func walkServers(tb testing.TB, cs *mcp.ClientSession, args map[string]any) walk {
	tb.Helper()
	w := walk{servers: map[string]int{}}
	start := time.Now()
	for cursor := ""; ; {
		a := map[string]any{}
		for k, v := range args {
			a[k] = v
		}
		if cursor != "" {
			a["cursor"] = cursor
		}
		res := callTool(tb, cs, "list_servers", a)
		w.calls++
		if w.calls == 1 {
			w.first = time.Since(start)
		}
		w.textBytes += len(textOf(res))
		var out listServersOutput
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			tb.Fatal(err)
		}
		for _, dc := range out.Datacenters {
			for _, s := range dc.Servers {
				w.servers[s.ID]++
				w.serverList++
			}
		}
		if cursor = out.Next; cursor == "" {
			break
		}
		if w.calls > 10000 {
			tb.Fatal("the walk does not end")
		}
	}
	w.took = time.Since(start)
	return w
}

// exact fails unless the walk listed every server of ds exactly once.
func (w walk) exact(tb testing.TB, ds *sim.Dataset) {
	tb.Helper()
	if len(w.servers) != ds.ServerCount() || w.serverList != ds.ServerCount() {
		tb.Fatalf("the walk listed %d servers (%d distinct); the account has %d", w.serverList, len(w.servers), ds.ServerCount())
	}
	for _, dc := range ds.Datacenters {
		for _, s := range dc.Servers {
			if w.servers[s.ID] != 1 {
				tb.Fatalf("server %s listed %d times", s.ID, w.servers[s.ID])
			}
		}
	}
}

// naiveWalk is the plan of an agent without an account-wide inventory:
// list_datacenters, every page, then list_servers of each data center,
// every page. It returns the tool calls and servers seen.
func naiveWalk(tb testing.TB, cs *mcp.ClientSession) (calls, servers int) {
	tb.Helper()
	var ids []string
	for cursor := ""; ; {
		args := map[string]any{}
		if cursor != "" {
			args["cursor"] = cursor
		}
		res := callTool(tb, cs, "list_datacenters", args)
		calls++
		var out struct {
			Datacenters []struct {
				ID string `json:"id"`
			} `json:"datacenters"`
			Next string `json:"next"`
		}
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			tb.Fatal(err)
		}
		for _, dc := range out.Datacenters {
			ids = append(ids, dc.ID)
		}
		if cursor = out.Next; cursor == "" {
			break
		}
	}
	for _, id := range ids {
		w := walkServers(tb, cs, map[string]any{"datacenter": id})
		calls += w.calls
		servers += w.serverList
	}
	return calls, servers
}

// depth1Bytes is what listing every data center's servers once at depth 1
// moves: the bytes of GET /datacenters/{id}/servers in a per-data-center
// inventory.
func depth1Bytes(tb testing.TB, m costModel, ds *sim.Dataset) int64 {
	tb.Helper()
	s := startModel(tb, m, ds)
	c := newClient(tb, s, cloud.Config{})
	if _, err := c.InventoryPlan(context.Background(), cloud.PlanPerDatacenter); err != nil {
		tb.Fatal(err)
	}
	return s.Stats().BytesByRoute["GET /datacenters/{id}/servers"]
}

func startModel(tb testing.TB, m costModel, ds *sim.Dataset) *sim.Server {
	tb.Helper()
	s, err := sim.Start(m.options(ds))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
