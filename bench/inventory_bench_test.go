package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// BenchmarkInventoryWalk walks every page of list_servers on the account
// of 10,000 servers in 500 data centers (2 volumes and 1 NIC per server, 2
// LANs per data center), under each cost model, through an MCP session
// with the production server (server.New, every tool, the real HTTP
// stack, retry layer and limiter). Each op starts a fresh simulator (a
// full rate-limit bucket) and the walk is checked complete and exact.
//
// Metrics: the whole walk's wall time, the first page's, tool calls, API
// requests and bytes, the bytes against listing every data center's
// servers once at depth 1, and text content bytes per server.
func BenchmarkInventoryWalk(b *testing.B) {
	ds := realAccount()
	for _, m := range costModels {
		b.Run(m.name, func(b *testing.B) {
			base := depth1Bytes(b, m, ds)
			var w walk
			var st sim.Stats
			for b.Loop() {
				b.StopTimer()
				s := startModel(b, m, ds)
				cs := session(b, s, nil, cloud.Poll{})
				b.StartTimer()
				w = walkServers(b, cs, nil)
				b.StopTimer()
				st = s.Stats()
				w.exact(b, ds)
				b.StartTimer()
			}
			b.ReportMetric(ms(w.took), "walk-ms")
			b.ReportMetric(ms(w.first), "first-page-ms")
			b.ReportMetric(float64(w.calls), "tool-calls")
			b.ReportMetric(float64(st.Requests), "requests")
			b.ReportMetric(float64(st.Bytes)/1e6, "api-MB")
			b.ReportMetric(float64(st.Bytes)/float64(base), "bytes/depth1")
			b.ReportMetric(float64(w.textBytes)/float64(w.serverList), "text-B/server")
		})
	}
}

// BenchmarkInventoryVsNaive is the walk against the naive agent plan in
// the same run, each on a fresh simulator of the same model: the naive
// plan lists the data centers (every page of list_datacenters), then the
// servers of each (list_servers with the data center, every page), as an
// agent with per-data-center tools does. Its tool calls are counted; its
// model turns, which would add seconds each, are not.
func BenchmarkInventoryVsNaive(b *testing.B) {
	ds := realAccount()
	for _, m := range costModels {
		b.Run(m.name, func(b *testing.B) {
			var ours walk
			var naive time.Duration
			var naiveCalls int
			var naiveReqs int64
			for b.Loop() {
				s := startModel(b, m, ds)
				ours = walkServers(b, session(b, s, nil, cloud.Poll{}), nil)
				ours.exact(b, ds)

				s = startModel(b, m, ds)
				start := time.Now()
				calls, n := naiveWalk(b, session(b, s, nil, cloud.Poll{}))
				naive, naiveCalls, naiveReqs = time.Since(start), calls, s.Stats().Requests
				if n != ds.ServerCount() {
					b.Fatalf("the naive plan listed %d servers", n)
				}
			}
			b.ReportMetric(ms(ours.took), "walk-ms")
			b.ReportMetric(float64(ours.calls), "tool-calls")
			b.ReportMetric(ms(naive), "naive-ms")
			b.ReportMetric(float64(naiveCalls), "naive-tool-calls")
			b.ReportMetric(float64(naiveReqs), "naive-requests")
			b.ReportMetric(float64(naive)/float64(ours.took), "speedup")
		})
	}
}

// BenchmarkInventoryDeepHangs is the walk of the realistic model with
// every deep request (depth 2 and more) held past the client's read
// timeout: list_servers must still answer, complete, within its deadline
// (60 s), from per-data-center listing.
func BenchmarkInventoryDeepHangs(b *testing.B) {
	ds := realAccount()
	m := costModels[0]
	var w walk
	var st sim.Stats
	for b.Loop() {
		o := m.options(ds)
		o.Faults = append(o.Faults, sim.Fault{Kind: sim.FaultLatency, Latency: 120 * time.Second, MinDepth: 2})
		s, err := sim.Start(o)
		if err != nil {
			b.Fatal(err)
		}
		w = walkServers(b, session(b, s, nil, cloud.Poll{}), nil)
		w.exact(b, ds)
		st = s.Stats()
		s.Close()
	}
	b.ReportMetric(ms(w.first), "first-page-ms")
	b.ReportMetric(ms(w.took), "walk-ms")
	b.ReportMetric(float64(w.calls), "tool-calls")
	b.ReportMetric(float64(st.Requests), "requests")
}

// BenchmarkInventory500 is an account of 500 servers (25 data centers of
// 20) under the realistic model: the inventory prompt in one call.
func BenchmarkInventory500(b *testing.B) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 25, ServersPerDatacenter: 20, Seed: 2})
	m := costModels[0]
	var w walk
	for b.Loop() {
		b.StopTimer()
		s := startModel(b, m, ds)
		cs := session(b, s, nil, cloud.Poll{})
		b.StartTimer()
		w = walkServers(b, cs, nil)
		w.exact(b, ds)
	}
	b.ReportMetric(ms(w.took), "ms")
	b.ReportMetric(float64(w.calls), "tool-calls")
	b.ReportMetric(float64(w.textBytes)/float64(w.serverList), "text-B/server")
}

// BenchmarkInventoryShapes compares the plans at the domain client on
// accounts of several shapes (data centers x servers each), under the
// realistic model's latency and cost per MB but no rate limit, so that
// the figures show each plan's own speed: auto (what list_servers uses)
// with a fresh client and with one that listed the account once before
// (warm: its pages are sized from what it learned), deep alone, and per
// data center with 8 and 32 requests in flight.
func BenchmarkInventoryShapes(b *testing.B) {
	m := costModels[0]
	m.perMinute, m.burst = 0, 0
	for _, sh := range [][2]int{{3, 4}, {50, 20}, {500, 20}, {10, 1000}, {1, 5000}} {
		ds := sim.Generate(sim.GenerateOptions{Datacenters: sh[0], ServersPerDatacenter: sh[1], Seed: 1})
		s := startModel(b, m, ds)
		for _, p := range []struct {
			name string
			plan cloud.Plan
			par  int
			warm bool
		}{{"auto", cloud.PlanAuto, 0, false}, {"auto-warm", cloud.PlanAuto, 0, true}, {"deep", cloud.PlanDeep, 0, false},
			{"per-dc-8", cloud.PlanPerDatacenter, 8, false}, {"per-dc-32", cloud.PlanPerDatacenter, 32, false}} {
			b.Run(fmt.Sprintf("%dx%d/%s", sh[0], sh[1], p.name), func(b *testing.B) {
				benchPlan(b, s, p.plan, p.par, p.warm, ds.ServerCount())
			})
		}
	}
}

// benchPlan lists the inventory of s with a fresh client (nothing
// learned), or with one that listed it once before.
func benchPlan(b *testing.B, s *sim.Server, plan cloud.Plan, par int, warm bool, want int) {
	var st cloud.InventoryStats
	c := newClient(b, s, cloud.Config{Parallelism: par})
	if warm {
		if _, err := c.InventoryPlan(context.Background(), plan); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if !warm {
			c = newClient(b, s, cloud.Config{Parallelism: par})
		}
		inv, err := c.InventoryPlan(context.Background(), plan)
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Servers) != want {
			b.Fatalf("%d servers, want %d", len(inv.Servers), want)
		}
		st = inv.Stats
	}
	b.ReportMetric(ms(st.Took), "ms")
	b.ReportMetric(float64(st.Requests), "requests")
	b.ReportMetric(float64(st.Bytes)/1e6, "api-MB")
}
