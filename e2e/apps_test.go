//go:build apps

package e2e

// The MCP Apps views in a real browser. Debian's Chromium, driven by
// playwright-core (e2e/apps/driver.mjs), opens a host page built on the
// official MCP TypeScript client and the AppBridge of
// @modelcontextprotocol/ext-apps (e2e/apps/host.js). The host connects to
// `ionos-mcp serve --http` on an in-process simulator, makes the model's
// tool call, and shows the view; the driver clicks and types as a person
// would. Each scenario is checked on the page and on the writes the
// simulator executed.
//
//	apt-get install -y chromium
//	(cd e2e/apps && npm ci)
//	go test -tags apps -count=1 -run Apps -v ./e2e/
//
// IONOS_MCP_SCREENSHOTS=docs/images (relative to the repository) writes the
// screenshots of the README there; otherwise they go to a temporary
// directory.

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

const chromium = "/usr/bin/chromium"

// appsRun is what driver.mjs prints.
type appsRun struct {
	Fatal           string `json:"fatal"`
	ProtocolVersion string `json:"protocolVersion"`
	Tools           []struct {
		Name        string `json:"name"`
		ResourceURI string `json:"resourceUri"`
		AppOnly     bool   `json:"appOnly"`
	} `json:"tools"`
	Scenarios map[string]json.RawMessage `json:"scenarios"`
	Requests  struct {
		Total     int      `json:"total"`
		Offending []string `json:"offending"`
	} `json:"requests"`
	Console []struct {
		Type string `json:"type"`
		Text string `json:"text"`
		View bool   `json:"view"`
	} `json:"console"`
	PageErrors []string `json:"pageErrors"`
	GrantLeaks []string `json:"grantLeaks"`
	GrantsSeen int      `json:"grantsSeen"`
}

type button struct {
	Text     string `json:"text"`
	Disabled bool   `json:"disabled"`
}

// panelRead is a confirmation panel as the driver read it.
type panelRead struct {
	Heading      string   `json:"heading"`
	Facts        []string `json:"facts"`
	Consequences string   `json:"consequences"`
	Expires      string   `json:"expires"`
	Buttons      []button `json:"buttons"`
}

// outcomeRead is how a panel ended.
type outcomeRead struct {
	Outcome     string   `json:"outcome"`
	OutcomeKind string   `json:"outcomeKind"`
	Progress    []string `json:"progress"`
	Buttons     []button `json:"buttons"`
}

type focusRead struct {
	Tag          string `json:"tag"`
	Text         string `json:"text"`
	Outline      string `json:"outline"`
	FocusVisible bool   `json:"focusVisible"`
}

// modelResult is what the model got from its tool call.
type modelResult struct {
	Content           []map[string]any `json:"content"`
	StructuredContent map[string]any   `json:"structuredContent"`
	IsError           bool             `json:"isError"`
}

// widths are a view's document widths.
type widths struct {
	ScrollWidth     int `json:"scrollWidth"`
	ClientWidth     int `json:"clientWidth"`
	BodyScrollWidth int `json:"bodyScrollWidth"`
}

type scenarioBase struct {
	Error string   `json:"error"`
	Calls []string `json:"calls"`
	MS    int      `json:"ms"`
}

