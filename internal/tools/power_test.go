package tools_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// The second example prompt: one stop_server call by name, confirmed by the
// human through elicitation, whose result carries the request id, DONE and
// vmState SHUTOFF.
func TestStopByNameWithElicitation(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			var asked []string
			var mu sync.Mutex
			cs := e.session(era, &mcp.ClientOptions{ElicitationHandler: func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				mu.Lock()
				asked = append(asked, req.Params.Message)
				mu.Unlock()
				return accept(ctx, req)
			}})
			var out tools.PowerOutput
			mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}, &out)
			if out.Status != "DONE" || !cloud.IsUUID(out.RequestID) || out.Server == nil || out.Server.VMState != "SHUTOFF" {
				t.Fatalf("stop_server = %+v, want DONE with a request id and vmState SHUTOFF", out)
			}
			if got := e.server("analytics", "etl-1").VMState; got != "SHUTOFF" {
				t.Fatalf("simulator says etl-1 is %s", got)
			}
			if len(asked) != 1 || !strings.Contains(asked[0], `Stop server "etl-1"`) || !strings.Contains(asked[0], "forced power-off") {
				t.Fatalf("the human was asked %q", asked)
			}
			w := e.sim.Stats().Writes
			if len(w) != 1 || w[0].Action != "stop" || w[0].RequestID != out.RequestID {
				t.Fatalf("writes = %+v, want one stop with request %s", w, out.RequestID)
			}
			if ev := e.audit.last(t); ev.Confirmation != "elicitation" || ev.Status != "DONE" || ev.RequestID != out.RequestID || ev.ServerName != "etl-1" {
				t.Fatalf("audit event %+v", ev)
			}
		})
	}
}

func TestStopDeclinedChangesNothing(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, &mcp.ClientOptions{ElicitationHandler: decline})
			var out tools.PowerOutput
			mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}, &out)
			if out.Status != "DECLINED" || !strings.Contains(out.Message, "Nothing was changed") {
				t.Fatalf("declined stop = %+v", out)
			}
			if e.writes() != 0 || e.server("analytics", "etl-1").VMState != "RUNNING" {
				t.Fatal("a declined stop changed something")
			}
			if ev := e.audit.last(t); ev.Confirmation != "declined" || ev.Status != "DECLINED" {
				t.Fatalf("audit event %+v", ev)
			}
		})
	}
}

// A client without elicitation gets a preview and a token; the token works
// once, for that server, and not after the server changed.
func TestTokenConfirmation(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, nil) // no elicitation capability
			var preview tools.PowerOutput
			mustCall(t, cs, "stop_server", map[string]any{"server": "jupyter"}, &preview)
			if preview.Status != "CONFIRMATION_REQUIRED" || preview.ConfirmationToken == "" || preview.RequestID != "" {
				t.Fatalf("first call = %+v, want a preview with a token", preview)
			}
			for _, want := range []string{`Stop server "jupyter"`, "VCPU", "analytics", "RUNNING", "unsaved data is lost", "Nothing has been changed yet"} {
				if !strings.Contains(preview.Message, want) {
					t.Errorf("preview lacks %q: %s", want, preview.Message)
				}
			}
			if e.writes() != 0 {
				t.Fatal("the preview sent a write")
			}
			tok := preview.ConfirmationToken

			// Another server, another tool: refused.
			msg := mustFail(t, cs, "stop_server", map[string]any{"server": "etl-1", "confirmation_token": tok})
			if !strings.Contains(msg, "another action or server") || !strings.Contains(msg, "Nothing was changed") {
				t.Fatalf("token for another server: %s", msg)
			}
			msg = mustFail(t, cs, "reboot_server", map[string]any{"server": "jupyter", "confirmation_token": tok})
			if !strings.Contains(msg, "another action or server") {
				t.Fatalf("token for another tool: %s", msg)
			}

			var done tools.PowerOutput
			mustCall(t, cs, "stop_server", map[string]any{"server": "jupyter", "confirmation_token": tok}, &done)
			if done.Status != "DONE" || done.Server.VMState != "SHUTOFF" || !cloud.IsUUID(done.RequestID) {
				t.Fatalf("confirmed stop = %+v", done)
			}

			// Replayed: refused, and nothing is sent again.
			msg = mustFail(t, cs, "stop_server", map[string]any{"server": "jupyter", "confirmation_token": tok})
			if !strings.Contains(msg, "confirmation refused") || !strings.Contains(msg, "server changed since the confirmation") {
				t.Fatalf("replayed token: %s", msg)
			}
			if e.writes() != 1 {
				t.Fatalf("%d writes, want exactly 1", e.writes())
			}
		})
	}
}

