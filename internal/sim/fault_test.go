package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

func TestFaultStatus(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultStatus, Status: 503, Method: "GET", Path: "/datacenters*", Count: 1}}})
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	checkError(t, rec, 503, "503")
	if rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, ""); rec.Code != 200 {
		t.Fatalf("after count=1 fired: %d", rec.Code)
	}
	if f := s.Faults(); f[0].Fired != 1 {
		t.Errorf("fired %d, want 1", f[0].Fired)
	}
}

func TestFault429WithRetryAfter(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultStatus, Status: 429, RetryAfter: 7}}})
	rec := do(t, s, "GET", "/cloudapi/v6/requests", testToken, "")
	checkError(t, rec, 429, "429")
	if got := rec.Header().Get("Retry-After"); got != "7" {
		t.Errorf("Retry-After %q, want 7", got)
	}
}

// TestFaultStatusOnPostDoesNoWork: an injected error means nothing happened.
func TestFaultStatusOnPostDoesNoWork(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultStatus, Status: 500, Method: "POST"}}})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	rec := do(t, s, "POST", "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/stop", testToken, "")
	checkError(t, rec, 500, "500")
	if n := len(s.Stats().Writes); n != 0 {
		t.Errorf("%d writes", n)
	}
}

// TestFaultHTML502AfterExecutedPost is the ambiguous write: the client sees
// a gateway error page, yet exactly one request was created and runs.
func TestFaultHTML502AfterExecutedPost(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming, Faults: []Fault{{Kind: FaultHTML502, Method: "POST", Count: 1}}})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	rec := do(t, s, "POST", "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/stop", testToken, "")
	if rec.Code != http.StatusBadGateway || rec.Header().Get("Content-Type") != "text/html" ||
		!strings.Contains(rec.Body.String(), "<title>502 Bad Gateway</title>") || rec.Header().Get("Location") != "" {
		t.Fatalf("got %d %q Location %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Location"), rec.Body)
	}
	writes := s.Stats().Writes
	if len(writes) != 1 || writes[0].Action != "stop" || writes[0].ServerID != srvID {
		t.Fatalf("writes %+v, want exactly one stop of %s", writes, srvID)
	}
	reqs := get(t, s, "/cloudapi/v6/requests?depth=1&filter.url="+srvID+"/stop")
	if n := len(path(t, reqs, "items").([]any)); n != 1 {
		t.Fatalf("%d requests found by filter.url, want 1", n)
	}
	clock.Advance(time.Minute)
	if v := viewServer(t, s, dcID, srvID); v.vmState != dataset.VMShutoff {
		t.Errorf("the executed stop did not take effect: %+v", v)
	}
}

func TestFaultHTML502OnGet(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultHTML502}}})
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	if rec.Code != http.StatusBadGateway || !strings.HasPrefix(rec.Body.String(), "<html>") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

// TestFaultFail: accepted, then FAILED with a [VDC-...] message, nothing changed.
func TestFaultFail(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming, Faults: []Fault{{Kind: FaultFail, Count: 1}}})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	failed := post(t, s, dcID, srvID, "stop")
	clock.Advance(time.Minute)
	expectStatus(t, s, failed, statusFailed)
	if v := viewServer(t, s, dcID, srvID); v.vmState != dataset.VMRunning || v.state != "AVAILABLE" {
		t.Fatalf("after a failed stop: %+v", v)
	}
	ok := post(t, s, dcID, srvID, "stop") // count=1: this one works
	clock.Advance(time.Minute)
	expectStatus(t, s, ok, statusDone)
}

// TestFaultFailIgnoresReads: "fail" only concerns power actions and does
// not fire (or count) on GETs.
func TestFaultFailIgnoresReads(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultFail}}})
	get(t, s, "/cloudapi/v6/datacenters")
	if f := s.Faults(); f[0].Fired != 0 {
		t.Errorf("fail fault fired %d times on a GET", f[0].Fired)
	}
}

func TestFaultLatency(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultLatency, Latency: 30 * time.Millisecond, Jitter: 5 * time.Millisecond}}})
	start := time.Now()
	get(t, s, "/cloudapi/v6/datacenters")
	if took := time.Since(start); took < 25*time.Millisecond {
		t.Errorf("took %v, want at least 25ms", took)
	}
}

