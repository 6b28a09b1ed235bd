package cloud

import (
	"sync"
	"time"
)

// Adaptive polling. A wait for a power action has two phases: the request
// runs until DONE or FAILED, then the server takes a moment more to show
// its new vmState. Plain backoff must choose between many polls and a late
// answer: to see a 20 s request within 300 ms it would poll every 300 ms.
// Instead, every completed wait teaches the process how long that kind of
// wait took (per API, action, server type and phase), and the next wait of
// the same kind sleeps until shortly before the expected end, then polls
// quickly through a window around it, then falls back to backoff if the
// end has not come (a long tail costs few polls, and moves the estimate).
//
// Nothing known: quick first (Poll.First), then ×1.6 up to Poll.Max.
// Known: one early poll at Poll.First for the request phase (a request can
// fail at once), then a single sleep to the window's start, polls every
// step through the window (step = window/8, within [First/5, First]), then
// backoff (×1.6 from at least First/2, up to Max). The window is mean ± (the last sample's bracket + 2
// deviations), at least First/2 either side: real durations vary, and the
// window widens as they do.
//
// Every wait honours Retry-After (a transient error waits at least that
// long before the next poll) and its deadline: a poll that would come after
// it is moved to just before it, so that the last status is fresh.

// Expect describes what a wait waits for, so that it can use what the
// waits of the same kind took before. The zero Expect learns nothing and
// uses plain backoff.
type Expect struct {
	Action     Action
	ServerType string
	// Since is when the API accepted the action (the POST answered). Both
	// phases are measured from it: the server's new state comes a moment
	// after DONE, and measuring it from when DONE was seen would add the
	// lateness of that poll to what is learned.
	Since time.Time
}

func (e Expect) known() bool { return e.Action != "" && !e.Since.IsZero() }

// waitPhase tells the two phases of a power action's wait apart.
type waitPhase uint8

const (
	phaseRequest waitPhase = iota // accepted -> DONE
	phaseSettle                   // DONE -> the server shows its new vmState
)

type durationKey struct {
	api        string
	action     Action
	serverType string
	phase      waitPhase
}

// estimate is what was learned about one kind of wait.
type estimate struct {
	mean time.Duration // smoothed duration
	dev  time.Duration // smoothed absolute deviation from mean
	half time.Duration // half the uncertainty of the last sample (its polls' bracket)
	n    int
}

// observe adds a sample known to lie in (lo, hi].
func (e *estimate) observe(lo, hi time.Duration) {
	obs, half := (lo+hi)/2, (hi-lo)/2
	if e.n == 0 {
		e.mean, e.dev, e.half = obs, 0, half
	} else {
		diff := obs - e.mean
		if diff < 0 {
			diff = -diff
		}
		e.dev = (3*e.dev + diff) / 4
		e.mean = (e.mean + obs) / 2
		e.half = half
	}
	e.n++
}

// maxEstimates bounds the learned table; it is cleared when full (a
// process talks to one API, so this only matters for odd uses).
const maxEstimates = 4096

// Learner remembers how long waits took. Durations are a property of the
// platform, not of a caller, so the clients of one process share one
// (Config.Learner); a client without one learns alone.
type Learner struct {
	mu sync.Mutex
	m  map[durationKey]estimate
}

// NewLearner returns an empty Learner.
func NewLearner() *Learner { return &Learner{m: map[durationKey]estimate{}} }

func (l *Learner) lookup(k durationKey) (estimate, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[k]
	return e, ok
}

func (l *Learner) observe(k durationKey, lo, hi time.Duration) {
	if hi <= 0 || lo < 0 || lo > hi {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[k]
	if e.n == 0 && len(l.m) >= maxEstimates {
		clear(l.m)
	}
	e.observe(lo, hi)
	l.m[k] = e
}

// ExpectedDuration is what this process learned a wait of this kind takes,
// measured from Expect.Since; ok is false while nothing is known.
func (c *Client) ExpectedDuration(a Action, serverType string, settle bool) (d time.Duration, ok bool) {
	ph := phaseRequest
	if settle {
		ph = phaseSettle
	}
	e, ok := c.learner.lookup(durationKey{api: c.base.String(), action: a, serverType: serverType, phase: ph})
	return e.mean, ok
}

// schedule decides when the next poll of one wait is due.
type schedule struct {
	poll  Poll
	est   estimate
	known bool
	early bool // poll once at Poll.First even when the end is known to be far
}

// window returns the start and end of the polling window and the step
// within it, measured from the start of the wait.
func (s schedule) window() (from, to, step time.Duration) {
	h := s.est.half + 2*s.est.dev
	h = max(h, s.poll.First/2)
	h = min(h, max(s.est.mean/2, s.poll.First/2))
	step = min(max(2*h/8, s.poll.First/5), s.poll.First)
	return s.est.mean - h, s.est.mean + h, step
}

// next returns the delay until the next poll, given the time elapsed since
// the wait began, the previous delay (0 before the first poll) and the
// number of polls made.
func (s schedule) next(elapsed, prev time.Duration, polls int) time.Duration {
	if !s.known {
		return s.poll.next(prev)
	}
	from, to, step := s.window()
	switch {
	case polls == 0 && s.early && from > elapsed+4*s.poll.First:
		return s.poll.First
	case elapsed < from:
		return from - elapsed
	case elapsed < to:
		return step
	default:
		// Past the window: the end is late, and the estimate says no more
		// about when it comes. Back off, from half the first delay at least.
		d := max(prev, step, s.poll.First/2) * 8 / 5
		return min(d, s.poll.Max)
	}
}
