package sim

import (
	"net/http"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// testTiming makes every phase easy to step through with a ManualClock.
var testTiming = Timing{Queue: time.Second, Start: 10 * time.Second, Stop: 10 * time.Second,
	Reboot: 10 * time.Second, Suspend: 10 * time.Second, Resume: 10 * time.Second, StateLag: 2 * time.Second}

// singleServer is a dataset with one data center holding one server.
func singleServer(typ, vm string) (*dataset.Dataset, string, string) {
	s := dataset.Server{ID: dataset.NameUUID("t", typ, vm), Name: "s1", Type: typ, VMState: vm, Cores: 2, RAM: 2048}
	if typ == dataset.TypeEnterprise || typ == dataset.TypeGPU {
		s.CPUFamily = "INTEL_ICELAKE"
	}
	dc := dataset.Datacenter{ID: dataset.NameUUID("t-dc"), Name: "dc", Location: "de/fra", Servers: []dataset.Server{s}}
	return &dataset.Dataset{Datacenters: []dataset.Datacenter{dc}}, dc.ID, s.ID
}

// serverView is what a client sees of a server.
type serverView struct{ vmState, state, etag string }

func viewServer(t *testing.T, h http.Handler, dcID, srvID string) serverView {
	t.Helper()
	m := get(t, h, "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID)
	return serverView{
		vmState: path(t, m, "properties", "vmState").(string),
		state:   path(t, m, "metadata", "state").(string),
		etag:    path(t, m, "metadata", "etag").(string),
	}
}

func requestStatus(t *testing.T, h http.Handler, id string) (status, message string) {
	t.Helper()
	m := get(t, h, "/cloudapi/v6/requests/"+id+"/status")
	return path(t, m, "metadata", "status").(string), path(t, m, "metadata", "message").(string)
}

// TestActionMatrix runs every action on every server type in every power
// state it can be in, stepping through the timeline: QUEUED and BUSY at
// once, RUNNING after the queue, DONE or FAILED after the action, the new
// vmState only after the state lag.
func TestActionMatrix(t *testing.T) {
	type outcome struct {
		status, vmState string
	}
	const D, F = statusDone, statusFailed
	cases := []struct {
		typ, from string
		want      map[string]outcome
	}{
		{dataset.TypeEnterprise, dataset.VMRunning, map[string]outcome{"start": {D, dataset.VMRunning}, "stop": {D, dataset.VMShutoff}, "reboot": {D, dataset.VMRunning}, "suspend": {F, dataset.VMRunning}, "resume": {F, dataset.VMRunning}}},
		{dataset.TypeEnterprise, dataset.VMShutoff, map[string]outcome{"start": {D, dataset.VMRunning}, "stop": {D, dataset.VMShutoff}, "reboot": {F, dataset.VMShutoff}, "suspend": {F, dataset.VMShutoff}, "resume": {F, dataset.VMShutoff}}},
		{dataset.TypeVCPU, dataset.VMRunning, map[string]outcome{"start": {D, dataset.VMRunning}, "stop": {D, dataset.VMShutoff}, "reboot": {D, dataset.VMRunning}, "suspend": {F, dataset.VMRunning}, "resume": {F, dataset.VMRunning}}},
		{dataset.TypeVCPU, dataset.VMShutoff, map[string]outcome{"start": {D, dataset.VMRunning}, "stop": {D, dataset.VMShutoff}, "reboot": {F, dataset.VMShutoff}, "suspend": {F, dataset.VMShutoff}, "resume": {F, dataset.VMShutoff}}},
		{dataset.TypeCube, dataset.VMRunning, map[string]outcome{"start": {F, dataset.VMRunning}, "stop": {F, dataset.VMRunning}, "reboot": {D, dataset.VMRunning}, "suspend": {D, dataset.VMSuspended}, "resume": {D, dataset.VMRunning}}},
		{dataset.TypeCube, dataset.VMSuspended, map[string]outcome{"start": {F, dataset.VMSuspended}, "stop": {F, dataset.VMSuspended}, "reboot": {F, dataset.VMSuspended}, "suspend": {D, dataset.VMSuspended}, "resume": {D, dataset.VMRunning}}},
		{dataset.TypeGPU, dataset.VMRunning, map[string]outcome{"start": {F, dataset.VMRunning}, "stop": {F, dataset.VMRunning}, "reboot": {D, dataset.VMRunning}, "suspend": {D, dataset.VMSuspended}, "resume": {D, dataset.VMRunning}}},
		{dataset.TypeGPU, dataset.VMSuspended, map[string]outcome{"start": {F, dataset.VMSuspended}, "stop": {F, dataset.VMSuspended}, "reboot": {F, dataset.VMSuspended}, "suspend": {D, dataset.VMSuspended}, "resume": {D, dataset.VMRunning}}},
	}
	for _, c := range cases {
		for _, act := range actionNames {
			want := c.want[act]
			t.Run(c.typ+"/"+c.from+"/"+act, func(t *testing.T) {
				d, dcID, srvID := singleServer(c.typ, c.from)
				s, clock := newTestSim(t, Options{Dataset: d, Timing: testTiming})
				checkTimeline(t, s, clock, dcID, srvID, act, c.from, want.status, want.vmState)
			})
		}
	}
}

func checkTimeline(t *testing.T, s *Simulator, clock *ManualClock, dcID, srvID, act, from, wantStatus, wantVM string) {
	t.Helper()
	before := viewServer(t, s, dcID, srvID)
	if before.state != stateOf(from) {
		t.Fatalf("initial state %s, want %s", before.state, stateOf(from))
	}
	id := post(t, s, dcID, srvID, act)
	accepted := viewServer(t, s, dcID, srvID)
	expectStatus(t, s, id, statusQueued)
	if accepted.state != "BUSY" || accepted.vmState != from || accepted.etag == before.etag {
		t.Fatalf("after acceptance: %+v; want BUSY, vmState %s, a new etag", accepted, from)
	}
	clock.Advance(time.Second) // queue over
	expectStatus(t, s, id, statusRunning)
	clock.Advance(10 * time.Second) // action over
	expectStatus(t, s, id, wantStatus)
	done := viewServer(t, s, dcID, srvID)
	if wantStatus == statusFailed {
		if done.state != stateOf(from) || done.vmState != from || done.etag == accepted.etag {
			t.Fatalf("after failure: %+v; want %s, vmState %s unchanged, a new etag", done, stateOf(from), from)
		}
		return
	}
	if done.state != "BUSY" || done.vmState != from {
		t.Fatalf("DONE but not settled: %+v; want still BUSY and %s", done, from)
	}
	clock.Advance(2 * time.Second) // state lag over
	settled := viewServer(t, s, dcID, srvID)
	if settled.vmState != wantVM || settled.state != stateOf(wantVM) || settled.etag == done.etag {
		t.Fatalf("settled: %+v; want vmState %s, state %s, a new etag", settled, wantVM, stateOf(wantVM))
	}
}

func expectStatus(t *testing.T, h http.Handler, id, want string) {
	t.Helper()
	got, msg := requestStatus(t, h, id)
	if got != want {
		t.Fatalf("request status %s, want %s", got, want)
	}
	switch want {
	case statusDone:
		if msg != "Request has been successfully executed" {
			t.Errorf("DONE message %q", msg)
		}
	case statusFailed:
		if msg[:5] != "[VDC-" {
			t.Errorf("FAILED message %q, want a [VDC-...] message", msg)
		}
	}
}

// TestQueueing: a second request on a busy server waits for the first; a
// request on another server does not.
func TestQueueing(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	_, web2 := defaultIDs(t, "production", "web-2")
	stop := post(t, s, dcID, web1, "stop")
	start := post(t, s, dcID, web1, "start")
	other := post(t, s, dcID, web2, "reboot")
	clock.Advance(time.Second)
	expectStatus(t, s, stop, statusRunning)
	expectStatus(t, s, start, statusQueued)
	expectStatus(t, s, other, statusRunning)
	clock.Advance(10 * time.Second) // stop done; start begins now
	expectStatus(t, s, stop, statusDone)
	expectStatus(t, s, start, statusRunning)
	clock.Advance(2 * time.Second) // stop settled, start still running
	if v := viewServer(t, s, dcID, web1); v.vmState != dataset.VMShutoff || v.state != "BUSY" {
		t.Fatalf("between the two requests: %+v; want SHUTOFF and still BUSY", v)
	}
	clock.Advance(10 * time.Second) // start done and settled
	expectStatus(t, s, start, statusDone)
	if v := viewServer(t, s, dcID, web1); v.vmState != dataset.VMRunning || v.state != "AVAILABLE" {
		t.Fatalf("after both: %+v; want RUNNING and AVAILABLE", v)
	}
}

// TestQueuedDecisionUsesProjectedState: a reboot queued behind a stop fails,
// because the server will be off when the reboot runs.
func TestQueuedDecisionUsesProjectedState(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	post(t, s, dcID, web1, "stop")
	reboot := post(t, s, dcID, web1, "reboot")
	clock.Advance(time.Minute)
	expectStatus(t, s, reboot, statusFailed)
	if v := viewServer(t, s, dcID, web1); v.vmState != dataset.VMShutoff || v.state != "INACTIVE" {
		t.Fatalf("after stop and failed reboot: %+v", v)
	}
}

func TestTimingResolve(t *testing.T) {
	tm, err := Timing{Start: 4 * time.Second, Queue: -1, Scale: 0.5}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultTiming()
	if tm.action[actionStart] != 2*time.Second || tm.queue != 0 || tm.action[actionStop] != d.Stop/2 || tm.stateLag != d.StateLag/2 {
		t.Errorf("resolved %+v", tm)
	}
	if _, err := (Timing{Scale: -1}).resolve(); err == nil {
		t.Error("negative scale accepted")
	}
}

// TestNextDue: with nothing due, nextDue says so; once a
// request is pending it points at its release.
func TestNextDue(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	if s.def.nextDue.Load() != maxInt64 {
		t.Fatal("nextDue set with nothing pending")
	}
	post(t, s, dcID, web1, "reboot")
	if want := t0.Add(13 * time.Second).UnixNano(); s.def.nextDue.Load() != want {
		t.Fatalf("nextDue %d, want %d", s.def.nextDue.Load(), want)
	}
	clock.Advance(13 * time.Second)
	viewServer(t, s, dcID, web1)
	if s.def.nextDue.Load() != maxInt64 {
		t.Fatal("nextDue not cleared after the release")
	}
}

const maxInt64 = int64(^uint64(0) >> 1)
