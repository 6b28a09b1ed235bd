package bench

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// Power waits run in real time with the simulator's default timing: a
// start is QUEUED for 1 s, RUNNING for 20 s, then DONE, and the server
// shows RUNNING 1 s later.
const (
	powerQueue    = time.Second
	powerStart    = 20 * time.Second
	powerStateLag = time.Second
	// powerActions are the starts made one after the other in a trial:
	// the first on a process that knows nothing (cold), the next ones
	// after one and two waits of the same kind (warm).
	powerActions = 3
	// powerTrials run in parallel, each on its own simulator, and the
	// figures are their medians.
	powerTrials = 3
)

// powerStage is what one start_server call did.
type powerStage struct {
	polls          int           // status and server reads after the POST
	statusPolls    int           // of which request status reads
	doneToReturn   time.Duration // from DONE on the simulator to the tool's return
	detect         time.Duration // from DONE to the first status read sent after it
	settleToReturn time.Duration // from the server showing RUNNING to the tool's return
}

// BenchmarkPowerWait is a 20-second power action (start_server on an
// ENTERPRISE server, by ids, default polling) through an MCP session with
// the production server: the polls it made, and the delay from DONE on
// the simulator (and from the server's new state, DONE + 1 s) to the
// tool's return; cold (first action of the process), and warm (after one
// and two actions of the same kind). Run with -benchtime 1x: an op takes
// about 70 s.
func BenchmarkPowerWait(b *testing.B) {
	var results [powerTrials][powerActions]powerStage
	for b.Loop() {
		var wg sync.WaitGroup
		for t := range powerTrials {
			wg.Go(func() { results[t] = powerTrial(b) })
		}
		wg.Wait()
	}
	for i, name := range []string{"cold", "warm1", "warm2"} {
		var polls, status, d2r, det, s2r []float64
		for t := range powerTrials {
			r := results[t][i]
			polls = append(polls, float64(r.polls))
			status = append(status, float64(r.statusPolls))
			d2r = append(d2r, ms(r.doneToReturn))
			det = append(det, ms(r.detect))
			s2r = append(s2r, ms(r.settleToReturn))
		}
		b.ReportMetric(median(polls), name+"-polls")
		b.ReportMetric(median(status), name+"-status-polls")
		b.ReportMetric(median(d2r), name+"-done-to-return-ms")
		b.ReportMetric(median(det), name+"-done-to-seen-ms")
		b.ReportMetric(median(s2r), name+"-state-to-return-ms")
	}
}

func powerTrial(b *testing.B) [powerActions]powerStage {
	// The servers become SHUTOFF ENTERPRISE servers; their generated boot
	// volumes would be CUBE-only DAS for some, so they get none.
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 1, ServersPerDatacenter: powerActions, Seed: 7, VolumesPerServer: -1})
	for i := range ds.Datacenters[0].Servers {
		s := &ds.Datacenters[0].Servers[i]
		s.Type, s.VMState, s.CPUFamily = sim.TypeEnterprise, sim.VMShutoff, "INTEL_ICELAKE"
	}
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		b.Error(err)
		return [powerActions]powerStage{}
	}
	defer s.Close()
	rec := &recorder{}
	cs := session(b, s, rec, cloud.Poll{})
	dc := ds.Datacenters[0]
	var out [powerActions]powerStage
	for i, srv := range dc.Servers {
		start := time.Now()
		res := callTool(b, cs, "start_server", map[string]any{"server": srv.ID, "datacenter": dc.ID})
		ret := time.Now()
		var po tools.PowerOutput
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &po); err != nil || po.Status != cloud.StatusDone || po.Server == nil || po.Server.VMState != "RUNNING" {
			b.Errorf("start_server: %s (%v)", raw, err)
			return out
		}
		writes := s.Stats().Writes
		if len(writes) != i+1 {
			b.Errorf("%d writes after %d starts", len(writes), i+1)
			return out
		}
		done := writes[i].At.Add(powerQueue + powerStart)
		st := powerStage{doneToReturn: ret.Sub(done), settleToReturn: ret.Sub(done.Add(powerStateLag)), detect: -1}
		for _, r := range rec.since(start) {
			if r.method != "GET" {
				continue
			}
			isStatus := strings.HasPrefix(r.path, "/cloudapi/v6/requests/")
			isServer := strings.Contains(r.path, "/servers/")
			if r.at.Before(writes[i].At) {
				continue // resolving the server, before the POST
			}
			if isStatus || isServer {
				st.polls++
			}
			if isStatus {
				st.statusPolls++
				if st.detect < 0 && !r.at.Before(done) {
					st.detect = r.at.Sub(done)
				}
			}
		}
		if st.detect < 0 {
			b.Errorf("no status read after DONE: %v", fmt.Sprint(rec.since(start)))
		}
		out[i] = st
	}
	return out
}
