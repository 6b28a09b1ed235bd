package sim

import (
	"context"
	"time"
)

// costModel is what an answer costs in time: its latency faults plus its
// size times the cost per MB, capped by the gateway's timeout.
type costModel struct {
	perMB   time.Duration // 0 = answers cost nothing
	gateway time.Duration // 0 = no gateway timeout
}

func newCostModel(perMB, gateway time.Duration) costModel {
	return costModel{perMB: resolveDuration(perMB, DefaultLatencyPerMB), gateway: resolveDuration(gateway, DefaultGatewayTimeout)}
}

// resolveDuration applies the Options convention: 0 is the default, a
// negative value is none.
func resolveDuration(v, def time.Duration) time.Duration {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// bytesPerMB: MB in the cost model is the decimal megabyte.
const bytesPerMB = 1_000_000

// ofBody is the time n bytes of body cost.
func (m costModel) ofBody(n int) time.Duration {
	return time.Duration(int64(n) * int64(m.perMB) / bytesPerMB)
}

// timesOut reports whether an answer modelled to take d passes the gateway.
func (m costModel) timesOut(d time.Duration) bool { return m.gateway > 0 && d > m.gateway }

// upTo is d, or the gateway timeout if that comes first.
func (m costModel) upTo(d time.Duration) time.Duration {
	if m.gateway > 0 {
		return min(d, m.gateway)
	}
	return d
}

// sleepFunc waits d unless ctx ends first and reports whether all of d
// passed. The Simulator holds one so that tests can record modelled times
// instead of waiting them out.
type sleepFunc func(ctx context.Context, d time.Duration) bool

// sleep waits d unless ctx ends first; it reports whether the full delay
// passed. Latency is real time even with a ManualClock: it models the
// network and the API's work, which the simulated clock does not govern.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
