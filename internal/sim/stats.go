package sim

import (
	"maps"
	"net/http"
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

// statsRecorder counts lock-free on the hot path: one atomic per endpoint.
// Calls with a method the endpoint does not accept go to a small locked map.
type statsRecorder struct {
	requests atomic.Int64
	routes   [routeSlots]atomic.Int64

	mu      sync.Mutex
	other   map[string]int64
	writes  []Write
	dropped int64
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{other: map[string]int64{}}
}

func routeSlot(r route) int {
	if r.kind == routeAction {
		return int(routeKinds) + int(r.act)
	}
	return int(r.kind)
}

func routeKey(method string, r route) string {
	if r.kind == routeAction {
		return method + " " + routePatterns[routeAction] + r.act.String()
	}
	return method + " " + routePatterns[r.kind]
}

// count records one call. Unknown paths count only in Requests.
func (s *statsRecorder) count(method string, r route) {
	s.requests.Add(1)
	if r.kind == routeNone {
		return
	}
	if method == r.method() {
		s.routes[routeSlot(r)].Add(1)
		return
	}
	s.mu.Lock()
	s.other[routeKey(method, r)]++
	s.mu.Unlock()
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
	st := Stats{Requests: s.requests.Load(), ByRoute: map[string]int64{}}
	for k := routeInfo; k < routeKinds; k++ {
		r := route{kind: k}
		if k == routeAction {
			continue
		}
		if n := s.routes[routeSlot(r)].Load(); n > 0 {
			st.ByRoute[routeKey(r.method(), r)] = n
		}
	}
	for a := range actionCount {
		r := route{kind: routeAction, act: a}
		if n := s.routes[routeSlot(r)].Load(); n > 0 {
			st.ByRoute[routeKey(http.MethodPost, r)] = n
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(st.ByRoute, s.other)
	st.Writes = slices.Clone(s.writes)
	if st.Writes == nil {
		st.Writes = []Write{}
	}
	st.WritesDropped = s.dropped
	return st
}

func (s *statsRecorder) reset() {
	s.requests.Store(0)
	for i := range s.routes {
		s.routes[i].Store(0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.other)
	s.writes = nil
	s.dropped = 0
}
