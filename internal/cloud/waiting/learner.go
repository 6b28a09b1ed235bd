package waiting

import (
	"sync"
	"time"
)

// Phase tells the two phases of a power action's wait apart.
type Phase uint8

// The phases.
const (
	Request Phase = iota // accepted -> DONE
	Settle               // DONE -> the server shows its new vmState
)

// Key is a kind of wait: what the Learner keeps one estimate for.
type Key struct {
	API        string // the API's base URL: durations are the platform's
	Action     string // e.g. "start"
	ServerType string
	Phase      Phase
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
// (the client's Config.Learner); a client without one learns alone.
type Learner struct {
	mu sync.Mutex
	m  map[Key]estimate
}

// NewLearner returns an empty Learner.
func NewLearner() *Learner { return &Learner{m: map[Key]estimate{}} }

func (l *Learner) lookup(k Key) (estimate, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[k]
	return e, ok
}

func (l *Learner) observe(k Key, lo, hi time.Duration) {
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

// Expected is what the Learner learned a wait of kind k takes, measured
// from the start given to NewWait (when the API accepted the action); ok
// is false while nothing is known.
func (l *Learner) Expected(k Key) (d time.Duration, ok bool) {
	e, ok := l.lookup(k)
	return e.mean, ok
}