// TestFaultDropOverHTTP: the client gets no answer; with after=true the POST
// was executed anyway, without it nothing happened.
func TestFaultDropOverHTTP(t *testing.T) {
	srv, err := Start(Options{Token: testToken, Clock: NewManualClock(t0), Faults: []Fault{
		{Kind: FaultDrop, Method: "POST", Path: "*/stop", Count: 1},
		{Kind: FaultDrop, Method: "POST", Path: "*/reboot", After: true, Count: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	dcID, srvID := defaultIDs(t, "production", "web-1")
	for _, act := range []string{"stop", "reboot"} {
		req, _ := http.NewRequest("POST", srv.URL+"/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/"+act, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: got %d, want a dropped connection", act, resp.StatusCode)
		}
		if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
			t.Logf("%s: transport error %v", act, err)
		}
	}
	writes := srv.Stats().Writes
	if len(writes) != 1 || writes[0].Action != "reboot" {
		t.Fatalf("writes %+v, want only the reboot (dropped after executing)", writes)
	}
}

// TestFaultProbabilityRepeats: the same seed fires on the same calls; the
// rate is about what was asked for.
func TestFaultProbabilityRepeats(t *testing.T) {
	run := func(seed int64) string {
		s, _ := newTestSim(t, Options{Seed: seed, Faults: []Fault{{Kind: FaultStatus, Status: 503, Probability: 0.3}}})
		var b strings.Builder
		for range 200 {
			if do(t, s, "GET", "/cloudapi/v6/datacenters?depth=0", testToken, "").Code == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, c := run(42), run(42), run(43)
	if a != b {
		t.Fatalf("same seed, different runs:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("different seeds, same run: %s", a)
	}
	if n := strings.Count(a, "x"); n < 30 || n > 90 {
		t.Errorf("%d of 200 fired at p=0.3", n)
	}
}

// TestFaultOrder: latency accumulates; the first answer-changing fault wins.
func TestFaultOrder(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{
		{Kind: FaultStatus, Status: 504, Path: "/requests"},
		{Kind: FaultStatus, Status: 503},
		{Kind: FaultStatus, Status: 500},
	}})
	checkError(t, do(t, s, "GET", "/cloudapi/v6/requests", testToken, ""), 504, "504")
	checkError(t, do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, ""), 503, "503")
	f := s.Faults()
	if f[0].Fired != 1 || f[1].Fired != 1 || f[2].Fired != 0 {
		t.Errorf("fired %d %d %d, want 1 1 0", f[0].Fired, f[1].Fired, f[2].Fired)
	}
}

// Faults never hit unauthenticated calls or the control API.
func TestFaultsSkipRejectedAndControlCalls(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultStatus, Status: 503}}})
	checkError(t, do(t, s, "GET", "/cloudapi/v6/datacenters", "", ""), 401, "315")
	if rec := do(t, s, "GET", "/_sim/faults", testToken, ""); rec.Code != 200 {
		t.Errorf("control API hit by a fault: %d", rec.Code)
	}
	if s.Faults()[0].Fired != 0 {
		t.Error("fault fired on a rejected or control call")
	}
}

func TestSetFaultsValidates(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	if err := s.SetFaults([]Fault{{Kind: "nope"}}); err == nil {
		t.Error("invalid fault accepted")
	}
	if _, err := New(Options{Faults: []Fault{{Kind: FaultStatus, Status: 200}}}); err == nil {
		t.Error("New accepted a status fault with 200")
	}
}

// TestFaultLatencyCancelled: a client that gives up during the delay gets
// an error (if it still listens), never an empty 200.
func TestFaultLatencyCancelled(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultLatency, Latency: time.Minute}}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest("GET", "/cloudapi/v6/datacenters", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	checkError(t, rec, 504, "504")
}

// TestFaultMinDepth: a fault with min-depth hits only calls whose depth is
// at least that: every deep listing hangs while per-data-center listings at
// depth 1 stay fast.
func TestFaultMinDepth(t *testing.T) {
	f, err := ParseFault("kind=latency,latency=2m,method=GET,path=/datacenters,min-depth=3")
	if err != nil {
		t.Fatal(err)
	}
	s, rec := costSim(t, Options{Faults: []Fault{f, {Kind: FaultStatus, Status: 503, MinDepth: 5}}, GatewayTimeout: -1})
	dcID, _ := defaultIDs(t, "production", "")
	cases := []struct {
		target string
		held   time.Duration
		status int
	}{
		{"/cloudapi/v6/datacenters?depth=3", 2 * time.Minute, 200},
		{"/cloudapi/v6/datacenters?depth=4&pretty=false", 2 * time.Minute, 200},
		{"/cloudapi/v6/datacenters?depth=2", 0, 200},
		{"/cloudapi/v6/datacenters", 0, 200},
		{"/cloudapi/v6/datacenters?depth=x", 0, 400},
		{"/cloudapi/v6/datacenters/" + dcID + "/servers?depth=3", 0, 200},
		{"/cloudapi/v6/datacenters/" + dcID + "/servers?depth=5", 0, 503},
	}
	for _, c := range cases {
		rec.asked = nil
		resp := do(t, s, "GET", c.target, testToken, "")
		if resp.Code != c.status || rec.total() != c.held {
			t.Errorf("%s: %d held %v, want %d held %v", c.target, resp.Code, rec.total(), c.status, c.held)
		}
	}
	if got := s.Faults()[0].Fired; got != 2 {
		t.Errorf("min-depth fault fired %d times, want 2", got)
	}
}

func TestFaultMinDepthSyntax(t *testing.T) {
	f, err := ParseFault("kind=status,status=503,minDepth=3")
	if err != nil || f.MinDepth != 3 || f.String() != "kind=status,min-depth=3,status=503" {
		t.Errorf("%+v %q %v", f, f.String(), err)
	}
	for _, bad := range []string{"kind=status,status=503,min-depth=11", "kind=status,status=503,min-depth=-1", "kind=status,status=503,min-depth=deep"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	var back Fault
	if err := json.Unmarshal([]byte(`{"kind":"latency","latency":"1m","minDepth":3}`), &back); err != nil || back.MinDepth != 3 {
		t.Errorf("JSON minDepth: %+v %v", back, err)
	}
}