func TestAppsInBrowser(t *testing.T) {
	checkAppsTools(t)
	start := time.Now()
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.01}, Faults: []sim.Fault{
		// The suspend of cache-cube is accepted and its request ends FAILED.
		{Kind: sim.FaultFail, Method: "POST", Path: "*/servers/" + serverID("production", "cache-cube") + "/suspend"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := startReplica(t, appsEnv(s))
	shots := screenshotDir(t)
	run := runDriver(t, r.url+"/mcp", "modern", shots, "")
	t.Logf("driver: %d requests, %d grants seen, %s in all", run.Requests.Total, run.GrantsSeen, time.Since(start).Round(100*time.Millisecond))

	writes := writesByServer(s)
	// Every write of the run, and no other.
	want := map[string][]string{
		serverID("analytics", "etl-1"):       {"stop"},
		serverID("analytics", "report-cube"): {"suspend"},
		serverID("production", "cache-cube"): {"suspend"},
		serverID("analytics", "jupyter"):     {"stop"},
		serverID("staging", "build-runner"):  {"start"},
		serverID("production", "db-1"):       nil,
		serverID("production", "gpu-train"):  nil,
		serverID("production", "web-2"):      nil,
		serverID("production", "web-1"):      nil,
		serverID("staging", "web-1"):         {"stop"},
		serverID("analytics", "gpu-infer"):   nil,
		serverID("staging", "dev-cube"):      nil,
		serverID("staging", "batch-worker"):  nil,
	}
	writeCheck := func(t *testing.T, dc, name string) {
		t.Helper()
		id := serverID(dc, name)
		if got := writes[id]; !slices.Equal(got, want[id]) {
			t.Errorf("the simulator executed %v on %s, want %v", got, name, want[id])
		}
	}

	t.Run("host", func(t *testing.T) { checkHost(t, run) })
	t.Run("accept", func(t *testing.T) {
		checkAccept(t, run, "etl-1", "ENTERPRISE · 8 cores · 16 GB RAM", "analytics")
		writeCheck(t, "analytics", "etl-1")
	})
	t.Run("decline", func(t *testing.T) {
		var sc struct {
			scenarioBase
			Model modelResult `json:"model"`
			outcomeRead
		}
		scenario(t, run, "decline", &sc)
		if sc.Model.StructuredContent["status"] != "CONFIRMATION_IN_VIEW" {
			t.Errorf("the model's stop_server: %v, want CONFIRMATION_IN_VIEW", sc.Model.StructuredContent["status"])
		}
		if sc.Outcome != "Declined. Nothing was changed." {
			t.Errorf("after Cancel the view says %q", sc.Outcome)
		}
		checkDisabled(t, sc.Buttons)
		if !slices.Equal(sc.Calls, []string{"stop_server", "apply_power_decision:decline"}) {
			t.Errorf("tool calls %v, want stop_server, then the decline", sc.Calls)
		}
		writeCheck(t, "production", "db-1")
	})
	t.Run("keyboard", func(t *testing.T) {
		var sc struct {
			scenarioBase
			Steps []struct {
				Key     string    `json:"key"`
				Focused focusRead `json:"focused"`
			} `json:"steps"`
			outcomeRead
		}
		scenario(t, run, "keyboard", &sc)
		// From the host page: Tab enters the view on Cancel, Tab moves on
		// to the action, Shift+Tab back, Tab again; Enter runs it.
		wantFocus := []string{"Cancel", "Suspend report-cube", "Cancel", "Suspend report-cube"}
		for i, want := range wantFocus {
			if i >= len(sc.Steps) {
				t.Fatalf("only %d keyboard steps", len(sc.Steps))
			}
			f := sc.Steps[i].Focused
			if f.Tag != "BUTTON" || f.Text != want {
				t.Errorf("after %s (step %d) the focus is on %s %q, want the button %q", sc.Steps[i].Key, i+1, f.Tag, f.Text, want)
			}
			if !f.FocusVisible || strings.HasPrefix(f.Outline, "none") {
				t.Errorf("after %s the focused %q shows no focus ring (outline %q)", sc.Steps[i].Key, f.Text, f.Outline)
			}
		}
		if sc.Outcome != "report-cube is SUSPENDED" {
			t.Errorf("after Enter the view ends with %q, want report-cube is SUSPENDED (progress %v)", sc.Outcome, sc.Progress)
		}
		writeCheck(t, "analytics", "report-cube")
	})
	t.Run("expiry", func(t *testing.T) {
		var sc struct {
			scenarioBase
			outcomeRead
			Expires string `json:"expires"`
		}
		scenario(t, run, "expiry", &sc)
		if !strings.Contains(sc.Outcome, "This confirmation expired. Nothing was changed.") || !strings.Contains(sc.Outcome, "Ask the assistant again") {
			t.Errorf("an expired offer shows %q", sc.Outcome)
		}
		if !strings.HasPrefix(sc.Expires, "This offer expired at ") {
			t.Errorf("the expiry line says %q", sc.Expires)
		}
		checkDisabled(t, sc.Buttons)
		if !slices.Equal(sc.Calls, []string{"suspend_server"}) {
			t.Errorf("tool calls %v, want the model's suspend_server only", sc.Calls)
		}
		writeCheck(t, "production", "gpu-train")
	})
	t.Run("failed", func(t *testing.T) {
		var sc struct {
			scenarioBase
			outcomeRead
		}
		scenario(t, run, "failed", &sc)
		if sc.OutcomeKind != "err" || !strings.HasPrefix(sc.Outcome, "The request failed: ") || !strings.Contains(sc.Outcome, "cache-cube was not changed.") {
			t.Errorf("a FAILED request shows %s %q (progress %v)", sc.OutcomeKind, sc.Outcome, sc.Progress)
		}
		if slices.Contains(sc.Calls, "get_server") {
			t.Errorf("after FAILED the view still waited for the server: %v", sc.Calls)
		}
		writeCheck(t, "production", "cache-cube") // executed, and failed
	})
	t.Run("stale", func(t *testing.T) {
		var sc struct {
			scenarioBase
			First, Second outcomeRead
		}
		scenario(t, run, "stale", &sc)
		if sc.Second.Outcome != "web-1 is SHUTOFF" {
			t.Errorf("the second view ends with %q (progress %v)", sc.Second.Outcome, sc.Second.Progress)
		}
		if sc.First.OutcomeKind != "err" || !strings.Contains(sc.First.Outcome, "The server changed since the view showed it") {
			t.Errorf("the first view, accepted after the server changed, shows %s %q", sc.First.OutcomeKind, sc.First.Outcome)
		}
		writeCheck(t, "staging", "web-1")
	})
	t.Run("inventory", func(t *testing.T) {
		checkInventory(t, run)
		writeCheck(t, "analytics", "jupyter")
		writeCheck(t, "staging", "build-runner")
	})
	t.Run("narrow", func(t *testing.T) {
		var sc struct {
			scenarioBase
			Confirm            widths `json:"confirm"`
			Inventory          widths `json:"inventory"`
			InventoryWithPanel widths `json:"inventoryWithPanel"`
		}
		scenario(t, run, "narrow", &sc)
		for name, m := range map[string]widths{"confirm": sc.Confirm, "inventory": sc.Inventory, "inventory with a panel": sc.InventoryWithPanel} {
			if m.ClientWidth != 320 || m.ScrollWidth > m.ClientWidth || m.BodyScrollWidth > m.ClientWidth {
				t.Errorf("%s at 320 px: scrollWidth %d, body %d, clientWidth %d", name, m.ScrollWidth, m.BodyScrollWidth, m.ClientWidth)
			}
		}
		writeCheck(t, "production", "web-2") // the inventory's Stop opened a panel only
	})
	t.Run("screenshots", func(t *testing.T) { checkScreenshots(t, run, shots) })
	t.Run("every write", func(t *testing.T) {
		for id, got := range writes {
			if _, ok := want[id]; !ok {
				t.Errorf("the simulator executed %v on server %s, which no scenario acts on", got, id)
			}
		}
	})

	// A 2025-11-25 host on a --stateful endpoint, which knows the client's
	// capabilities from initialize: the same confirmation, accepted.
	t.Run("legacy host", func(t *testing.T) {
		s2, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.01}})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		r2 := startReplica(t, appsEnv(s2), "--stateful")
		run := runDriver(t, r2.url+"/mcp", "legacy", t.TempDir(), "accept")
		if run.ProtocolVersion != "2025-11-25" {
			t.Errorf("protocol %q, want 2025-11-25", run.ProtocolVersion)
		}
		checkAccept(t, run, "etl-1", "ENTERPRISE · 8 cores · 16 GB RAM", "analytics")
		if got := writesByServer(s2); len(got) != 1 || !slices.Equal(got[serverID("analytics", "etl-1")], []string{"stop"}) {
			t.Errorf("writes %v, want one stop of etl-1", got)
		}
		checkGlobal(t, run)
	})

	// power_servers in the view, on a simulator of its own: its stops of
	// production's servers would change what the scenarios above find.
	t.Run("set", func(t *testing.T) {
		s3, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.01}})
		if err != nil {
			t.Fatal(err)
		}
		defer s3.Close()
		r3 := startReplica(t, appsEnv(s3))
		// The decline and the layout first, then the simulator is read:
		// nothing may have run before the accept.
		run := runDriver(t, r3.url+"/mcp", "modern", shots, "setDecline,setNarrow")
		checkGlobal(t, run)
		t.Run("decline", func(t *testing.T) { checkSetDecline(t, run) })
		if got := writesByServer(s3); len(got) != 0 {
			t.Errorf("after the decline and the layout check the simulator executed %v, want nothing", got)
		}
		t.Run("narrow", func(t *testing.T) { checkSetNarrow(t, run) })
		run = runDriver(t, r3.url+"/mcp", "modern", shots, "setAccept,setResume")
		checkGlobal(t, run)
		t.Run("accept", func(t *testing.T) { checkSetAccept(t, run) })
		t.Run("resume", func(t *testing.T) { checkSetResume(t, run) })
		// Exactly one stop of each server the plan acts on, the resume of
		// dev-cube, and nothing else.
		got := writesByServer(s3)
		if w := got[serverID("staging", "dev-cube")]; !slices.Equal(w, []string{"resume"}) {
			t.Errorf("the simulator executed %v on dev-cube, want one resume", w)
		}
		delete(got, serverID("staging", "dev-cube"))
		for _, name := range []string{"web-1", "web-2", "db-1"} {
			if w := got[serverID("production", name)]; !slices.Equal(w, []string{"stop"}) {
				t.Errorf("the simulator executed %v on %s, want one stop", w, name)
			}
			delete(got, serverID("production", name))
		}
		if len(got) != 0 {
			t.Errorf("the simulator also executed %v", got)
		}
	})
}

