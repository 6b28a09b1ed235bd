package bench

import (
	"context"
	"io"
	"log"
	"net/http"
	"testing"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// overheadSamples is the number of calls of each kind per op.
const overheadSamples = 2000

// BenchmarkToolCallOverhead compares, in one process against one simulator
// without latency or cost per MB, a get_server call (server id and data
// center id) through an in-memory MCP session with the production server,
// with the bare sdk-go call that sends the same request (the server at
// depth 2, which inlines its boot device). The two alternate, so that both
// see the same machine. Metrics: p50 and p99 of each, and of the overhead
// (the tool call's quantile minus the bare call's).
func BenchmarkToolCallOverhead(b *testing.B) {
	s := startSim(b, 3, 5, 0, func(o *sim.Options) { o.LatencyPerMB = -1 })
	dc := s.Snapshot().Datacenters[0]
	srv := dc.Servers[0]
	cs := session(b, s, nil, cloud.Poll{})
	args := map[string]any{"server": srv.ID, "datacenter": dc.ID}

	cfg := ionoscloud.NewConfiguration("", "", s.Token(), s.URL+"/cloudapi/v6")
	cfg.HTTPClient = cloud.NewHTTPClient("")
	cfg.LogLevel = ionoscloud.Off
	cfg.Logger = log.New(io.Discard, "", 0)
	cfg.MaxRetries = 1
	bare := ionoscloud.NewAPIClient(cfg)
	bare.GetConfig().HTTPClient = cloud.NewHTTPClient("")
	ctx := context.Background()
	get := func() {
		if _, resp, err := bare.ServersApi.DatacentersServersFindById(ctx, dc.ID, srv.ID).Depth(2).Pretty(false).Execute(); err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(err)
		}
	}
	for range 50 { // warm both paths: connections, schema caches
		callTool(b, cs, "get_server", args)
		get()
	}
	var tool, direct []time.Duration
	for b.Loop() {
		tool, direct = tool[:0], direct[:0]
		for range overheadSamples {
			start := time.Now()
			callTool(b, cs, "get_server", args)
			tool = append(tool, time.Since(start))
			start = time.Now()
			get()
			direct = append(direct, time.Since(start))
		}
	}
	t50, t99 := quantile(tool, 0.50), quantile(tool, 0.99)
	d50, d99 := quantile(direct, 0.50), quantile(direct, 0.99)
	b.ReportMetric(ms(t50), "tool-p50-ms")
	b.ReportMetric(ms(t99), "tool-p99-ms")
	b.ReportMetric(ms(d50), "bare-p50-ms")
	b.ReportMetric(ms(d99), "bare-p99-ms")
	b.ReportMetric(ms(t50-d50), "overhead-p50-ms")
	b.ReportMetric(ms(t99-d99), "overhead-p99-ms")
}
