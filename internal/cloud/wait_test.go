package cloud_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// statusLog records when request statuses were read.
type statusLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   []time.Time
}

func (l *statusLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/status") {
		l.mu.Lock()
		l.at = append(l.at, time.Now())
		l.mu.Unlock()
	}
	return l.next.RoundTrip(r)
}

func (l *statusLog) times() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.at...)
}

// startOn accepts a start of the server named name on a simulator whose
// clock never moves (the request stays QUEUED), and returns its id.
func startOn(t *testing.T, o sim.Options, poll cloud.Poll) (*cloud.Client, *sim.Server, *statusLog, string) {
	t.Helper()
	o.Clock = sim.NewManualClock(time.Now())
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	log := &statusLog{next: http.DefaultTransport}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, Poll: poll, HTTPClient: &http.Client{Transport: log},
		Backoff: cloud.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := c.ResolveServer(context.Background(), "batch-worker", "staging")
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.PowerAction(context.Background(), srv, cloud.Start)
	if err != nil {
		t.Fatal(err)
	}
	return c, s, log, id
}

// A wait never runs past its deadline, whatever the backoff says, and its
// last poll goes out shortly before the deadline, so the status it returns
// is fresh.
func TestWaitEndsAtTheDeadlineWithAFreshPoll(t *testing.T) {
	c, _, log, id := startOn(t, sim.Options{}, cloud.Poll{First: 100 * time.Millisecond, Max: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	st, err := c.WaitRequest(ctx, id, nil)
	end := time.Now()
	if !errors.Is(err, context.DeadlineExceeded) || st.Status != cloud.StatusQueued {
		t.Fatalf("WaitRequest = %+v, %v", st, err)
	}
	// (Timers can fire late on a loaded machine, hence the slack.)
	if late := end.Sub(deadline); late > 100*time.Millisecond {
		t.Fatalf("returned %v after the deadline", late)
	}
	// Backoff alone polls at 100, 260, 516 ms and next at 926 ms, after
	// the deadline; the last poll is moved to just before it instead.
	polls := log.times()
	if len(polls) != 4 {
		t.Fatalf("%d polls, want 4", len(polls))
	}
	if gap := deadline.Sub(polls[3]); gap < -100*time.Millisecond || gap > 150*time.Millisecond {
		t.Fatalf("last poll %v before the deadline, want shortly before", gap)
	}
}

// A Retry-After from the API is honoured in full by the next poll.
func TestWaitHonoursRetryAfter(t *testing.T) {
	c, s, log, id := startOn(t, sim.Options{}, cloud.Poll{First: time.Millisecond, Max: 5 * time.Millisecond})
	if err := s.AddFault(sim.Fault{Kind: sim.FaultStatus, Status: 503, RetryAfter: 1, Method: "GET", Path: "/requests/*/status", Count: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, _ = c.WaitRequest(ctx, id, nil)
	polls := log.times()
	if len(polls) < 2 {
		t.Fatalf("%d polls", len(polls))
	}
	if gap := polls[1].Sub(polls[0]); gap < time.Second {
		t.Fatalf("second poll %v after the 503 with Retry-After: 1", gap)
	}
}

// When Retry-After reaches past the deadline, the wait polls no more and
// ends at the deadline.
func TestWaitRetryAfterPastTheDeadline(t *testing.T) {
	c, s, log, id := startOn(t, sim.Options{}, cloud.Poll{First: time.Millisecond, Max: 5 * time.Millisecond})
	if err := s.AddFault(sim.Fault{Kind: sim.FaultStatus, Status: 429, RetryAfter: 5, Method: "GET", Path: "/requests/*/status"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.WaitRequest(ctx, id, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 600*time.Millisecond {
		t.Fatalf("WaitRequest = %v after %v", err, time.Since(start))
	}
	if n := len(log.times()); n != 1 {
		t.Fatalf("%d polls, want 1 (the API asked to come back after the deadline)", n)
	}
}

// Waits of the same kind learn from each other: after a few starts, a wait
// polls less and sees the end sooner than the first.
func TestWaitLearnsDurations(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 4, Seed: 11})
	for i := range ds.Datacenters[0].Servers {
		srv := &ds.Datacenters[0].Servers[i]
		srv.Type, srv.VMState, srv.CPUFamily = sim.TypeEnterprise, sim.VMShutoff, "INTEL_ICELAKE"
	}
	// A start takes 50 ms queued + 500 ms running; the state lands 50 ms later.
	s, err := sim.Start(sim.Options{Dataset: ds, Timing: sim.Timing{Scale: 0.025, Queue: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log := &statusLog{next: http.DefaultTransport}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, HTTPClient: &http.Client{Transport: log},
		Poll: cloud.Poll{First: 20 * time.Millisecond, Max: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inv, err := c.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.ExpectedDuration(cloud.Start, sim.TypeEnterprise, false); ok {
		t.Fatal("a duration is known before any wait")
	}
	var polls []int
	for _, srv := range inv.Servers {
		id, err := c.PowerAction(ctx, srv, cloud.Start)
		if err != nil {
			t.Fatal(err)
		}
		exp := cloud.Expect{Action: cloud.Start, ServerType: srv.Type, Since: time.Now()}
		before := len(log.times())
		if st, err := c.WaitRequestFor(ctx, id, exp, nil); err != nil || st.Status != cloud.StatusDone {
			t.Fatalf("WaitRequestFor = %+v, %v", st, err)
		}
		polls = append(polls, len(log.times())-before)
		if got, err := c.WaitServerFor(ctx, srv, "RUNNING", exp, nil); err != nil || got.VMState != "RUNNING" {
			t.Fatalf("WaitServerFor = %+v, %v", got, err)
		}
	}
	d, ok := c.ExpectedDuration(cloud.Start, sim.TypeEnterprise, false)
	if !ok || d < 450*time.Millisecond || d > 800*time.Millisecond {
		t.Fatalf("learned %v (%v), want about 550ms", d, ok)
	}
	if settle, ok := c.ExpectedDuration(cloud.Start, sim.TypeEnterprise, true); !ok || settle <= d {
		t.Fatalf("learned the new state after %v (%v), want after the request's %v", settle, ok, d)
	}
	// (One warm wait may be disturbed by a loaded machine; not all of them.)
	if warm := slices.Min(polls[1:]); warm >= polls[0] {
		t.Fatalf("status polls per wait %v: warm waits should poll less than the first", polls)
	}
}
