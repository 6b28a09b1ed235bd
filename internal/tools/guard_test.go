package tools_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/guard"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

func withGuard(t *testing.T, protect, datacenters []string) envOption {
	t.Helper()
	g, err := guard.New(protect, datacenters)
	if err != nil {
		t.Fatal(err)
	}
	return withTools(func(o *tools.Options) { o.Guard = g })
}

// renamed is the default account with servers renamed.
func renamed(names map[string]string) envOption {
	return withSim(func(o *sim.Options) {
		ds := sim.DefaultDataset()
		for i := range ds.Datacenters {
			for j := range ds.Datacenters[i].Servers {
				s := &ds.Datacenters[i].Servers[j]
				key := ds.Datacenters[i].Name + "/" + s.Name
				if n, ok := names[key]; ok {
					s.Name = n
				}
			}
		}
		o.Dataset = ds
	})
}

// A protected server is refused by whatever name or id it is called, and
// names with "/", "[" or "\" protect themselves.
func TestProtectionHoldsForEveryReference(t *testing.T) {
	e := newEnv(t,
		renamed(map[string]string{"production/web-2": "db/primary", "staging/web-1": "db[1]", "analytics/jupyter": `web\x`}),
		withGuard(t, []string{"db*", "db[1]", `web\x`, "781355ba-1a74-533d-a93b-fe794f5d6136"}, nil),
		withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	etl := e.server("analytics", "etl-1")
	if etl.ID != "781355ba-1a74-533d-a93b-fe794f5d6136" {
		t.Fatalf("the default dataset changed: etl-1 is %s", etl.ID)
	}
	refs := []map[string]any{
		{"server": "db/primary"},
		{"server": "db[1]"},
		{"server": `web\x`},
		{"server": "db-1"},                            // by pattern, by name
		{"server": e.server("production", "db-1").ID}, // by pattern, by id
		{"server": "etl-1"},                           // listed by id, called by name
		{"server": etl.ID},                            // listed by id, called by id
	}
	for _, args := range refs {
		for _, tool := range []string{"stop_server", "reboot_server"} {
			if msg := mustFail(t, cs, tool, args); !strings.Contains(msg, "protected by the operator") {
				t.Errorf("%s %v: %q, want a refusal as protected", tool, args, msg)
			}
		}
	}
	if e.writes() != 0 {
		t.Fatalf("%d power actions reached protected servers", e.writes())
	}
}

// Under an allow-list, what lies outside it reads exactly like what does not
// exist: data centers, servers and requests, by name, id or URL.
func TestAllowListHidesAlike(t *testing.T) {
	e := newEnv(t, withGuard(t, nil, []string{"production"}), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)

	// A request made in staging by someone else on the same account.
	full, err := cloud.New(cloud.Config{Token: e.sim.Token(), APIURL: e.sim.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	runner, err := full.ResolveServer(ctx, "build-runner", "staging")
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := full.PowerAction(ctx, runner, cloud.Start)
	if err != nil {
		t.Fatal(err)
	}
	const missing = "0b4c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"
	staging := e.server("staging", "build-runner")
	pairs := []struct {
		tool           string
		hidden, absent map[string]any
		hRef, aRef     string
	}{
		{"get_request_status", map[string]any{"request_id": hidden}, map[string]any{"request_id": missing}, hidden, missing},
		{"get_request_status", map[string]any{"request_id": e.sim.URL + "/cloudapi/v6/requests/" + hidden + "/status"},
			map[string]any{"request_id": e.sim.URL + "/cloudapi/v6/requests/" + missing + "/status"}, hidden, missing},
		{"list_servers", map[string]any{"datacenter": "staging"}, map[string]any{"datacenter": "nowhere"}, "staging", "nowhere"},
		{"get_server", map[string]any{"server": staging.ID}, map[string]any{"server": missing}, staging.ID, missing},
		{"get_server", map[string]any{"server": "build-runner"}, map[string]any{"server": "no-such-server"}, "build-runner", "no-such-server"},
		{"start_server", map[string]any{"server": "build-runner", "datacenter": "staging"},
			map[string]any{"server": "build-runner", "datacenter": "nowhere"}, "staging", "nowhere"},
	}
	for _, p := range pairs {
		h, a := mustFail(t, cs, p.tool, p.hidden), mustFail(t, cs, p.tool, p.absent)
		if got, want := strings.ReplaceAll(h, p.hRef, "REF"), strings.ReplaceAll(a, p.aRef, "REF"); got != want {
			t.Errorf("%s: hidden %v reads\n  %q\nmissing %v reads\n  %q", p.tool, p.hidden, h, p.absent, a)
		}
		if strings.Contains(h, staging.ID) && p.hRef != staging.ID {
			t.Errorf("%s %v names the hidden server's id: %q", p.tool, p.hidden, h)
		}
	}
	if e.writes() != 1 {
		t.Fatalf("%d writes, want only the one made outside the tools", e.writes())
	}
}

// One confirmation token sent by many calls at once runs the action once.
func TestTokenSpentOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.Token }))
	var preview tools.PowerOutput
	mustCall(t, e.session(eras[0], nil), "reboot_server", map[string]any{"server": "db-1"}, &preview)
	if preview.ConfirmationToken == "" {
		t.Fatalf("no token: %+v", preview)
	}
	const n = 8
	sessions := make([]*mcp.ClientSession, n)
	for i := range sessions {
		sessions[i] = e.session(eras[i%2], nil)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]*mcp.CallToolResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = sessions[i].CallTool(context.Background(), &mcp.CallToolParams{Name: "reboot_server",
				Arguments: map[string]any{"server": "db-1", "confirmation_token": preview.ConfirmationToken, "wait": false}})
		})
	}
	close(start)
	wg.Wait()
	w := e.sim.Stats().Writes
	if len(w) != 1 {
		t.Fatalf("%d reboots ran, want 1", len(w))
	}
	// A call late enough to find the reboot pending follows it: the same
	// request, not a second execution.
	ok := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if results[i].IsError {
			continue
		}
		ok++
		var out tools.PowerOutput
		b, _ := json.Marshal(results[i].StructuredContent)
		if err := json.Unmarshal(b, &out); err != nil || out.RequestID != w[0].RequestID {
			t.Fatalf("call %d succeeded with request %q, but the reboot that ran is %s", i, out.RequestID, w[0].RequestID)
		}
	}
	if ok == 0 {
		t.Fatal("no call succeeded")
	}
}

