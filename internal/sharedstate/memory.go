package sharedstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxKeys bounds each map of the memory store; past it, expired entries
// are dropped first.
const maxKeys = 100000

// maxValueBytes bounds the values the memory store keeps at once.
const maxValueBytes = 64 << 20

var errFull = errors.New("too many live claims")

// Memory is the Store of a single process.
type Memory struct {
	now func() time.Time
	max int // of each map

	mu      sync.Mutex
	claims  map[string]time.Time // key -> expiry
	holds   map[string]time.Time // key -> held until
	buckets map[string]*bucket
	values  map[string]value
	bytes   int // of values
}

type value struct {
	b   []byte
	exp time.Time
}

type bucket struct {
	lim *rate.Limiter
	l   Limit
}

// NewMemory returns an empty in-process store.
func NewMemory() *Memory {
	return &Memory{now: time.Now, max: maxKeys, claims: map[string]time.Time{}, holds: map[string]time.Time{}, buckets: map[string]*bucket{}, values: map[string]value{}}
}

// WithClock replaces the memory store's clock, for tests.
func (m *Memory) WithClock(now func() time.Time) *Memory { m.now = now; return m }

// Claim implements Store.
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if exp, ok := m.claims[key]; ok && now.Before(exp) {
		return false, nil
	}
	if len(m.claims) >= m.max {
		prune(m.claims, now)
		if len(m.claims) >= m.max {
			// Forgetting a live claim would let a spent grant run again.
			return false, fmt.Errorf("%w: %d confirmations are live in this process", errFull, len(m.claims))
		}
	}
	m.claims[key] = now.Add(ttl)
	return true, nil
}

// Allow implements Store.
func (m *Memory) Allow(_ context.Context, key string, l Limit, n int) (Decision, error) {
	if n > l.Burst {
		return Decision{RetryAfter: -1}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	b, ok := m.buckets[key]
	if !ok || b.l != l {
		m.makeRoom(now)
		b = &bucket{lim: rate.NewLimiter(rate.Limit(l.PerSecond), l.Burst), l: l}
		m.buckets[key] = b
	}
	r := b.lim.ReserveN(now, n)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return Decision{RetryAfter: d}, nil
	}
	return Decision{Allowed: true}, nil
}

// Hold implements Store.
func (m *Memory) Hold(_ context.Context, key string, d time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	until := now.Add(d)
	if until.After(m.holds[key]) {
		if len(m.holds) >= m.max {
			prune(m.holds, now)
			if len(m.holds) >= m.max {
				clear(m.holds) // a hold is a courtesy to the API, not a safety rule
			}
		}
		m.holds[key] = until
	}
	return nil
}

// Held implements Store.
func (m *Memory) Held(_ context.Context, key string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return max(m.holds[key].Sub(m.now()), 0), nil
}

// Put implements Store. Past its bounds it refuses new values rather than
// drop live ones: a plan that vanished would fail the person's decision.
func (m *Memory) Put(_ context.Context, key string, v []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.drop(key)
	if len(m.values) >= m.max || m.bytes+len(v) > maxValueBytes {
		for k, old := range m.values {
			if !now.Before(old.exp) {
				m.drop(k)
			}
		}
		if len(m.values) >= m.max || m.bytes+len(v) > maxValueBytes {
			return fmt.Errorf("%w: %d values (%d bytes) are kept in this process", errFull, len(m.values), m.bytes)
		}
	}
	m.values[key] = value{b: append([]byte(nil), v...), exp: now.Add(ttl)}
	m.bytes += len(v)
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[key]
	if !ok || !m.now().Before(v.exp) {
		return nil, false, nil
	}
	return append([]byte(nil), v.b...), true, nil
}

func (m *Memory) drop(key string) {
	if old, ok := m.values[key]; ok {
		m.bytes -= len(old.b)
		delete(m.values, key)
	}
}

// Shared implements Store: memory is this process's alone.
func (m *Memory) Shared() bool { return false }

// Close implements Store.
func (m *Memory) Close() error { return nil }

func prune(keys map[string]time.Time, now time.Time) {
	for k, exp := range keys {
		if !now.Before(exp) {
			delete(keys, k)
		}
	}
}

// makeRoom keeps the buckets below their bound. A bucket that has filled
// up again is the same as a new one, so those go first, which loses
// nothing; if every bucket is in use (a flood of new keys), arbitrary ones
// go, down to nine tenths, so that the next new keys do not each pay for a
// scan.
func (m *Memory) makeRoom(now time.Time) {
	if len(m.buckets) < m.max {
		return
	}
	for k, b := range m.buckets {
		if b.lim.TokensAt(now) >= float64(b.l.Burst) {
			delete(m.buckets, k)
		}
	}
	for k := range m.buckets {
		if len(m.buckets) < m.max*9/10 {
			return
		}
		delete(m.buckets, k)
	}
}