// setRow is one row of a set's table as the driver read it.
type setRow struct {
	Server     string `json:"server"`
	Datacenter string `json:"datacenter"`
	Type       string `json:"type"`
	VMState    string `json:"vmState"`
	Plan       string `json:"plan"`
	PlanText   string `json:"planText"`
	Reason     string `json:"reason"`
	Muted      bool   `json:"muted"`
	Status     string `json:"status"`
	RequestID  string `json:"requestId"`
	Message    string `json:"message"`
}

// setRead is a set's panel as the driver read it.
type setRead struct {
	Heading      string   `json:"heading"`
	Summary      string   `json:"summary"`
	Counts       []string `json:"counts"`
	Consequences string   `json:"consequences"`
	Billing      string   `json:"billing"`
	Expires      string   `json:"expires"`
	Elapsed      string   `json:"elapsed"`
	Busy         bool     `json:"busy"`
	Buttons      []button `json:"buttons"`
	Columns      []string `json:"columns"`
	Rows         []setRow `json:"rows"`
}

// The plan of stop in production's RUNNING servers: the three ENTERPRISE
// servers act, the CUBE and the GPU server are refused (they suspend).
var setPlanWant = []struct{ server, typ, plan string }{
	{"db-1", "ENTERPRISE", "ACT"}, {"web-1", "ENTERPRISE", "ACT"}, {"web-2", "ENTERPRISE", "ACT"},
	{"cache-cube", "CUBE", "REFUSED"}, {"gpu-train", "GPU", "REFUSED"},
}

