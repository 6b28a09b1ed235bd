package cloud

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// What a deep page may cost. The API's own time for a deep answer is not
// published; it grows with what the answer inlines, and a gateway in front
// of it gives up on long ones. So pages are sized to stay well inside
// both, from what the account's pages cost so far.
const (
	// firstDeepLimit is the size of the first deep page when nothing is
	// known: most accounts fit in it, and a large one shows its cost.
	firstDeepLimit int32 = 64
	maxDeepLimit   int32 = 1000
	// deepPageBytes and deepPageTime are what a later page aims at.
	deepPageBytes = 8 << 20
	deepPageTime  = 2 * time.Second
	// maxDeepTime is when a deep page is abandoned for per-data-center
	// listing.
	maxDeepTime = 10 * time.Second
	// deepCoolDown is how long deep pages are avoided after one was too
	// slow or too large, or because data centers are large.
	deepCoolDown = 10 * time.Minute
	// bigDatacenterBytes is the deep size of a data center past which
	// deep pages lose: a page holds four of them or fewer, so it saves
	// few requests, and it moves more than twice the bytes of listing
	// their servers alone (volumes, LANs and load balancers come along),
	// in one request that cannot be split.
	bigDatacenterBytes = deepPageBytes / 4
)

// planCosts is what the deep pages of one account cost: learned from
// every page, shared by the inventories of one client (one account).
type planCosts struct {
	mu         sync.Mutex
	bytesPerDC float64   // answer bytes per data center, smoothed
	secPerMB   float64   // seconds per MB of answer, its latency included, smoothed
	limitCap   int32     // after a failure: pages no larger than this
	avoidUntil time.Time // after a failure: no deep pages before this
	lastFail   string
	observedAt time.Time // when a deep page last taught something
}

// PlanCosts is what a client learned of its account's deep pages.
type PlanCosts struct {
	BytesPerDatacenter float64   // bytes of a deep answer per data center
	SecondsPerMB       float64   // time per MB of a deep answer, latency included
	NextPage           int32     // data centers the next deep page asks for
	AvoidDeepUntil     time.Time // zero unless deep pages failed recently
	LastFailure        string
}

// PlanCosts reports what the client learned of its account's deep pages.
func (c *Client) PlanCosts() PlanCosts {
	p := c.costs
	p.mu.Lock()
	defer p.mu.Unlock()
	return PlanCosts{BytesPerDatacenter: p.bytesPerDC, SecondsPerMB: p.secPerMB, NextPage: p.limitLocked(true),
		AvoidDeepUntil: p.avoidUntil, LastFailure: p.lastFail}
}

// minTimedBytes is the least answer whose time says something about the
// time per MB; below it latency is all there is.
const minTimedBytes = 256 << 10

// observe learns from a deep page of dcs data centers that took took to
// arrive and be read.
func (p *planCosts) observe(bytes int64, dcs int, took time.Duration) {
	if dcs == 0 || bytes <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.observedAt = time.Now()
	p.bytesPerDC = smooth(p.bytesPerDC, float64(bytes)/float64(dcs))
	if bytes >= minTimedBytes {
		p.secPerMB = smooth(p.secPerMB, took.Seconds()/(float64(bytes)/1e6))
	}
}

// smooth moves an estimate halfway to a new sample.
func smooth(old, sample float64) float64 {
	if old <= 0 {
		return sample
	}
	return (old + sample) / 2
}

// failed learns from a deep page of limit data centers that had to be
// replaced. A page too slow or too large means deep pages cost too much
// here: they are avoided for a while, and smaller after. A server error
// is not the page's size: it changes nothing.
func (p *planCosts) failed(now time.Time, limit int32, err error) {
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, lenient.ErrTooLarge) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limitCap = max(limit/4, 1)
	p.avoidUntil = now.Add(deepCoolDown)
	p.lastFail = fmt.Sprintf("%s at %s (a page of %d data centers)", describeFailure(err), now.UTC().Format(time.TimeOnly+" UTC"), limit)
}

// avoidDeep reports whether deep pages are avoided now, and why: after a
// page too slow or too large, and while the account's data centers are
// known to be large (until that is worth checking again).
func (p *planCosts) avoidDeep(now time.Time) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case now.Before(p.avoidUntil):
		return "deep pages are avoided until " + p.avoidUntil.UTC().Format(time.TimeOnly+" UTC") + ": " + p.lastFail, true
	case p.bytesPerDC >= bigDatacenterBytes && now.Sub(p.observedAt) < deepCoolDown:
		return fmt.Sprintf("data centers here average %.1f MB in deep pages: listing their servers one by one moves less than half of that, in requests that run in parallel", p.bytesPerDC/1e6), true
	}
	return "", false
}

// firstLimit sizes an inventory's first deep page.
func (p *planCosts) firstLimit() int32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limitLocked(true)
}

// pageLimit sizes the deep pages after the first.
func (p *planCosts) pageLimit() int32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limitLocked(false)
}

func (p *planCosts) limitLocked(first bool) int32 {
	limit := maxDeepLimit
	switch {
	case p.bytesPerDC > 0:
		target := float64(deepPageBytes)
		if p.secPerMB > 0 {
			target = min(target, deepPageTime.Seconds()/p.secPerMB*1e6)
		}
		limit = min(max(int32(target/p.bytesPerDC), 1), maxDeepLimit)
	case first:
		limit = firstDeepLimit
	}
	if p.limitCap > 0 {
		limit = min(limit, p.limitCap)
	}
	return limit
}
