package sim

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sleepRecorder stands in for the real sleep: it records what the
// simulator asked to wait and returns at once (or reports the client gone).
type sleepRecorder struct {
	mu     sync.Mutex
	asked  []time.Duration
	gone   bool                // report that the client went away
	during func(time.Duration) // runs while "sleeping", e.g. another call
}

func (r *sleepRecorder) sleep(_ context.Context, d time.Duration) bool {
	r.mu.Lock()
	r.asked = append(r.asked, d)
	during, gone := r.during, r.gone
	r.mu.Unlock()
	if during != nil {
		during(d)
	}
	return !gone
}

// total is the time the recorded sleeps add up to.
func (r *sleepRecorder) total() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum time.Duration
	for _, d := range r.asked {
		sum += d
	}
	return sum
}

// costSim is a simulator whose sleeps are recorded.
func costSim(t *testing.T, opts Options) (*Simulator, *sleepRecorder) {
	t.Helper()
	s, _ := newTestSim(t, opts)
	rec := &sleepRecorder{}
	s.sleep = rec.sleep
	return s, rec
}

func TestCostModelDefaults(t *testing.T) {
	cases := []struct {
		perMB, gateway time.Duration
		want           costModel
	}{
		{0, 0, costModel{perMB: DefaultLatencyPerMB, gateway: DefaultGatewayTimeout}},
		{-1, -1, costModel{}},
		{time.Second, time.Minute, costModel{perMB: time.Second, gateway: time.Minute}},
	}
	for _, c := range cases {
		if got := newCostModel(c.perMB, c.gateway); got != c.want {
			t.Errorf("newCostModel(%v, %v) = %+v, want %+v", c.perMB, c.gateway, got, c.want)
		}
	}
	m := costModel{perMB: 100 * time.Millisecond}
	for n, want := range map[int]time.Duration{0: 0, 1_000_000: 100 * time.Millisecond, 37_000_000: 3700 * time.Millisecond, 500: 50 * time.Microsecond} {
		if got := m.ofBody(n); got != want {
			t.Errorf("%d bytes cost %v, want %v", n, got, want)
		}
	}
}

// TestCostIsLatencyPlusSize: an answer is held for its latency faults plus
// its body's size times the cost per MB, whatever its kind.
func TestCostIsLatencyPlusSize(t *testing.T) {
	dcID, srvID := defaultIDs(t, "production", "web-1")
	cases := []struct {
		name    string
		perMB   time.Duration
		latency time.Duration
		target  string
	}{
		{"deep listing", 100 * time.Millisecond, 0, "/cloudapi/v6/datacenters?depth=3&pretty=false"},
		{"one server", 100 * time.Millisecond, 0, "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID},
		{"with latency", time.Second, 80 * time.Millisecond, "/cloudapi/v6/datacenters?depth=1"},
		{"error body", time.Second, 0, "/cloudapi/v6/datacenters/" + dcID + "/servers/00000000-0000-4000-8000-000000000000"},
		{"free", -1, 20 * time.Millisecond, "/cloudapi/v6/datacenters?depth=5"},
		{"all labels", 100 * time.Millisecond, 0, "/cloudapi/v6/labels?depth=1"},
		{"server labels", time.Second, 10 * time.Millisecond, "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/labels?depth=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{LatencyPerMB: c.perMB}
			if c.latency > 0 {
				opts.Faults = []Fault{{Kind: FaultLatency, Latency: c.latency}}
			}
			s, rec := costSim(t, opts)
			resp := do(t, s, http.MethodGet, c.target, testToken, "")
			perMB := max(c.perMB, 0)
			want := []time.Duration{c.latency, time.Duration(int64(resp.Body.Len()) * int64(perMB) / 1_000_000)}
			if diff := cmp.Diff(want, rec.asked); diff != "" {
				t.Errorf("sleeps for a %d-byte answer (-want +got):\n%s", resp.Body.Len(), diff)
			}
		})
	}
}