// checkSetOffer: the set as offered, the acting rows first, the others
// muted with their reason, and two buttons.
func checkSetOffer(t *testing.T, o setRead) {
	t.Helper()
	if o.Heading != "Stop 3 servers?" {
		t.Errorf("heading %q", o.Heading)
	}
	if !strings.Contains(o.Summary, "stop 3 of the 5 selected servers") || !strings.Contains(o.Summary, "2 refused") {
		t.Errorf("summary %q", o.Summary)
	}
	for _, c := range []string{"5 selected", "3 to stop", "2 refused", "afterwards SHUTOFF"} {
		if !slices.Contains(o.Counts, c) {
			t.Errorf("counts %q lack %q", o.Counts, c)
		}
	}
	if !strings.Contains(o.Consequences, "forced power-off") {
		t.Errorf("consequences %q", o.Consequences)
	}
	if !strings.HasPrefix(o.Billing, "Billing: cores and RAM of 3 servers stop being billed") || !strings.Contains(o.Billing, "Stays billed: their volumes") {
		t.Errorf("billing %q", o.Billing)
	}
	if !strings.HasPrefix(o.Expires, "This offer expires at ") {
		t.Errorf("expiry %q", o.Expires)
	}
	if len(o.Buttons) != 2 || o.Buttons[0] != (button{"Cancel", false}) || o.Buttons[1] != (button{"Stop 3 servers", false}) {
		t.Errorf("buttons %+v, want Cancel and Stop 3 servers", o.Buttons)
	}
	if !slices.Equal(o.Columns, []string{"Server", "Plan", "State"}) {
		t.Errorf("columns %q before the run", o.Columns)
	}
	if len(o.Rows) != len(setPlanWant) {
		t.Fatalf("%d rows, want %d: %+v", len(o.Rows), len(setPlanWant), o.Rows)
	}
	for i, w := range setPlanWant {
		r := o.Rows[i]
		if r.Server != w.server || r.Type != w.typ || r.Plan != w.plan || r.Datacenter != "production" || r.VMState != "RUNNING" || r.Status != "" {
			t.Errorf("row %d: %+v, want %s %s %s in production, RUNNING", i+1, r, w.server, w.typ, w.plan)
		}
		act := w.plan == "ACT"
		if act && (r.PlanText != "Stop" || r.Muted || r.Reason != "") {
			t.Errorf("row %s: plan %q, muted %v, reason %q; want Stop, not muted, no reason", r.Server, r.PlanText, r.Muted, r.Reason)
		}
		if !act && (r.PlanText != "Refused" || !r.Muted || !strings.Contains(r.Reason, "suspend")) {
			t.Errorf("row %s: plan %q, muted %v, reason %q; want Refused, muted, naming suspend", r.Server, r.PlanText, r.Muted, r.Reason)
		}
	}
}

func checkSetDecline(t *testing.T, run appsRun) {
	var sc struct {
		scenarioBase
		Model modelResult `json:"model"`
		Offer setRead     `json:"offer"`
		After setRead     `json:"after"`
		outcomeRead
	}
	scenario(t, run, "setDecline", &sc)
	if sc.Model.IsError || sc.Model.StructuredContent["status"] != "CONFIRMATION_IN_VIEW" {
		t.Errorf("the model's power_servers: isError %v, status %v", sc.Model.IsError, sc.Model.StructuredContent["status"])
	}
	checkSetOffer(t, sc.Offer)
	if sc.Outcome != "Declined. Nothing was changed." || sc.OutcomeKind != "info" {
		t.Errorf("after Cancel the view says %s %q", sc.OutcomeKind, sc.Outcome)
	}
	checkDisabled(t, sc.Buttons)
	for _, r := range sc.After.Rows {
		if r.Status != "" || r.VMState != "RUNNING" {
			t.Errorf("after the decline the row %s shows %s, %s", r.Server, r.Status, r.VMState)
		}
	}
	if !slices.Equal(sc.Calls, []string{"power_servers", "apply_set_decision:decline"}) {
		t.Errorf("tool calls %v, want power_servers, then the decline", sc.Calls)
	}
}

func checkSetNarrow(t *testing.T, run appsRun) {
	type measured struct {
		widths
		Box struct {
			ScrollWidth  int `json:"scrollWidth"`
			ClientWidth  int `json:"clientWidth"`
			ScrollHeight int `json:"scrollHeight"`
			ClientHeight int `json:"clientHeight"`
		} `json:"box"`
		Rows           int  `json:"rows"`
		DocumentHeight int  `json:"documentHeight"`
		ButtonsBottom  int  `json:"buttonsBottom"`
		LastRowShown   bool `json:"lastRowShown"`
		HeaderStuck    bool `json:"headerStuck"`
	}
	var sc struct {
		scenarioBase
		Small measured `json:"small"`
		Long  measured `json:"long"`
		Files []string `json:"files"`
	}
	scenario(t, run, "setNarrow", &sc)
	for name, m := range map[string]measured{"the set": sc.Small, "200 servers": sc.Long} {
		if m.ClientWidth != 320 || m.ScrollWidth > m.ClientWidth || m.BodyScrollWidth > m.ClientWidth {
			t.Errorf("%s at 320 px: scrollWidth %d, body %d, clientWidth %d", name, m.ScrollWidth, m.BodyScrollWidth, m.ClientWidth)
		}
		// Whatever the table's width, its box stays within the frame.
		if m.Box.ClientWidth > 300 {
			t.Errorf("%s at 320 px: the table's box is %d wide for %d of table", name, m.Box.ClientWidth, m.Box.ScrollWidth)
		}
		if !m.LastRowShown || !m.HeaderStuck {
			t.Errorf("%s: scrolled to its end, the box shows the last row %v, the header %v", name, m.LastRowShown, m.HeaderStuck)
		}
	}
	if sc.Small.Rows != 5 || sc.Long.Rows != 200 {
		t.Errorf("%d and %d rows, want 5 and 200", sc.Small.Rows, sc.Long.Rows)
	}
	// 200 rows scroll inside a bounded box: the page is no taller than
	// with a handful, and the buttons stay near the top.
	if sc.Long.Box.ScrollHeight < 20*sc.Long.Box.ClientHeight/2 || sc.Long.Box.ClientHeight > 450 {
		t.Errorf("200 rows: the box is %d high for %d of rows", sc.Long.Box.ClientHeight, sc.Long.Box.ScrollHeight)
	}
	if sc.Long.DocumentHeight > sc.Small.DocumentHeight+400 || sc.Long.ButtonsBottom > 1600 {
		t.Errorf("200 rows make the view %d px high (%d with 5), the buttons end at %d", sc.Long.DocumentHeight, sc.Small.DocumentHeight, sc.Long.ButtonsBottom)
	}
	checkPNG(t, sc.Files, 640, 300)
	if !slices.Equal(sc.Calls, []string{"power_servers", "power_servers"}) {
		t.Errorf("tool calls %v, want two plans and no decision", sc.Calls)
	}
}