// After a 429 whose Retry-After outlasts the call, a write whose request
// FAILED still ends at its deadline: the read of the server that follows
// the failure does not wait out the Retry-After.
func TestFailedWriteEndsWithinDeadlineAfter429(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) {
		o.Faults = []sim.Fault{
			{Kind: sim.FaultStatus, Status: 429, RetryAfter: 25, Method: "POST", Count: 1},
			{Kind: sim.FaultFail, Path: "*/stop", Count: 1},
		}
	}), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	// A pause that fits the call is waited out and the write sent again
	// (TestWriteRefusedWith429IsSentAgain); this one outlasts it.
	if msg := mustFail(t, cs, "start_server", map[string]any{"server": "build-runner", "timeout_seconds": 5}); !strings.Contains(msg, "retry after 25 seconds") {
		t.Fatalf("the rate-limited start: %q", msg)
	}
	began := time.Now()
	var out tools.PowerOutput
	mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1", "timeout_seconds": 5}, &out)
	took := time.Since(began)
	if out.Status != "FAILED" {
		t.Fatalf("stop = %+v, want FAILED", out)
	}
	// The bound is far from both 5 s and 25 s, so a slow machine does not
	// make it flaky and a wait on the Retry-After cannot pass.
	if took > 15*time.Second {
		t.Fatalf("stop_server with timeout_seconds=5 took %v", took)
	}
}

// A write refused with 429 ran nothing, so it is sent again once the pause
// the API asked for is over, when that fits the call: one stop, one request.
func TestWriteRefusedWith429IsSentAgain(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) {
		o.Faults = []sim.Fault{{Kind: sim.FaultStatus, Status: 429, RetryAfter: 1, Method: "POST", Count: 2}}
	}), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1", "timeout_seconds": 30}, &out)
	if out.Status != "DONE" || out.Server.VMState != "SHUTOFF" {
		t.Fatalf("stop after two 429s = %+v, want DONE and SHUTOFF", out)
	}
	if n := e.writes(); n != 1 {
		t.Fatalf("the simulator executed %d writes, want 1", n)
	}
}
