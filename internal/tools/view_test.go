package tools_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// uiOptions is a client that shows MCP Apps views and has no elicitation:
// Claude Desktop and claude.ai, as of late 2026.
func uiOptions() *mcp.ClientOptions {
	return &mcp.ClientOptions{Capabilities: &mcp.ClientCapabilities{
		Extensions: map[string]any{views.Extension: map[string]any{"mimeTypes": []string{views.MIMEType}}},
	}}
}

// offerOf calls a destructive tool on a UI client and returns the model's
// view of the result, its text, and the offer that only the view receives.
func offerOf(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (tools.PowerOutput, string, tools.Offer) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil || res.IsError {
		t.Fatalf("%s: %v %+v", tool, err, res)
	}
	var out tools.PowerOutput
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	var offer tools.Offer
	b, _ = json.Marshal(res.Meta["ionos-mcp/confirmation"])
	if err := json.Unmarshal(b, &offer); err != nil {
		t.Fatal(err)
	}
	return out, textOf(res), offer
}

func decision(o tools.Offer, d string) map[string]any {
	return map[string]any{"grant": o.Grant, "action": o.Action, "server": o.ServerID, "datacenter": o.DatacenterID, "decision": d}
}

// The tools that have a view say so, and the view's own tool is app-only.
func TestToolsDeclareTheirViews(t *testing.T) {
	e := newEnv(t)
	res, err := e.session(eras[0], nil).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"stop_server": views.ConfirmURI, "reboot_server": views.ConfirmURI, "suspend_server": views.ConfirmURI,
		"power_servers": views.ConfirmURI, "list_servers": views.InventoryURI}
	for _, tool := range res.Tools {
		ui, _ := tool.Meta["ui"].(map[string]any)
		if uri := want[tool.Name]; ui["resourceUri"] != nil || uri != "" {
			if ui["resourceUri"] != uri {
				t.Errorf("%s: _meta.ui.resourceUri %v, want %q", tool.Name, ui["resourceUri"], uri)
			}
		}
		vis, _ := ui["visibility"].([]any)
		if appOnly := len(vis) == 1 && vis[0] == "app"; appOnly != (tool.Name == "apply_power_decision" || tool.Name == "apply_set_decision") {
			t.Errorf("%s: _meta.ui.visibility %v", tool.Name, ui["visibility"])
		}
	}
}

// On a client that shows views and cannot elicit, no sequence of the
// model's tool calls stops a server; the view's one decision does, once.
func TestViewDecidesAndTheModelCannot(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, uiOptions())
			args := map[string]any{"server": "etl-1"}
			out, text, offer := offerOf(t, cs, "stop_server", args)
			if out.Status != "CONFIRMATION_IN_VIEW" || out.ConfirmationToken != "" || out.Server == nil || out.Server.Name != "etl-1" {
				t.Fatalf("stop_server on a UI client = %+v", out)
			}
			if !strings.Contains(out.Message, "No tool you can call runs this stop") {
				t.Errorf("the model is not told the decision is not its own: %s", out.Message)
			}
			if offer.Grant == "" || offer.ServerID != out.Server.ID || offer.Target != "SHUTOFF" || !strings.Contains(offer.Consequences, "pulling the plug") ||
				!strings.Contains(offer.Summary, `Stop server "etl-1"`) {
				t.Fatalf("offer %+v", offer)
			}
			// What the model reads carries nothing that acts.
			b, _ := json.Marshal(out)
			for _, seen := range []string{text, string(b)} {
				if strings.Contains(seen, offer.Grant) || strings.Contains(seen, "imc1.") {
					t.Fatalf("the model's view of the result holds a grant or token: %s", seen)
				}
			}
			// Calling again only offers again; a token from a client that
			// gets tokens is refused here.
			offerOf(t, cs, "stop_server", args)
			var preview tools.PowerOutput
			mustCall(t, e.session(era, nil), "stop_server", args, &preview)
			msg := mustFail(t, cs, "stop_server", map[string]any{"server": "etl-1", "confirmation_token": preview.ConfirmationToken})
			if !strings.Contains(msg, "confirmation tokens are not accepted from it") {
				t.Fatalf("a token on a UI client: %s", msg)
			}
			if msg := mustFail(t, cs, "stop_server", map[string]any{"server": "etl-1", "confirmation_token": offer.Grant}); !strings.Contains(msg, "not accepted") {
				t.Fatalf("the grant as a token: %s", msg)
			}
			if e.writes() != 0 {
				t.Fatalf("%d writes before the person decided", e.writes())
			}

			var done tools.PowerOutput
			mustCall(t, cs, "apply_power_decision", decision(offer, "accept"), &done)
			w := e.sim.Stats().Writes
			if done.Status != cloud.StatusQueued || len(w) != 1 || w[0].Action != "stop" || w[0].ServerID != offer.ServerID || w[0].RequestID != done.RequestID {
				t.Fatalf("accept = %+v, writes %+v", done, w)
			}
			if msg := mustFail(t, cs, "apply_power_decision", decision(offer, "accept")); !strings.Contains(msg, "Nothing was changed") {
				t.Fatalf("a replayed decision: %s", msg)
			}
			if e.writes() != 1 {
				t.Fatalf("%d writes, want exactly 1", e.writes())
			}
			e.audit.want(t, [][2]string{{"view-offered", "CONFIRMATION_IN_VIEW"}, {"view-offered", "CONFIRMATION_IN_VIEW"}, {"preview-issued", "CONFIRMATION_REQUIRED"},
				{"refused", "REFUSED"}, {"refused", "REFUSED"}, {"view", "QUEUED"}, {"refused", "REFUSED"}})
		})
	}
}