// checkDecisionInView checks what the model sees of a destructive tool on
// a client with views: a decision in the view, nothing that acts; and that
// the host got the offer for the view.
func checkDecisionInView(t *testing.T, tool string, model modelResult, metaKeys []string) {
	t.Helper()
	if model.IsError || model.StructuredContent["status"] != "CONFIRMATION_IN_VIEW" {
		t.Errorf("the model's %s: isError %v, status %v", tool, model.IsError, model.StructuredContent["status"])
	}
	raw, _ := json.Marshal(model)
	for _, secret := range []string{"imc1.", "confirmationToken", endpointToken} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("what the model sees holds %q: %s", secret, raw)
		}
	}
	if !slices.Contains(metaKeys, "ionos-mcp/confirmation") {
		t.Errorf("the host got no offer in _meta: %v", metaKeys)
	}
}

func checkSetAccept(t *testing.T, run appsRun) {
	var sc struct {
		scenarioBase
		Model                modelResult `json:"model"`
		MetaKeys             []string    `json:"metaKeys"`
		FocusedAtStart       focusRead   `json:"focusedAtStart"`
		Offer                setRead     `json:"offer"`
		Running              setRead     `json:"running"`
		ProgressWhileRunning []string    `json:"progressWhileRunning"`
		After                setRead     `json:"after"`
		Files                []string    `json:"files"`
		outcomeRead
	}
	scenario(t, run, "setAccept", &sc)
	checkDecisionInView(t, "power_servers", sc.Model, sc.MetaKeys)
	checkSetOffer(t, sc.Offer)
	if sc.FocusedAtStart.Text != "Cancel" {
		t.Errorf("the focus starts on %q, want Cancel", sc.FocusedAtStart.Text)
	}
	// While the call runs: both buttons off, the panel busy, the acting
	// rows marked, the time counted.
	checkDisabled(t, sc.Running.Buttons)
	if !sc.Running.Busy || !strings.HasPrefix(sc.Running.Elapsed, "Running for ") {
		t.Errorf("while running: busy %v, %q", sc.Running.Busy, sc.Running.Elapsed)
	}
	for _, r := range sc.Running.Rows {
		if want := map[bool]string{true: "Running…", false: ""}[r.Plan == "ACT"]; r.Status != want {
			t.Errorf("while running the row %s shows %q, want %q", r.Server, r.Status, want)
		}
	}
	if len(sc.ProgressWhileRunning) != 1 || !strings.HasPrefix(sc.ProgressWhileRunning[0], "Accepted. Sending the stop of 3 servers") {
		t.Errorf("progress while running %q", sc.ProgressWhileRunning)
	}
	// Afterwards: DONE overall and for each of the three, with its request.
	if sc.OutcomeKind != "ok" || !strings.HasPrefix(sc.Outcome, "Done. 3 of 3 planned servers stopped") {
		t.Errorf("the view ends with %s %q", sc.OutcomeKind, sc.Outcome)
	}
	checkDisabled(t, sc.Buttons)
	if sc.After.Busy || sc.After.Elapsed != "" {
		t.Errorf("after the run: busy %v, %q", sc.After.Busy, sc.After.Elapsed)
	}
	if !slices.Equal(sc.After.Columns, []string{"Server", "Plan", "State", "Result"}) {
		t.Errorf("columns %q after the run", sc.After.Columns)
	}
	if len(sc.After.Rows) != len(setPlanWant) {
		t.Fatalf("%d rows after the run: %+v", len(sc.After.Rows), sc.After.Rows)
	}
	for i, w := range setPlanWant {
		r := sc.After.Rows[i]
		if r.Server != w.server {
			t.Errorf("row %d after the run is %s, want %s", i+1, r.Server, w.server)
		}
		if w.plan == "ACT" && (r.Status != "DONE" || r.VMState != "SHUTOFF" || len(r.RequestID) < 8) {
			t.Errorf("row %s after the run: %s, %s, request %q; want DONE, SHUTOFF and a request", r.Server, r.Status, r.VMState, r.RequestID)
		}
		if w.plan != "ACT" && (r.Status != "" || r.VMState != "RUNNING") {
			t.Errorf("row %s, refused, after the run: %q, %s", r.Server, r.Status, r.VMState)
		}
	}
	if !slices.Equal(sc.Calls, []string{"power_servers", "apply_set_decision:accept"}) {
		t.Errorf("tool calls %v, want power_servers and exactly one accept", sc.Calls)
	}
	checkPNG(t, sc.Files, 1000, 600)
}

