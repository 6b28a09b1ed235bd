package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// BenchmarkInventory10k is the headline: 10,000 servers in 500 data
// centers behind 50 ms of API latency. Each op lists them twice, in the
// same process against the same simulator:
//
//   - ionos-mcp: one list_servers call without arguments, through an MCP
//     session with the production server (server.New), as an agent makes it;
//   - naive: the plan of an agent with per-data-center tools: list the data
//     centers, then the servers of each, one after the other (the bare API
//     requests only: no tool overhead and no model time are counted for it).
//
// Metrics: wall time and API requests of both, their ratio, and the peak
// heap and runtime memory of the whole process (simulator included) during
// the ionos-mcp call.
func BenchmarkInventory10k(b *testing.B) {
	s := startSim(b, 500, 20, latency)
	cs := session(b, s, nil, cloud.Poll{})
	naive := newClient(b, s, cloud.Config{})
	ctx := context.Background()
	var ours, theirs time.Duration
	var oursReqs, theirReqs int64
	var heap, total float64
	for b.Loop() {
		runtime.GC()
		s.ResetStats()
		pm := watchMemory()
		start := time.Now()
		res := callTool(b, cs, "list_servers", nil)
		ours = time.Since(start)
		heap, total = pm.end()
		oursReqs = s.Stats().Requests
		var out listServersOutput
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil || out.Total != 10000 || out.DatacenterTotal != 500 {
			b.Fatalf("list_servers: total %d in %d data centers, %v", out.Total, out.DatacenterTotal, err)
		}

		s.ResetStats()
		start = time.Now()
		dcs, err := naive.ListDatacenters(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, dc := range dcs {
			servers, err := naive.ListServers(ctx, dc)
			if err != nil {
				b.Fatal(err)
			}
			n += len(servers)
		}
		theirs = time.Since(start)
		theirReqs = s.Stats().Requests
		if n != 10000 {
			b.Fatalf("naive plan found %d servers", n)
		}
	}
	b.ReportMetric(ms(ours), "ms")
	b.ReportMetric(float64(oursReqs), "requests")
	b.ReportMetric(ms(theirs), "naive-ms")
	b.ReportMetric(float64(theirReqs), "naive-requests")
	b.ReportMetric(float64(theirs)/float64(ours), "speedup")
	b.ReportMetric(heap, "heap-MiB")
	b.ReportMetric(total, "runtime-MiB")
}

// BenchmarkInventoryShapes compares the plans on accounts of several
// shapes (data centers x servers each), 50 ms of latency, at the domain
// client: deep (GET /datacenters?depth=3), fan-out with 8 and 32 requests
// in flight, and the naive sequential plan (left out for 500x20, whose
// naive figure is BenchmarkInventory10k's).
func BenchmarkInventoryShapes(b *testing.B) {
	shapes := [][2]int{{3, 4}, {50, 20}, {500, 20}, {10, 1000}, {1, 5000}}
	for _, sh := range shapes {
		s := startSim(b, sh[0], sh[1], latency)
		for _, p := range []struct {
			name string
			plan cloud.Plan
			par  int
		}{{"deep", cloud.PlanDeep, 0}, {"fanout-8", cloud.PlanFanOut, 8}, {"fanout-32", cloud.PlanFanOut, 32}, {"naive", -1, 0}} {
			if p.plan < 0 && sh[0] >= 500 {
				continue
			}
			b.Run(fmt.Sprintf("%dx%d/%s", sh[0], sh[1], p.name), func(b *testing.B) {
				c := newClient(b, s, cloud.Config{Parallelism: p.par})
				benchPlan(b, s, c, p.plan, sh[0]*sh[1])
			})
		}
	}
}

// BenchmarkInventoryRateLimited is 2,000 servers in 100 data centers behind
// 50 ms of latency and the API's nominal rate limit (600 requests a minute,
// bursts of 50), with a fresh bucket for every listing.
func BenchmarkInventoryRateLimited(b *testing.B) {
	for _, p := range []struct {
		name string
		plan cloud.Plan
	}{{"deep", cloud.PlanDeep}, {"fanout-8", cloud.PlanFanOut}} {
		b.Run(p.name, func(b *testing.B) {
			var d time.Duration
			var reqs int64
			for b.Loop() {
				b.StopTimer()
				s, err := sim.Start(sim.Options{
					Dataset:   sim.Generate(sim.GenerateOptions{Datacenters: 100, ServersPerDatacenter: 20, Seed: 1}),
					Faults:    []sim.Fault{{Kind: sim.FaultLatency, Latency: latency}},
					RateLimit: sim.RateLimit{PerMinute: 600, Burst: 50},
				})
				if err != nil {
					b.Fatal(err)
				}
				c := newClient(b, s, cloud.Config{})
				b.StartTimer()
				start := time.Now()
				inv, err := c.InventoryPlan(context.Background(), p.plan)
				d = time.Since(start)
				if err != nil || len(inv.Servers) != 2000 {
					b.Fatalf("%d servers, %v", len(inv.Servers), err)
				}
				reqs = s.Stats().Requests
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(ms(d), "ms")
			b.ReportMetric(float64(reqs), "requests")
		})
	}
}

// benchPlan lists the inventory of s with c, by plan or, for a negative
// plan, naively.
func benchPlan(b *testing.B, s *sim.Server, c *cloud.Client, plan cloud.Plan, want int) {
	ctx := context.Background()
	var d time.Duration
	var reqs int64
	for b.Loop() {
		s.ResetStats()
		start := time.Now()
		n := 0
		if plan < 0 {
			dcs, err := c.ListDatacenters(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, dc := range dcs {
				servers, err := c.ListServers(ctx, dc)
				if err != nil {
					b.Fatal(err)
				}
				n += len(servers)
			}
		} else {
			inv, err := c.InventoryPlan(ctx, plan)
			if err != nil {
				b.Fatal(err)
			}
			n = len(inv.Servers)
		}
		d = time.Since(start)
		reqs = s.Stats().Requests
		if n != want {
			b.Fatalf("%d servers, want %d", n, want)
		}
	}
	b.ReportMetric(ms(d), "ms")
	b.ReportMetric(float64(reqs), "requests")
}