// A token minted for the same target and caller but expired is refused.
func TestExpiredToken(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var preview tools.PowerOutput
	mustCall(t, cs, "stop_server", map[string]any{"server": "jupyter"}, &preview)
	// A signer with the same secret whose clock runs ten minutes ahead
	// sees the token as expired.
	late, err := confirm.NewSigner([]byte("test secret of sufficient length"), time.Minute, confirm.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) }))
	if err != nil {
		t.Fatal(err)
	}
	e.opts.Signer = late
	cs = e.session(eras[0], nil)
	msg := mustFail(t, cs, "stop_server", map[string]any{"server": "jupyter", "confirmation_token": preview.ConfirmationToken})
	if !strings.Contains(msg, "expired") || e.writes() != 0 {
		t.Fatalf("expired token: %s (writes %d)", msg, e.writes())
	}
}

// A token is bound to the server's state: when the server changed after the
// preview, the token no longer works.
func TestTokenStaleAfterChange(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var preview tools.PowerOutput
	mustCall(t, cs, "reboot_server", map[string]any{"server": "jupyter"}, &preview)
	// Someone else reboots it meanwhile (policy none for brevity).
	e.opts.Confirm = confirm.None
	other := e.session(eras[0], nil)
	mustCall(t, other, "reboot_server", map[string]any{"server": "jupyter"}, nil)
	e.opts.Confirm = confirm.Auto
	cs = e.session(eras[0], nil)
	msg := mustFail(t, cs, "reboot_server", map[string]any{"server": "jupyter", "confirmation_token": preview.ConfirmationToken})
	if !strings.Contains(msg, "server changed since the confirmation") {
		t.Fatalf("stale token: %s", msg)
	}
	if e.writes() != 1 {
		t.Fatalf("%d writes, want 1", e.writes())
	}
}

func TestElicitPolicyFailsClosed(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.Elicit }))
	cs := e.session(eras[0], nil)
	msg := mustFail(t, cs, "stop_server", map[string]any{"server": "etl-1"})
	if !strings.Contains(msg, "cannot show a confirmation prompt") || e.writes() != 0 {
		t.Fatalf("elicit policy without elicitation: %s", msg)
	}
}

func TestTokenPolicyNeverElicits(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.Token }))
	cs := e.session(eras[0], &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		t.Error("token policy used elicitation")
		return &mcp.ElicitResult{Action: "decline"}, nil
	}})
	var out tools.PowerOutput
	mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}, &out)
	if out.Status != "CONFIRMATION_REQUIRED" {
		t.Fatalf("status %s", out.Status)
	}
}

func TestStartAndResumeNeedNoConfirmation(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "start_server", map[string]any{"server": "build-runner"}, &out)
	if out.Status != "DONE" || out.Server.VMState != "RUNNING" || out.Server.State != "AVAILABLE" {
		t.Fatalf("start = %+v", out)
	}
	mustCall(t, cs, "resume_server", map[string]any{"server": "dev-cube"}, &out)
	if out.Status != "DONE" || out.Server.VMState != "RUNNING" {
		t.Fatalf("resume = %+v", out)
	}
}

func TestSuspendAndReboot(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], &mcp.ClientOptions{ElicitationHandler: accept})
	var out tools.PowerOutput
	mustCall(t, cs, "suspend_server", map[string]any{"server": "cache-cube"}, &out)
	if out.Status != "DONE" || out.Server.VMState != "SUSPENDED" {
		t.Fatalf("suspend = %+v", out)
	}
	mustCall(t, cs, "reboot_server", map[string]any{"server": "db-1"}, &out)
	if out.Status != "DONE" || out.Server.VMState != "RUNNING" || out.RequestID == "" {
		t.Fatalf("reboot = %+v", out)
	}
	if e.writes() != 2 {
		t.Fatalf("%d writes", e.writes())
	}
}