// checkSetResume: a set that asks nobody shows its result at once, with
// no buttons.
func checkSetResume(t *testing.T, run appsRun) {
	var sc struct {
		scenarioBase
		Model modelResult `json:"model"`
		After setRead     `json:"after"`
		outcomeRead
	}
	scenario(t, run, "setResume", &sc)
	if sc.Model.StructuredContent["status"] != "DONE" {
		t.Errorf("the model's power_servers: %v, want DONE", sc.Model.StructuredContent["status"])
	}
	if sc.After.Heading != "Resume 1 server" || sc.OutcomeKind != "ok" || !strings.HasPrefix(sc.Outcome, "Done. 1 of 1 planned servers resumed") {
		t.Errorf("the view shows %q and ends with %s %q", sc.After.Heading, sc.OutcomeKind, sc.Outcome)
	}
	if len(sc.Buttons) != 0 {
		t.Errorf("buttons %+v on a result", sc.Buttons)
	}
	if len(sc.After.Rows) != 4 {
		t.Fatalf("%d rows: %+v", len(sc.After.Rows), sc.After.Rows)
	}
	if r := sc.After.Rows[0]; r.Server != "dev-cube" || r.Plan != "ACT" || r.Status != "DONE" || r.VMState != "RUNNING" || r.RequestID == "" {
		t.Errorf("the first row: %+v, want dev-cube resumed, DONE, RUNNING, with its request", r)
	}
	for _, r := range sc.After.Rows[1:] {
		if r.Plan != "REFUSED" || !r.Muted || r.Reason == "" || r.Status != "" {
			t.Errorf("the row %s: %+v, want refused, muted, with a reason", r.Server, r)
		}
	}
	if !slices.Equal(sc.Calls, []string{"power_servers"}) {
		t.Errorf("tool calls %v, want power_servers alone", sc.Calls)
	}
}

// checkPNG: each screenshot was written, and is at least w by h.
func checkPNG(t *testing.T, files []string, w, h int) {
	t.Helper()
	if len(files) == 0 {
		t.Error("no screenshots")
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < w || b.Dy() < h {
			t.Errorf("%s is only %dx%d", path, b.Dx(), b.Dy())
		}
	}
}

// checkAppsTools fails the test with the install command of what is missing.
func checkAppsTools(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: install Node 20 or newer")
	}
	for _, pkg := range []string{"playwright-core", "esbuild", "@modelcontextprotocol/ext-apps", "@modelcontextprotocol/client"} {
		if _, err := os.Stat(filepath.Join("apps", "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("%s is not installed: run (cd e2e/apps && npm ci) first", pkg)
		}
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: apt-get install -y chromium", chromium)
	}
}

func appsEnv(s *sim.Server) []string {
	return []string{"IONOS_TOKEN=" + s.Token(), "IONOS_API_URL=" + s.URL, "IONOS_MCP_HTTP_TOKEN=" + endpointToken,
		"IONOS_MCP_CONFIRM_KEY=" + confirmKey, "IONOS_MCP_CONFIRM=human"}
}

// screenshotDir is IONOS_MCP_SCREENSHOTS, taken relative to the
// repository, or a temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("IONOS_MCP_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// serverID is the id of a server of the simulator's default dataset.
func serverID(dc, name string) string {
	return dataset.NameUUID("default-dataset", dc, name)
}

// writesByServer lists the actions the simulator executed, by server.
func writesByServer(s *sim.Server) map[string][]string {
	by := map[string][]string{}
	for _, w := range s.Stats().Writes {
		by[w.ServerID] = append(by[w.ServerID], w.Action)
	}
	return by
}

// runDriver runs driver.mjs against endpoint and returns what it saw. Its
// log goes to the test's output when the test fails.
func runDriver(t *testing.T, endpoint, era, shots, scenarios string) appsRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("apps", "driver.mjs"))
	cmd.Env = append(os.Environ(), "MCP_URL="+endpoint, "MCP_TOKEN="+endpointToken, "MCP_ERA="+era,
		"SCREENSHOTS_DIR="+shots, "SCENARIOS="+scenarios, "CHROMIUM="+chromium)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("driver.mjs log:\n%s", stderr.String())
		}
	})
	if strings.Contains(string(out)+stderr.String(), endpointToken) {
		t.Error("the driver's output holds the endpoint token")
	}
	if err != nil {
		t.Fatalf("driver.mjs: %v\n%s", err, stderr.String())
	}
	var run appsRun
	if err := json.Unmarshal(out, &run); err != nil {
		t.Fatalf("driver.mjs printed %q: %v", out, err)
	}
	if run.Fatal != "" {
		t.Fatalf("driver.mjs: %s", run.Fatal)
	}
	return run
}

// scenario decodes one scenario's result and fails on its error.
func scenario(t *testing.T, run appsRun, name string, into any) {
	t.Helper()
	raw, ok := run.Scenarios[name]
	if !ok {
		t.Fatalf("the driver ran no scenario %s", name)
	}
	var base scenarioBase
	if err := json.Unmarshal(raw, &base); err != nil {
		t.Fatal(err)
	}
	if base.Error != "" {
		t.Fatalf("scenario %s: %s (tool calls %v)", name, base.Error, base.Calls)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatal(err)
	}
}

