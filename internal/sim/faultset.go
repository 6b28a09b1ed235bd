package sim

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// faultSet holds the active faults and the seeded source their random
// choices come from.
type faultSet struct {
	mu     sync.Mutex
	list   []Fault
	rng    *rand.Rand
	active atomic.Bool // len(list) > 0: lets the common no-fault path skip the lock
}

func newFaultSet(seed int64, faults []Fault) (*faultSet, error) {
	fs := &faultSet{rng: rand.New(rand.NewPCG(uint64(seed), 0xfa_17))}
	if err := fs.set(faults); err != nil {
		return nil, err
	}
	return fs, nil
}

func (fs *faultSet) set(faults []Fault) error {
	for i, f := range faults {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("fault %d: %w", i+1, err)
		}
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = slices.Clone(faults)
	fs.active.Store(len(fs.list) > 0)
	return nil
}

func (fs *faultSet) add(f Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, f)
	fs.active.Store(true)
	return nil
}

func (fs *faultSet) snapshot() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return slices.Clone(fs.list)
}

// decision is what the faults want done with one call.
type decision struct {
	latency time.Duration
	respond *Fault // a status, html502 or drop fault; nil = answer normally
	fail    bool   // the created request must end FAILED
}

// decide consults the faults in order. Every matching latency fault adds its
// delay; the first status/html502/drop fault that fires decides the answer;
// a fail fault only applies to power actions. A fault's dice are rolled only
// when it matches, so a seeded run repeats as long as the calls do.
// rawQuery is read only for the depth, and only when the call has faults.
func (fs *faultSet) decide(method, path, rawQuery string, isAction bool) decision {
	var d decision
	if !fs.active.Load() {
		return d
	}
	depth := queryDepth(rawQuery)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.list {
		f := &fs.list[i]
		if !fs.wants(f, &d, method, path, depth, isAction) || !fs.fires(f) {
			continue
		}
		f.Fired++
		switch f.Kind {
		case FaultLatency:
			d.latency += fs.delay(f)
		case FaultFail:
			d.fail = true
		default:
			c := *f
			d.respond = &c
		}
	}
	return d
}

// wants reports whether f is a candidate for this call.
func (fs *faultSet) wants(f *Fault, d *decision, method, path string, depth int, isAction bool) bool {
	if f.Count > 0 && f.Fired >= f.Count {
		return false
	}
	if !f.matches(method, path, depth) {
		return false
	}
	switch f.Kind {
	case FaultFail:
		return isAction && !d.fail
	case FaultLatency:
		return true
	}
	return d.respond == nil
}

func (fs *faultSet) fires(f *Fault) bool {
	if f.Probability == 0 || f.Probability >= 1 {
		return true
	}
	return fs.rng.Float64() < f.Probability
}

// queryDepth is the depth parameter of a query string, 0 when it is absent
// or not a number (such a call is answered 400 anyway).
func queryDepth(rawQuery string) int {
	if !strings.Contains(rawQuery, "depth") {
		return 0
	}
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(vals.Get("depth")))
	if err != nil {
		return 0
	}
	return n
}

// delay is Latency ± uniform Jitter, never negative.
func (fs *faultSet) delay(f *Fault) time.Duration {
	d := f.Latency
	if f.Jitter > 0 {
		d += time.Duration((fs.rng.Float64()*2 - 1) * float64(f.Jitter))
	}
	return max(d, 0)
}