// A write whose target state already holds sends nothing and says so.
func TestNoOpSendsNothing(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], &mcp.ClientOptions{ElicitationHandler: accept})
	tests := []struct{ tool, server string }{
		{"start_server", "etl-1"},
		{"stop_server", "build-runner"},
		{"resume_server", "cache-cube"},
		{"suspend_server", "dev-cube"},
	}
	for _, tt := range tests {
		var out tools.PowerOutput
		mustCall(t, cs, tt.tool, map[string]any{"server": tt.server}, &out)
		if out.Status != "NO_CHANGE" || !strings.Contains(out.Message, "nothing was sent") {
			t.Errorf("%s %s = %+v", tt.tool, tt.server, out)
		}
	}
	if e.writes() != 0 {
		t.Fatalf("%d writes, want 0", e.writes())
	}
}

// A CUBE/non-CUBE mismatch is refused before any API write, naming the right tool.
func TestWrongActionRefused(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], &mcp.ClientOptions{ElicitationHandler: accept})
	tests := []struct{ tool, server, want string }{
		{"stop_server", "cache-cube", "use suspend_server"},
		{"start_server", "dev-cube", "use resume_server"},
		{"stop_server", "gpu-train", "use suspend_server"},
		{"suspend_server", "etl-1", "use stop_server"},
		{"resume_server", "build-runner", "use start_server"},
		{"reboot_server", "build-runner", "use start_server"},
	}
	for _, tt := range tests {
		msg := mustFail(t, cs, tt.tool, map[string]any{"server": tt.server})
		if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "Nothing was sent") {
			t.Errorf("%s %s: %s", tt.tool, tt.server, msg)
		}
	}
	if e.writes() != 0 {
		t.Fatalf("%d writes", e.writes())
	}
}

// With wait=false the write returns the request id at once, and
// get_request_status follows it, by id or by Location URL.
func TestNoWaitThenRequestStatus(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "start_server", map[string]any{"server": "batch-worker", "wait": false}, &out)
	if out.Status != "QUEUED" || !cloud.IsUUID(out.RequestID) {
		t.Fatalf("start without wait = %+v", out)
	}
	var st tools.GetRequestStatusOutput
	mustCall(t, cs, "get_request_status", map[string]any{"request_id": out.RequestID, "wait": true}, &st)
	if st.Status != "DONE" || st.RequestID != out.RequestID || len(st.Targets) != 1 || st.Targets[0].Type != "server" {
		t.Fatalf("status = %+v", st)
	}
	loc := e.sim.URL + "/cloudapi/v6/requests/" + out.RequestID + "/status"
	mustCall(t, cs, "get_request_status", map[string]any{"request_id": loc}, &st)
	if st.Status != "DONE" {
		t.Fatalf("status by URL = %+v", st)
	}
}

// When the wait runs out, the result says how to resume, and
// get_request_status picks up from there.
func TestWaitTimeoutIsResumable(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, withSim(func(o *sim.Options) { o.Clock = clock; o.Timing = sim.Timing{} }))
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "start_server", map[string]any{"server": "build-runner", "timeout_seconds": 1}, &out)
	if out.Status != "QUEUED" || out.RequestID == "" || !strings.Contains(out.Message, "get_request_status") {
		t.Fatalf("timed-out start = %+v", out)
	}
	clock.Advance(time.Minute)
	var st tools.GetRequestStatusOutput
	mustCall(t, cs, "get_request_status", map[string]any{"request_id": out.RequestID, "wait": true, "timeout_seconds": 5}, &st)
	if st.Status != "DONE" {
		t.Fatalf("after the clock moved: %+v", st)
	}
}