func checkDisabled(t *testing.T, buttons []button) {
	t.Helper()
	for _, b := range buttons {
		if !b.Disabled && b.Text != "Close" {
			t.Errorf("the button %q is still enabled after the decision", b.Text)
		}
	}
}

// checkHost: the tools carry their views, the decision tool is for views
// only, and the page made no request but to the endpoint and the host
// files.
func checkHost(t *testing.T, run appsRun) {
	if run.ProtocolVersion != "2026-07-28" {
		t.Errorf("protocol %q, want 2026-07-28", run.ProtocolVersion)
	}
	uris := map[string]string{}
	appOnly := []string{}
	for _, tool := range run.Tools {
		uris[tool.Name] = tool.ResourceURI
		if tool.AppOnly {
			appOnly = append(appOnly, tool.Name)
		}
	}
	for tool, want := range map[string]string{
		"stop_server": "ui://ionos-mcp/confirm", "reboot_server": "ui://ionos-mcp/confirm", "suspend_server": "ui://ionos-mcp/confirm",
		"power_servers": "ui://ionos-mcp/confirm", "list_servers": "ui://ionos-mcp/inventory", "start_server": "", "get_server": "",
		"apply_power_decision": "", "apply_set_decision": "",
	} {
		if got, ok := uris[tool]; !ok || got != want {
			t.Errorf("%s: resourceUri %q (listed %v), want %q", tool, got, ok, want)
		}
	}
	slices.Sort(appOnly)
	if !slices.Equal(appOnly, []string{"apply_power_decision", "apply_set_decision"}) {
		t.Errorf("app-only tools %v, want apply_power_decision and apply_set_decision", appOnly)
	}
	checkGlobal(t, run)
}

// checkGlobal: no request elsewhere, no script error, no CSP violation, no
// grant in a page or the console.
func checkGlobal(t *testing.T, run appsRun) {
	t.Helper()
	if len(run.Requests.Offending) > 0 {
		t.Errorf("requests beyond the endpoint and the host page: %v", run.Requests.Offending)
	}
	if len(run.PageErrors) > 0 {
		t.Errorf("script errors: %v", run.PageErrors)
	}
	for _, c := range run.Console {
		if c.Type == "error" {
			t.Errorf("console error (of a view: %v): %s", c.View, c.Text)
		}
	}
	if len(run.GrantLeaks) > 0 {
		t.Errorf("a grant appeared in: %v", run.GrantLeaks)
	}
	if run.GrantsSeen == 0 {
		t.Error("the host saw no grant: the leak check proved nothing")
	}
}

func checkAccept(t *testing.T, run appsRun, name, size, dc string) {
	t.Helper()
	var sc struct {
		scenarioBase
		Model          modelResult `json:"model"`
		MetaKeys       []string    `json:"metaKeys"`
		Offer          panelRead   `json:"offer"`
		FocusedAtStart focusRead   `json:"focusedAtStart"`
		AfterClick     []button    `json:"afterClick"`
		outcomeRead
	}
	scenario(t, run, "accept", &sc)
	checkDecisionInView(t, "stop_server", sc.Model, sc.MetaKeys)
	// What the person sees.
	if sc.Offer.Heading != "Stop "+name+"?" {
		t.Errorf("heading %q", sc.Offer.Heading)
	}
	for _, f := range []string{name, size, dc, "RUNNING", "SHUTOFF"} {
		if !slices.Contains(sc.Offer.Facts, f) {
			t.Errorf("the facts %q lack %q", sc.Offer.Facts, f)
		}
	}
	if !strings.Contains(sc.Offer.Consequences, "forced power-off") {
		t.Errorf("consequences %q", sc.Offer.Consequences)
	}
	if !strings.HasPrefix(sc.Offer.Expires, "This offer expires at ") {
		t.Errorf("expiry %q", sc.Offer.Expires)
	}
	if len(sc.Offer.Buttons) != 2 || sc.Offer.Buttons[0] != (button{"Cancel", false}) || sc.Offer.Buttons[1] != (button{"Stop " + name, false}) {
		t.Errorf("buttons %+v, want Cancel and Stop %s", sc.Offer.Buttons, name)
	}
	if sc.FocusedAtStart.Text != "Cancel" {
		t.Errorf("the focus starts on %q, want Cancel", sc.FocusedAtStart.Text)
	}
	checkDisabled(t, sc.AfterClick)
	// Followed to the end.
	if sc.Outcome != name+" is SHUTOFF" || sc.OutcomeKind != "ok" {
		t.Errorf("the view ends with %s %q, want %s is SHUTOFF (progress %v)", sc.OutcomeKind, sc.Outcome, name, sc.Progress)
	}
	checkProgress(t, sc.Progress)
	if len(sc.Calls) < 3 || sc.Calls[0] != "stop_server" || sc.Calls[1] != "apply_power_decision:accept" ||
		slices.Index(sc.Calls, "get_server") < 0 || count(sc.Calls, "apply_power_decision:accept") != 1 {
		t.Errorf("tool calls %v, want stop_server, one accept, then the polls", sc.Calls)
	}
}