func TestViewDeclineChangesNothing(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[1], uiOptions())
	_, _, offer := offerOf(t, cs, "reboot_server", map[string]any{"server": "jupyter"})
	before := len(e.paths.requests())
	var out tools.PowerOutput
	mustCall(t, cs, "apply_power_decision", decision(offer, "decline"), &out)
	if out.Status != "DECLINED" || !strings.Contains(out.Message, "Nothing was changed") {
		t.Fatalf("decline = %+v", out)
	}
	if n := len(e.paths.requests()) - before; n != 0 {
		t.Fatalf("a decline sent %d API requests", n)
	}
	// The offer is spent: it cannot be accepted after being declined.
	if msg := mustFail(t, cs, "apply_power_decision", decision(offer, "accept")); !strings.Contains(msg, "already used") {
		t.Fatalf("accept after decline: %s", msg)
	}
	if e.writes() != 0 {
		t.Fatalf("%d writes after a decline", e.writes())
	}
	if ev := e.audit.last(t); ev.Status != "REFUSED" || ev.Tool != "reboot_server" {
		t.Fatalf("audit %+v", ev)
	}
}

// Bad input to the app-only tool: a clear error, and not one request to the API.
func TestDecisionRefusesBadInput(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	signer, err := confirm.NewSigner([]byte("test secret of sufficient length"), time.Minute, confirm.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withTools(func(o *tools.Options) { o.Signer = signer }))
	cs := e.session(eras[0], uiOptions())
	_, _, offer := offerOf(t, cs, "stop_server", map[string]any{"server": "etl-1"})
	_, _, other := offerOf(t, cs, "stop_server", map[string]any{"server": "jupyter"})
	forged := offer
	forged.Grant = offer.Grant[:len(offer.Grant)-2] + "AA"
	tests := map[string]struct {
		cs   *mcp.ClientSession
		args map[string]any
		want string
	}{
		"client without MCP Apps": {e.session(eras[0], nil), decision(offer, "accept"), "did not declare MCP Apps"},
		"forged grant":            {cs, decision(forged, "accept"), "signature does not match"},
		"not a grant":             {cs, map[string]any{"grant": "yes", "action": "stop", "server": offer.ServerID, "datacenter": offer.DatacenterID, "decision": "accept"}, "not a confirmation token"},
		"grant for another action": {cs, map[string]any{"grant": offer.Grant, "action": "reboot", "server": offer.ServerID, "datacenter": offer.DatacenterID, "decision": "accept"},
			"another action or server"},
		"grant for another server": {cs, map[string]any{"grant": offer.Grant, "action": "stop", "server": other.ServerID, "datacenter": other.DatacenterID, "decision": "accept"},
			"another action or server"},
		"unknown decision":         {cs, map[string]any{"grant": offer.Grant, "action": "stop", "server": offer.ServerID, "datacenter": offer.DatacenterID, "decision": "maybe"}, "decision"},
		"decision of a wrong type": {cs, map[string]any{"grant": offer.Grant, "action": "stop", "server": offer.ServerID, "datacenter": offer.DatacenterID, "decision": true}, "decision"},
		"missing server":           {cs, map[string]any{"grant": offer.Grant, "action": "stop", "datacenter": offer.DatacenterID, "decision": "accept"}, "server"},
	}
	before := len(e.paths.requests())
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := tt.cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "apply_power_decision", Arguments: tt.args})
			msg := ""
			switch {
			case err != nil:
				msg = err.Error()
			case res.IsError:
				msg = textOf(res)
			default:
				t.Fatalf("accepted: %+v", res.StructuredContent)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to name %q", msg, tt.want)
			}
		})
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if msg := mustFail(t, cs, "apply_power_decision", decision(offer, "accept")); !strings.Contains(msg, "expired") {
		t.Errorf("expired grant: %s", msg)
	}
	if n := len(e.paths.requests()) - before; n != 0 || e.writes() != 0 {
		t.Fatalf("bad decisions sent %d API requests and %d writes", n, e.writes())
	}
}

