package paging

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Store holds the snapshots of walks in progress, per caller, for a short
// time. It is bounded by the total weight of what it holds (for a listing:
// its number of items) and by the snapshots per caller; the oldest go
// first. A miss is never an error for the walk: its cursor resumes in a
// fresh listing.
type Store[T any] struct {
	ttl       time.Duration
	maxWeight int
	perCaller int
	now       func() time.Time

	mu      sync.Mutex
	entries map[string]*entry[T] // walk id -> snapshot
	weight  int
}

type entry[T any] struct {
	caller  string
	value   T
	weight  int
	created time.Time
}

// NewStore returns a store whose snapshots live for ttl, holding at most
// maxWeight in all and perCaller snapshots per caller.
func NewStore[T any](ttl time.Duration, maxWeight, perCaller int, now func() time.Time) *Store[T] {
	if now == nil {
		now = time.Now
	}
	return &Store[T]{ttl: ttl, maxWeight: maxWeight, perCaller: max(perCaller, 1), now: now, entries: map[string]*entry[T]{}}
}

// Put keeps v for caller and returns the walk id that names it. A value
// heavier than the whole store is not kept: ok is false, and the walk's
// pages each take a fresh listing.
func (s *Store[T]) Put(caller string, v T, weight int) (id string, ok bool) {
	id = newID()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.dropExpired(now)
	if weight > s.maxWeight {
		return id, false
	}
	for s.weight+weight > s.maxWeight || s.count(caller) >= s.perCaller {
		s.dropOldest(caller, s.weight+weight > s.maxWeight)
	}
	s.entries[id] = &entry[T]{caller: caller, value: v, weight: weight, created: now}
	s.weight += weight
	return id, true
}

// Get returns the snapshot named id if it is still held and belongs to caller.
func (s *Store[T]) Get(caller, id string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok || e.caller != caller || s.now().Sub(e.created) >= s.ttl {
		var zero T
		return zero, false
	}
	return e.value, true
}

// Len is the number of snapshots held, for tests and diagnostics.
func (s *Store[T]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func (s *Store[T]) count(caller string) int {
	n := 0
	for _, e := range s.entries {
		if e.caller == caller {
			n++
		}
	}
	return n
}

// dropOldest removes the oldest snapshot: of anyone when the store is
// full, else of caller.
func (s *Store[T]) dropOldest(caller string, anyone bool) {
	var oldest string
	for id, e := range s.entries {
		if !anyone && e.caller != caller {
			continue
		}
		if oldest == "" || e.created.Before(s.entries[oldest].created) {
			oldest = id
		}
	}
	s.remove(oldest)
}

func (s *Store[T]) dropExpired(now time.Time) {
	for id, e := range s.entries {
		if now.Sub(e.created) >= s.ttl {
			s.remove(id)
		}
	}
}

func (s *Store[T]) remove(id string) {
	if e, ok := s.entries[id]; ok {
		s.weight -= e.weight
		delete(s.entries, id)
	}
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