// TestGatewayTimeout: an answer that would take longer than the gateway
// waits gets, once the timeout has passed, the gateway's HTML 504.
func TestGatewayTimeout(t *testing.T) {
	s, rec := costSim(t, Options{LatencyPerMB: 100 * time.Hour, GatewayTimeout: 30 * time.Second})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	resp := do(t, s, http.MethodGet, "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID, testToken, "")
	if resp.Code != http.StatusGatewayTimeout || resp.Header().Get("Content-Type") != "text/html" ||
		!strings.Contains(resp.Body.String(), "504 Gateway Time-out") || resp.Header().Get("ETag") != "" {
		t.Fatalf("got %d %q ETag %q: %s", resp.Code, resp.Header().Get("Content-Type"), resp.Header().Get("ETag"), resp.Body)
	}
	if got := rec.total(); got != 30*time.Second {
		t.Errorf("held %v (%v), want the gateway timeout 30s", got, rec.asked)
	}
	if st := s.Stats(); st.Bytes != int64(len(gatewayTimeoutHTML)) {
		t.Errorf("bytes sent %d, want the 504 page's %d", st.Bytes, len(gatewayTimeoutHTML))
	}
}

// TestGatewayTimeoutAfterPOST: a power action behind a latency fault longer
// than the gateway timeout: the client gets the 504 after the timeout, and
// the action was executed all the same.
func TestGatewayTimeoutAfterPOST(t *testing.T) {
	s, rec := costSim(t, Options{Timing: testTiming, Faults: []Fault{{Kind: FaultLatency, Method: "POST", Latency: 2 * time.Minute}}})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	resp := do(t, s, http.MethodPost, "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/stop", testToken, "")
	if resp.Code != http.StatusGatewayTimeout || resp.Header().Get("Location") != "" || !strings.HasPrefix(resp.Body.String(), "<html>") {
		t.Fatalf("got %d Location %q: %s", resp.Code, resp.Header().Get("Location"), resp.Body)
	}
	if got := rec.total(); got != DefaultGatewayTimeout {
		t.Errorf("held %v, want the default gateway timeout %v", got, DefaultGatewayTimeout)
	}
	writes := s.Stats().Writes
	if len(writes) != 1 || writes[0].Action != "stop" {
		t.Fatalf("writes %+v, want the stop executed", writes)
	}
	reqs := get(t, s, "/cloudapi/v6/requests?depth=1&filter.url="+srvID+"/stop")
	if n := len(path(t, reqs, "items").([]any)); n != 1 {
		t.Errorf("%d requests found for the stop, want 1", n)
	}
}

// TestGatewayTimeoutOff: without a gateway timeout the answer is held as
// long as it costs.
func TestGatewayTimeoutOff(t *testing.T) {
	s, rec := costSim(t, Options{LatencyPerMB: time.Hour, GatewayTimeout: -1})
	resp := do(t, s, http.MethodGet, "/cloudapi/v6/datacenters", testToken, "")
	if resp.Code != http.StatusOK {
		t.Fatalf("status %d", resp.Code)
	}
	if want := time.Duration(resp.Body.Len()) * time.Hour / 1_000_000; rec.total() != want {
		t.Errorf("held %v, want %v", rec.total(), want)
	}
}

// TestCostClientGone: a client that gives up while its answer is held gets
// the simulator's 504 (if it still listens), never an empty 200.
func TestCostClientGone(t *testing.T) {
	s, rec := costSim(t, Options{LatencyPerMB: time.Second})
	rec.gone = true
	checkError(t, do(t, s, http.MethodGet, "/cloudapi/v6/datacenters?depth=2", testToken, ""), 504, "504")
}

// TestCostHoldsNoLock: while one answer is held, a write on the same
// account goes through: the cost is paid outside the account's lock.
func TestCostHoldsNoLock(t *testing.T) {
	s, rec := costSim(t, Options{LatencyPerMB: time.Second})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	done := make(chan int, 1)
	rec.during = func(d time.Duration) {
		if d == 0 {
			return // the POST's own (free) sleeps, or the GET's before it renders
		}
		resp := do(t, s, http.MethodPost, "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/stop", testToken, "")
		done <- resp.Code
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		do(t, s, http.MethodGet, "/cloudapi/v6/datacenters?depth=3", testToken, "")
	}()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("the held answer blocked a write on the same account")
	}
	if code := <-done; code != http.StatusAccepted {
		t.Errorf("write during a held answer: %d", code)
	}
}