// A server that changed after the view showed it is not acted on.
func TestDecisionRefusesAChangedServer(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], uiOptions())
	_, _, offer := offerOf(t, cs, "stop_server", map[string]any{"server": "jupyter"})
	ctx := context.Background()
	s, err := e.client.ResolveServer(ctx, offer.ServerID, offer.DatacenterID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.PowerAction(ctx, s, cloud.Reboot); err != nil { // someone else acts on it
		t.Fatal(err)
	}
	waitIdle(t, e, offer)
	msg := mustFail(t, cs, "apply_power_decision", decision(offer, "accept"))
	if !strings.Contains(msg, "changed since the view showed it") || !strings.Contains(msg, "Nothing was changed") {
		t.Fatalf("a changed server: %s", msg)
	}
	if w := e.sim.Stats().Writes; len(w) != 1 || w[0].Action != "reboot" {
		t.Fatalf("writes %+v, want only the outside reboot", w)
	}
}

func waitIdle(t *testing.T, e *env, o tools.Offer) {
	t.Helper()
	for range 200 {
		s, err := e.client.ResolveServer(context.Background(), o.ServerID, o.DatacenterID)
		if err == nil && !s.Busy() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server stayed busy")
}

// Two replicas that share the confirmation key and the ledger: a grant
// minted by one is applied by the other, once.
func TestDecisionOnAnotherReplica(t *testing.T) {
	ledger := sharedstate.NewMemory()
	replica := func() *confirm.Signer {
		s, err := confirm.NewSigner([]byte("the key the replicas share"), time.Minute, confirm.WithLedger(ledger))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := newEnv(t, withTools(func(o *tools.Options) { o.Signer = replica() }))
	b := *a
	b.opts.Signer = replica()
	_, _, offer := offerOf(t, a.session(eras[0], uiOptions()), "suspend_server", map[string]any{"server": "cache-cube"})
	var out tools.PowerOutput
	mustCall(t, b.session(eras[1], uiOptions()), "apply_power_decision", decision(offer, "accept"), &out)
	if out.Status != cloud.StatusQueued {
		t.Fatalf("accept on the other replica = %+v", out)
	}
	if msg := mustFail(t, a.session(eras[0], uiOptions()), "apply_power_decision", decision(offer, "accept")); !strings.Contains(msg, "Nothing was changed") {
		t.Fatalf("the same decision on the first replica: %s", msg)
	}
	if w := a.sim.Stats().Writes; len(w) != 1 || w[0].Action != "suspend" {
		t.Fatalf("writes %+v, want one suspend", w)
	}
}

// The policy: auto prefers elicitation, then the view, then the token;
// human refuses where neither a prompt nor a view can ask.
func TestConfirmationPolicyOrder(t *testing.T) {
	both := uiOptions()
	both.ElicitationHandler = accept
	tests := []struct {
		policy confirm.Policy
		client *mcp.ClientOptions
		want   string // status, or the text of the refusal
	}{
		{confirm.Auto, both, "DONE"},
		{confirm.Auto, uiOptions(), "CONFIRMATION_IN_VIEW"},
		{confirm.Auto, nil, "CONFIRMATION_REQUIRED"},
		{confirm.Human, both, "DONE"},
		{confirm.Human, uiOptions(), "CONFIRMATION_IN_VIEW"},
		{confirm.Human, nil, "lets only a person confirm"},
		{confirm.Elicit, uiOptions(), "cannot show a confirmation prompt"},
		{confirm.Token, uiOptions(), "CONFIRMATION_REQUIRED"},
	}
	for _, tt := range tests {
		name := string(tt.policy) + "/" + map[bool]string{true: "ui", false: "plain"}[tt.client != nil]
		if tt.client != nil && tt.client.ElicitationHandler != nil {
			name += "+elicitation"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = tt.policy }))
			var out tools.PowerOutput
			msg := call(t, e.session(eras[0], tt.client), "stop_server", map[string]any{"server": "jupyter"}, &out)
			if got := out.Status; got != tt.want && !strings.Contains(msg, tt.want) {
				t.Fatalf("status %q, error %q; want %q", got, msg, tt.want)
			}
		})
	}
}

// With IONOS_MCP_CONFIRM=human, a token is never taken, whoever minted it.
func TestHumanPolicyRefusesTokens(t *testing.T) {
	e := newEnv(t)
	var preview tools.PowerOutput
	mustCall(t, e.session(eras[0], nil), "stop_server", map[string]any{"server": "jupyter"}, &preview)
	e.opts.Confirm = confirm.Human
	msg := mustFail(t, e.session(eras[0], nil), "stop_server", map[string]any{"server": "jupyter", "confirmation_token": preview.ConfirmationToken})
	if !strings.Contains(msg, "IONOS_MCP_CONFIRM=human") || e.writes() != 0 {
		t.Fatalf("a token under human: %s (%d writes)", msg, e.writes())
	}
}

// In read-only mode the view's tool is refused like every write.
func TestDecisionReadOnly(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.ReadOnly = true }))
	res, err := e.session(eras[0], uiOptions()).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(res.Tools, func(t *mcp.Tool) bool { return t.Name == "apply_power_decision" }) {
		t.Fatal("apply_power_decision is offered in read-only mode")
	}
}