// checkProgress: a request status line, and no line twice in a row.
func checkProgress(t *testing.T, lines []string) {
	t.Helper()
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Request ") && strings.HasSuffix(l, ": DONE") }) {
		t.Errorf("progress %q shows no request DONE", lines)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Errorf("progress repeats %q", lines[i])
		}
	}
}

func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func checkInventory(t *testing.T, run appsRun) {
	var sc struct {
		scenarioBase
		Counts         string              `json:"counts"`
		Datacenters    []string            `json:"datacenters"`
		FirstPage      int                 `json:"firstPage"`
		AllRows        []string            `json:"allRows"`
		LoadMoreLeft   int                 `json:"loadMoreLeft"`
		Shown          string              `json:"shown"`
		Filtered       map[string][]string `json:"filtered"`
		JupyterActions []string            `json:"jupyterActions"`
		Panel          panelRead           `json:"panel"`
		RowWhileOpen   []bool              `json:"rowWhileOpen"`
		Stop           outcomeRead         `json:"stop"`
		JupyterAfter   struct {
			Badge   string   `json:"badge"`
			Actions []string `json:"actions"`
		} `json:"jupyterAfter"`
		Start            outcomeRead `json:"start"`
		BuildRunnerAfter string      `json:"buildRunnerAfter"`
	}
	scenario(t, run, "inventory", &sc)
	if !strings.HasPrefix(sc.Counts, "13 servers in 3 data centers") {
		t.Errorf("counts %q", sc.Counts)
	}
	if !slices.Equal(sc.Datacenters, []string{"production", "staging", "analytics"}) {
		t.Errorf("data centers %v", sc.Datacenters)
	}
	// list_servers with limit 10: one page of 10, then Load more.
	if sc.FirstPage != 10 || len(sc.AllRows) != 13 || sc.LoadMoreLeft != 0 || sc.Shown != "Showing all 13 servers." {
		t.Errorf("pages: %d rows, then %d (%q), Load more left %d", sc.FirstPage, len(sc.AllRows), sc.Shown, sc.LoadMoreLeft)
	}
	for q, want := range map[string][]string{
		"cube":    {"cache-cube", "dev-cube", "report-cube"},
		"staging": {"web-1", "build-runner", "dev-cube", "batch-worker"},
		"gpu":     {"gpu-train", "gpu-infer"},
		"jupyter": {"jupyter"},
	} {
		if got := sc.Filtered[q]; !slices.Equal(got, want) {
			t.Errorf("filter %q shows %v, want %v", q, got, want)
		}
	}
	if !slices.Equal(sc.JupyterActions, []string{"Stop", "Reboot"}) {
		t.Errorf("a running VCPU server's actions: %v", sc.JupyterActions)
	}
	if sc.Panel.Heading != "Stop jupyter?" || len(sc.Panel.Buttons) != 2 || sc.Panel.Buttons[1].Text != "Stop jupyter" {
		t.Errorf("the inventory's confirmation panel: %+v", sc.Panel)
	}
	if len(sc.RowWhileOpen) == 0 || slices.Contains(sc.RowWhileOpen, false) {
		t.Errorf("the row's buttons while its panel is open: disabled %v", sc.RowWhileOpen)
	}
	if sc.Stop.Outcome != "jupyter is SHUTOFF" {
		t.Errorf("the stop ends with %q (progress %v)", sc.Stop.Outcome, sc.Stop.Progress)
	}
	checkProgress(t, sc.Stop.Progress)
	if sc.JupyterAfter.Badge != "SHUTOFF" || !slices.Equal(sc.JupyterAfter.Actions, []string{"Start"}) {
		t.Errorf("jupyter's row afterwards: %+v", sc.JupyterAfter)
	}
	if sc.Start.Outcome != "build-runner is RUNNING" || sc.BuildRunnerAfter != "RUNNING" {
		t.Errorf("the start ends with %q, the row shows %s (progress %v)", sc.Start.Outcome, sc.BuildRunnerAfter, sc.Start.Progress)
	}
	checkProgress(t, sc.Start.Progress)
	wantCalls := []string{"list_servers", "list_servers", "stop_server", "apply_power_decision:accept", "start_server"}
	i := 0
	for _, c := range sc.Calls {
		if i < len(wantCalls) && c == wantCalls[i] {
			i++
		}
	}
	if i < len(wantCalls) || count(sc.Calls, "apply_power_decision:accept") != 1 {
		t.Errorf("tool calls %v, want in order %v", sc.Calls, wantCalls)
	}
}

func checkScreenshots(t *testing.T, run appsRun, dir string) {
	var sc struct {
		scenarioBase
		Files  []string `json:"files"`
		Themes map[string]map[string]struct {
			Theme       string `json:"theme"`
			ColorScheme string `json:"colorScheme"`
			Background  string `json:"background"`
		} `json:"themes"`
	}
	scenario(t, run, "screenshots", &sc)
	for _, view := range []string{"confirm", "inventory"} {
		light, dark := sc.Themes[view]["light"], sc.Themes[view]["dark"]
		if light.Theme != "light" || dark.Theme != "dark" || dark.ColorScheme != "dark" || light.Background == dark.Background {
			t.Errorf("%s does not follow the host's theme: light %+v, dark %+v", view, light, dark)
		}
		checkPNG(t, []string{filepath.Join(dir, view+"-light.png"), filepath.Join(dir, view+"-dark.png")}, 600, 300)
	}
	t.Logf("screenshots in %s", dir)
}