// Progress notifications reach a client that sent a progress token.
func TestProgressNotifications(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t, withSim(func(o *sim.Options) { o.Timing = sim.Timing{Scale: 0.005} }))
			var mu sync.Mutex
			var msgs []string
			cs := e.session(era, &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
				mu.Lock()
				msgs = append(msgs, req.Params.Message)
				mu.Unlock()
			}})
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{
				Name: "start_server", Arguments: map[string]any{"server": "build-runner"}, Meta: mcp.Meta{"progressToken": "p1"},
			})
			if err != nil || res.IsError {
				t.Fatalf("start: %v %v", err, res)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(msgs) < 2 || !strings.Contains(strings.Join(msgs, "\n"), "DONE") {
				t.Fatalf("progress messages: %q", msgs)
			}
		})
	}
}

func TestFailedRequestReported(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) { o.Faults = []sim.Fault{{Kind: sim.FaultFail, Count: 1}} }))
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "start_server", map[string]any{"server": "build-runner"}, &out)
	if out.Status != "FAILED" || !strings.Contains(out.Message, "[VDC-") || out.Server.VMState != "SHUTOFF" {
		t.Fatalf("failed start = %+v", out)
	}
}

func TestReadOnlyRegistersNoWrites(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.ReadOnly = true }))
	cs := e.session(eras[0], nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if !tool.Annotations.ReadOnlyHint {
			t.Errorf("read-only mode lists %s", tool.Name)
		}
	}
	if len(res.Tools) != 4 {
		t.Fatalf("%d tools, want 4 read tools", len(res.Tools))
	}
	_, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "stop_server", Arguments: map[string]any{"server": "etl-1"}})
	if err == nil || e.writes() != 0 {
		t.Fatalf("stop_server in read-only mode: err %v, writes %d", err, e.writes())
	}
}

// A power action that is already pending on the server is followed, not
// sent a second time, whatever the tool and its wait.
func TestPendingActionNotSentTwice(t *testing.T) {
	cases := []struct {
		tool, server string
		args         map[string]any
	}{
		{"start_server", "build-runner", nil},
		{"reboot_server", "db-1", nil},
		{"stop_server", "etl-1", nil},
	}
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			clock := sim.NewManualClock(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
			e := newEnv(t, withSim(func(o *sim.Options) { o.Clock = clock; o.Timing = sim.Timing{} }))
			asked := 0
			cs := e.session(eras[0], &mcp.ClientOptions{ElicitationHandler: func(ctx context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				asked++
				return accept(ctx, r)
			}})
			args := map[string]any{"server": tc.server, "wait": false}
			var first, second tools.PowerOutput
			mustCall(t, cs, tc.tool, args, &first)
			if !cloud.IsUUID(first.RequestID) || e.writes() != 1 {
				t.Fatalf("first call = %+v, %d writes", first, e.writes())
			}
			mustCall(t, cs, tc.tool, args, &second)
			if e.writes() != 1 {
				t.Fatalf("second call sent another action: %d writes", e.writes())
			}
			if second.RequestID != first.RequestID || second.Status != "QUEUED" || !strings.Contains(second.Message, "already pending") {
				t.Fatalf("second call = %+v, want the pending request %s", second, first.RequestID)
			}
			// Waiting on the pending one follows it to its end.
			var third tools.PowerOutput
			args["wait"], args["timeout_seconds"] = true, 1
			mustCall(t, cs, tc.tool, args, &third)
			if e.writes() != 1 || third.RequestID != first.RequestID {
				t.Fatalf("waiting call = %+v, %d writes", third, e.writes())
			}
			if want := map[bool]int{true: 1, false: 0}[tc.tool != "start_server"]; asked != want {
				t.Fatalf("the user was asked %d times, want %d (only for the one action sent)", asked, want)
			}
		})
	}
}

// A different action on a busy server is still sent: it queues behind.
func TestPendingOtherActionStillSent(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, withSim(func(o *sim.Options) { o.Clock = clock; o.Timing = sim.Timing{} }),
		withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	var out tools.PowerOutput
	mustCall(t, cs, "reboot_server", map[string]any{"server": "db-1", "wait": false}, &out)
	mustCall(t, cs, "stop_server", map[string]any{"server": "db-1", "wait": false}, &out)
	if e.writes() != 2 {
		t.Fatalf("%d writes, want the reboot and the stop", e.writes())
	}
}
