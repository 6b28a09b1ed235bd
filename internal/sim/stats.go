package sim

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats counts what clients did; tests use it to prove, for example, that a
// tool listed servers in one call or never retried a POST.
type Stats struct {
	Requests      int64            `json:"requests"`                // every /cloudapi request received, rejected ones included
	ByRoute       map[string]int64 `json:"byRoute"`                 // "GET /datacenters", "POST /datacenters/{id}/servers/{id}/stop", ...
	Bytes         int64            `json:"bytes"`                   // response body bytes sent for every /cloudapi request
	BytesByRoute  map[string]int64 `json:"bytesByRoute"`            // the same, by the keys of ByRoute
	Writes        []Write          `json:"writes"`                  // power actions accepted and executed, in order
	WritesDropped int64            `json:"writesDropped,omitempty"` // writes beyond the retention limit, not listed
}

// Write is one power action the simulator accepted and executed.
type Write struct {
	RequestID    string    `json:"requestId"`
	DatacenterID string    `json:"datacenterId"`
	ServerID     string    `json:"serverId"`
	Action       string    `json:"action"`
	At           time.Time `json:"at"`
}

// maxRetainedWrites bounds Stats.Writes for long benchmarks.
const maxRetainedWrites = 100_000

// routeSlots: one counter per endpoint, actions one per action.
const routeSlots = int(routeKinds) + int(actionCount)

// statsRecorder counts lock-free on the hot path: one atomic per endpoint
// for calls and one for bytes. Calls the simulator does not serve (a method
// the endpoint does not accept, a spec path it does not model) go to small
// locked maps.
type statsRecorder struct {
	requests   atomic.Int64
	bytes      atomic.Int64
	routes     [routeSlots]atomic.Int64
	routeBytes [routeSlots]atomic.Int64

	mu         sync.Mutex
	other      map[string]int64
	otherBytes map[string]int64
	writes     []Write
	dropped    int64
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{other: map[string]int64{}, otherBytes: map[string]int64{}}
}

// routeSlot is the counter of a served endpoint; ok is false for a call the
// simulator does not serve.
func routeSlot(method string, r route) (slot int, ok bool) {
	if !r.serves(method) {
		return 0, false
	}
	if r.kind == routeAction {
		return int(routeKinds) + int(r.act), true
	}
	return int(r.kind), true
}

// routeKey is the statistics key of a call: its method and the path with
// {id} for every id; "" for a path neither simulated nor in the spec.
func routeKey(method string, r route) string {
	switch {
	case r.kind != routeNone:
		return method + " " + routePath(r.kind, r.act)
	case r.spec != nil:
		return method + " " + r.spec.statsPath()
	}
	return ""
}

// routePath is an endpoint's path in simRoutes.
func routePath(k routeKind, a action) string {
	for _, sr := range simRoutes {
		if sr.kind == k && (k != routeAction || sr.act == a) {
			return sr.path
		}
	}
	return ""
}

// count records one call. Paths the API does not have count only in
// Requests.
func (s *statsRecorder) count(method string, r route) {
	s.requests.Add(1)
	if slot, ok := routeSlot(method, r); ok {
		s.routes[slot].Add(1)
		return
	}
	if key := routeKey(method, r); key != "" {
		s.mu.Lock()
		s.other[key]++
		s.mu.Unlock()
	}
}

// sent records the body bytes answered to one call.
func (s *statsRecorder) sent(method string, r route, n int64) {
	s.bytes.Add(n)
	if slot, ok := routeSlot(method, r); ok {
		s.routeBytes[slot].Add(n)
		return
	}
	if key := routeKey(method, r); key != "" {
		s.mu.Lock()
		s.otherBytes[key] += n
		s.mu.Unlock()
	}
}

func (s *statsRecorder) write(w Write) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.writes) >= maxRetainedWrites {
		s.dropped++
		return
	}
	s.writes = append(s.writes, w)
}

func (s *statsRecorder) snapshot() Stats {
	st := Stats{Requests: s.requests.Load(), ByRoute: map[string]int64{},
		Bytes: s.bytes.Load(), BytesByRoute: map[string]int64{}}
	for _, sr := range simRoutes {
		r := route{kind: sr.kind, act: sr.act}
		method := sr.kind.method()
		slot, _ := routeSlot(method, r)
		key := routeKey(method, r)
		if n := s.routes[slot].Load(); n > 0 {
			st.ByRoute[key] = n
		}
		if n := s.routeBytes[slot].Load(); n > 0 {
			st.BytesByRoute[key] = n
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(st.ByRoute, s.other)
	maps.Copy(st.BytesByRoute, s.otherBytes)
	st.Writes = slices.Clone(s.writes)
	if st.Writes == nil {
		st.Writes = []Write{}
	}
	st.WritesDropped = s.dropped
	return st
}

func (s *statsRecorder) reset() {
	s.requests.Store(0)
	s.bytes.Store(0)
	for i := range s.routes {
		s.routes[i].Store(0)
		s.routeBytes[i].Store(0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.other)
	clear(s.otherBytes)
	s.writes = nil
	s.dropped = 0
}
