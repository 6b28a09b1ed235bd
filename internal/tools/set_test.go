package tools_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
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

// setOf calls power_servers and decodes the result; a tool error fails.
func setOf(t *testing.T, cs *mcp.ClientSession, args map[string]any) tools.SetOutput {
	t.Helper()
	var out tools.SetOutput
	mustCall(t, cs, "power_servers", args, &out)
	return out
}

// executed is what the simulator executed: "action serverId", sorted.
func (e *env) executed() []string {
	var out []string
	for _, w := range e.sim.Stats().Writes {
		out = append(out, w.Action+" "+w.ServerID)
	}
	sort.Strings(out)
	return out
}

// planned is what a plan said it would do: "action serverId" of its ACT
// servers, sorted; done keeps only those whose result is status.
func planned(out tools.SetOutput, status string) []string {
	var ids []string
	for _, it := range out.Servers {
		if it.Plan == "ACT" && (status == "" || it.Status == status) {
			ids = append(ids, out.Action+" "+it.ServerID)
		}
	}
	sort.Strings(ids)
	return ids
}

func byName(out tools.SetOutput) map[string]tools.SetItem {
	m := map[string]tools.SetItem{}
	for _, it := range out.Servers {
		m[it.Datacenter+"/"+it.Server] = it
	}
	return m
}

// "Stop these four production servers" is one call and one decision; the
// simulator executes exactly the planned stops, each once, and the result
// gives each server's request and final state.
func TestSetStopIsOneCallAndOneDecision(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			asked := 0
			cs := e.session(era, elicitOptions(func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				asked++
				if !strings.Contains(req.Params.Message, "web-2") || !strings.Contains(req.Params.Message, "stop being billed") {
					t.Errorf("the prompt does not show the plan: %s", req.Params.Message)
				}
				return accept(ctx, req)
			}))
			out := setOf(t, cs, map[string]any{"action": "stop", "servers": []string{"web-1", "web-2", "db-1", "cache-cube"}, "datacenter": "production"})
			if asked != 1 {
				t.Fatalf("the person was asked %d times, want once", asked)
			}
			if out.Status != "DONE" || out.Counts.Act != 3 || out.Counts.Done != 3 || out.Counts.Refused != 1 {
				t.Fatalf("result %s %+v: %s", out.Status, out.Counts, out.Message)
			}
			if got, want := e.executed(), planned(out, "DONE"); !slices.Equal(got, want) {
				t.Fatalf("the simulator executed %v, the plan said %v", got, want)
			}
			m := byName(out)
			for _, n := range []string{"production/web-1", "production/web-2", "production/db-1"} {
				if it := m[n]; it.Status != "DONE" || it.VMState != "SHUTOFF" || it.RequestID == "" {
					t.Errorf("%s: %+v", n, it)
				}
			}
			if it := m["production/cache-cube"]; it.Plan != "REFUSED" || !strings.Contains(it.Reason, "suspend") {
				t.Errorf("the CUBE server: %+v, want REFUSED naming suspend", it)
			}
		})
	}
}

// build-runner exists only in staging: a name that the data center does
// not hold is an error, and nothing is sent.
func TestSetUnknownNameInDatacenter(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], elicitOptions(accept))
	msg := mustFail(t, cs, "power_servers", map[string]any{"action": "stop", "servers": []string{"web-1", "build-runner"}, "datacenter": "production"})
	if !strings.Contains(msg, `"build-runner"`) || !strings.Contains(msg, "Nothing was sent") {
		t.Fatalf("error: %s", msg)
	}
	if e.writes() != 0 {
		t.Fatalf("%d writes after an error", e.writes())
	}
}

// The plan shows every selected server with its state and outcome, what
// stops and stays billed and how many requests it takes; dry_run stops
// there: nothing is sent and nobody is asked.
func TestSetDryRun(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], elicitOptions(func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		t.Error("a dry run asked the person")
		return &mcp.ElicitResult{Action: "decline"}, nil
	}))
	out := setOf(t, cs, map[string]any{"action": "stop", "datacenter": "staging", "dry_run": true})
	if out.Status != "PLANNED" || e.writes() != 0 {
		t.Fatalf("dry run: %s, %d writes", out.Status, e.writes())
	}
	m := byName(out)
	want := map[string]string{"staging/web-1": "ACT", "staging/build-runner": "NO_CHANGE", "staging/batch-worker": "NO_CHANGE", "staging/dev-cube": "REFUSED"}
	for n, plan := range want {
		if m[n].Plan != plan || m[n].VMState == "" {
			t.Errorf("%s: %+v, want plan %s", n, m[n], plan)
		}
	}
	if out.Billing.Cores != 2 || out.Billing.RAMMB != 4096 || !strings.Contains(out.Billing.StaysBilled, "volumes") {
		t.Errorf("billing %+v, want web-1's 2 cores and 4096 MB", out.Billing)
	}
	if out.APIRequests.Writes != 1 || out.APIRequests.PerRound < 1 {
		t.Errorf("requests %+v", out.APIRequests)
	}
}

// Selection by labels, vmState and name pattern, together.
func TestSetSelectsByLabelsStateAndPattern(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "labels": []string{"env=production"}, "vm_state": "RUNNING", "name_pattern": "WEB-*", "dry_run": true})
	var names []string
	for _, it := range out.Servers {
		names = append(names, it.Datacenter+"/"+it.Server)
	}
	if !slices.Equal(names, []string{"production/web-1", "production/web-2"}) {
		t.Fatalf("selected %v, want production's two web servers", names)
	}
	out = setOf(t, cs, map[string]any{"action": "start", "labels": []string{"env=staging"}, "dry_run": true})
	if out.Counts.Selected != 4 {
		t.Fatalf("env=staging selected %d servers, want staging's 4", out.Counts.Selected)
	}
}

// Bad input is a clear error, and nothing is sent.
func TestSetBadInput(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.MaxSetSize = 3 }))
	cs := e.session(eras[0], elicitOptions(accept))
	for _, tc := range []struct {
		name string
		args map[string]any
		want string
	}{
		{"empty selection", map[string]any{"action": "stop"}, "the selection is empty"},
		{"unknown action", map[string]any{"action": "shutdown", "datacenter": "staging"}, "start stop reboot suspend resume"},
		{"label without =", map[string]any{"action": "stop", "labels": []string{"env:staging"}}, "key=value"},
		{"label with !=", map[string]any{"action": "stop", "labels": []string{"env!=prod"}}, "key=value"},
		{"label with empty key", map[string]any{"action": "stop", "labels": []string{"=x"}}, "the key is empty"},
		{"bad vm_state", map[string]any{"action": "stop", "vm_state": "ON"}, "RUNNING"},
		{"past the limit", map[string]any{"action": "stop", "datacenter": "production"}, "at most 3"},
		{"no server supports it", map[string]any{"action": "suspend", "servers": []string{"web-2", "db-1"}}, "applies to none"},
		{"nothing matches", map[string]any{"action": "stop", "labels": []string{"env=nowhere"}}, "no server matches"},
		{"unknown data center", map[string]any{"action": "stop", "datacenter": "mars"}, "mars"},
		{"timeout out of range", map[string]any{"action": "stop", "datacenter": "staging", "timeout_seconds": 9000}, "timeout_seconds"},
		{"a token for a start", map[string]any{"action": "start", "datacenter": "staging", "confirmation_token": "imc1.x.y"}, "needs no confirmation"},
		{"a forged token", map[string]any{"action": "stop", "datacenter": "staging", "confirmation_token": "imc1.x.y"}, "confirmation refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := mustFail(t, cs, "power_servers", tc.args)
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q, want it to say %q", msg, tc.want)
			}
		})
	}
	for _, r := range e.paths.requests() {
		if strings.HasPrefix(r, "POST") {
			t.Fatalf("bad input sent %s", r)
		}
	}
}

// A server that changed between the plan and the decision is left out and
// reported; the others run. The token names the plan, not the servers.
func TestSetLeavesOutAServerChangedAfterThePlan(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.Token }))
	cs := e.session(eras[0], nil)
	args := map[string]any{"action": "stop", "datacenter": "production", "vm_state": "RUNNING", "name_pattern": "*-?"}
	first := setOf(t, cs, args)
	if first.Status != "CONFIRMATION_REQUIRED" || first.Token == "" || first.Counts.Act != 3 || e.writes() != 0 {
		t.Fatalf("first call: %s %+v, %d writes", first.Status, first.Counts, e.writes())
	}
	// Someone stops web-2 meanwhile.
	web2 := e.server("production", "web-2")
	s, err := e.client.ResolveServer(context.Background(), web2.ID, "production")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.PowerAction(context.Background(), s, cloud.Stop); err != nil {
		t.Fatal(err)
	}
	args["confirmation_token"] = first.Token
	out := setOf(t, cs, args)
	m := byName(out)
	if it := m["production/web-2"]; it.Status != "CHANGED" || it.RequestID != "" {
		t.Fatalf("web-2: %+v, want CHANGED and nothing sent", it)
	}
	if out.Status != "PARTIAL" || out.Counts.Done != 2 || out.Counts.Changed != 1 {
		t.Fatalf("result %s %+v: %s", out.Status, out.Counts, out.Message)
	}
	if n := e.writes(); n != 3 { // the stop of web-2 from outside, and two of the plan
		t.Fatalf("%d writes, want 3", n)
	}
	// The token is spent.
	if msg := mustFail(t, cs, "power_servers", args); !strings.Contains(msg, "refused") {
		t.Fatalf("the token again: %s", msg)
	}
	// A token does not work for another selection.
	second := setOf(t, cs, map[string]any{"action": "suspend", "servers": []string{"cache-cube"}})
	other := map[string]any{"action": "suspend", "servers": []string{"cache-cube", "gpu-train"}, "confirmation_token": second.Token}
	if msg := mustFail(t, cs, "power_servers", other); !strings.Contains(msg, "another selection") {
		t.Fatalf("a token with another selection: %s", msg)
	}
	if n := e.writes(); n != 3 {
		t.Fatalf("%d writes after refusals, want 3", n)
	}
}

// A declined decision changes nothing.
func TestSetDeclined(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, elicitOptions(decline))
			out := setOf(t, cs, map[string]any{"action": "reboot", "datacenter": "production", "vm_state": "RUNNING"})
			if out.Status != "DECLINED" || e.writes() != 0 {
				t.Fatalf("declined: %s, %d writes", out.Status, e.writes())
			}
		})
	}
}

// 200 servers: every planned stop is executed exactly once, within the
// API's rate limit; the 429s of a storm never reach the result.
func TestSetOf200WithinTheRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("200 servers")
	}
	data := uniformDataset(2, 100)
	e := newEnv(t, withSim(func(o *sim.Options) {
		o.Dataset = data
		o.RateLimit = sim.RateLimit{PerMinute: 6000, Burst: 40}
		o.Faults = []sim.Fault{{Kind: sim.FaultStatus, Status: 429, RetryAfter: 1, Method: "POST", Count: 5},
			{Kind: sim.FaultStatus, Status: 429, RetryAfter: 1, Method: "GET", Path: "/requests", Count: 3}}
	}), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "vm_state": "RUNNING", "name_pattern": "*", "timeout_seconds": 120})
	if out.Status != "DONE" || out.Counts.Act != 200 || out.Counts.Done != 200 {
		t.Fatalf("result %s %+v: %s", out.Status, out.Counts, out.Message)
	}
	if got, want := e.executed(), planned(out, "DONE"); !slices.Equal(got, want) {
		t.Fatalf("the simulator executed %d writes, the plan %d", len(got), len(want))
	}
	for _, it := range out.Servers {
		if strings.Contains(it.Message, "429") {
			t.Fatalf("a 429 reached the result: %+v", it)
		}
	}
}

// uniformDataset is an account of dcs data centers of n running VCPU
// servers each, so that every server can be stopped.
func uniformDataset(dcs, n int) *sim.Dataset {
	d := sim.Generate(sim.GenerateOptions{Datacenters: dcs, ServersPerDatacenter: n, Seed: 11})
	for i := range d.Datacenters {
		for j := range d.Datacenters[i].Servers {
			s := &d.Datacenters[i].Servers[j]
			s.Type, s.CPUFamily, s.VMState = "VCPU", "", "RUNNING"
			for k := range s.Volumes {
				if s.Volumes[k].Type == "DAS" {
					s.Volumes[k].Type = "SSD Standard"
				}
			}
		}
	}
	return d
}

// Sets of 1 and 10 servers named one by one.
func TestSetOf1And10(t *testing.T) {
	data := uniformDataset(1, 12)
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data }), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	var names []string
	for _, s := range data.Datacenters[0].Servers {
		names = append(names, s.Name)
	}
	one := setOf(t, cs, map[string]any{"action": "stop", "servers": names[:1]})
	ten := setOf(t, cs, map[string]any{"action": "stop", "servers": names[1:11]})
	if one.Counts.Done != 1 || ten.Counts.Done != 10 || e.writes() != 11 {
		t.Fatalf("1: %+v; 10: %+v; %d writes", one.Counts, ten.Counts, e.writes())
	}
}

// A request that FAILS is reported with the API's reason; the others run;
// the result is PARTIAL.
func TestSetWithAFailedRequest(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	db1 := e.server("production", "db-1")
	if err := e.sim.SetFaults([]sim.Fault{{Kind: sim.FaultFail, Path: "*/" + db1.ID + "/stop"}}); err != nil {
		t.Fatal(err)
	}
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "datacenter": "production", "vm_state": "RUNNING"})
	m := byName(out)
	if it := m["production/db-1"]; it.Status != "FAILED" || !strings.Contains(it.Message, "FAILED") || it.RequestID == "" {
		t.Fatalf("db-1: %+v", it)
	}
	if out.Status != "PARTIAL" || out.Counts.Done != 2 || out.Counts.Failed != 1 {
		t.Fatalf("result %s %+v", out.Status, out.Counts)
	}
}

// When time runs out mid-set, the result says which actions still run and
// how to follow each; nothing is sent twice.
func TestSetTimeoutMidSet(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) { o.Timing = sim.Timing{Scale: 1} }), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	began := time.Now()
	out := setOf(t, cs, map[string]any{"action": "reboot", "datacenter": "production", "vm_state": "RUNNING", "name_pattern": "web-*", "timeout_seconds": 2})
	if time.Since(began) > 20*time.Second {
		t.Fatalf("timeout_seconds=2 took %v", time.Since(began))
	}
	if out.Status != "RUNNING" || out.Counts.Running != 2 {
		t.Fatalf("result %s %+v", out.Status, out.Counts)
	}
	for _, it := range out.Servers {
		if it.RequestID == "" || !strings.Contains(it.Message, "get_request_status") || !strings.Contains(it.Message, it.RequestID) {
			t.Errorf("%s: %+v, want its request and how to follow it", it.Server, it)
		}
	}
	if e.writes() != 2 {
		t.Fatalf("%d writes, want 2", e.writes())
	}
}

// one_at_a_time: each server reaches its state before the next is sent,
// and the first failure stops the rest.
func TestSetOneAtATime(t *testing.T) {
	// A reboot takes 100 ms here: sent together, three reboots would be
	// accepted within a few ms of each other.
	e := newEnv(t, withSim(func(o *sim.Options) { o.Timing = sim.Timing{Scale: 0.004} }), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "reboot", "datacenter": "production", "servers": []string{"db-1", "web-1", "web-2"}, "one_at_a_time": true})
	if out.Status != "DONE" || out.Counts.Done != 3 {
		t.Fatalf("rolling reboot: %s %+v", out.Status, out.Counts)
	}
	ws := e.sim.Stats().Writes
	for i := 1; i < len(ws); i++ {
		if gap := ws[i].At.Sub(ws[i-1].At); gap < 100*time.Millisecond {
			t.Fatalf("reboot %d was sent %v after the one before, before it could have finished", i, gap)
		}
	}

	web1 := e.server("production", "web-1")
	if err := e.sim.SetFaults([]sim.Fault{{Kind: sim.FaultFail, Path: "*/" + web1.ID + "/reboot"}}); err != nil {
		t.Fatal(err)
	}
	before := e.writes()
	out = setOf(t, cs, map[string]any{"action": "reboot", "datacenter": "production", "servers": []string{"db-1", "web-1", "web-2"}, "one_at_a_time": true})
	m := byName(out)
	if m["production/db-1"].Status != "DONE" || m["production/web-1"].Status != "FAILED" || m["production/web-2"].Status != "NOT_SENT" {
		t.Fatalf("rollout with a failure: %+v", out.Servers)
	}
	if n := e.writes() - before; n != 2 {
		t.Fatalf("%d writes, want 2 (web-2 not sent)", n)
	}
}

// Protection and the allow-list hold for sets exactly as for one server.
func TestSetRespectsProtectionAndAllowList(t *testing.T) {
	e := newEnv(t, withGuard(t, []string{"db-*"}, []string{"production"}), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "vm_state": "RUNNING", "name_pattern": "*"})
	for _, it := range out.Servers {
		if it.Datacenter != "production" {
			t.Errorf("selected %s/%s outside the allow-list", it.Datacenter, it.Server)
		}
	}
	if it := byName(out)["production/db-1"]; it.Plan != "REFUSED" || !strings.Contains(it.Reason, "protected") || it.RequestID != "" {
		t.Fatalf("db-1: %+v", it)
	}
	for _, w := range e.sim.Stats().Writes {
		if w.ServerID == e.server("production", "db-1").ID {
			t.Fatal("the protected server was stopped")
		}
	}
	if msg := mustFail(t, cs, "power_servers", map[string]any{"action": "stop", "datacenter": "staging"}); !strings.Contains(msg, "staging") {
		t.Fatalf("a data center outside the allow-list: %s", msg)
	}
}

// Read-only mode refuses power_servers like every write tool.
func TestSetReadOnly(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.ReadOnly = true }))
	cs := e.session(eras[0], nil)
	_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "power_servers", Arguments: map[string]any{"action": "stop", "datacenter": "staging"}})
	if err == nil || !strings.Contains(err.Error(), "read-only") || e.writes() != 0 {
		t.Fatalf("read-only: %v, %d writes", err, e.writes())
	}
}

// The audit trail has one line per server action and one for the set.
func TestSetAudit(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "datacenter": "production", "vm_state": "RUNNING"})
	e.audit.mu.Lock()
	defer e.audit.mu.Unlock()
	var perServer, set int
	for _, ev := range e.audit.events {
		switch {
		case ev.Tool != "power_servers":
			t.Errorf("event of %s", ev.Tool)
		case ev.ServerID != "":
			perServer++
			if ev.RequestID == "" || ev.Status != "DONE" {
				t.Errorf("server line %+v", ev)
			}
		default:
			set++
			if ev.Status != out.Status || !strings.Contains(ev.ServerRef, "datacenter=production") {
				t.Errorf("set line %+v", ev)
			}
		}
	}
	if perServer != out.Counts.Act || set != 1 {
		t.Fatalf("%d server lines and %d set lines, want %d and 1", perServer, set, out.Counts.Act)
	}
}

// On a client that shows views, the set is decided in the view: the model
// gets CONFIRMATION_IN_VIEW and no grant; the view's one accept runs it.
func TestSetDecidedInTheView(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, uiOptions())
			args := map[string]any{"action": "stop", "datacenter": "production", "vm_state": "RUNNING"}
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "power_servers", Arguments: args})
			if err != nil || res.IsError {
				t.Fatalf("%v %+v", err, res)
			}
			var offer tools.SetOffer
			b, _ := json.Marshal(res.Meta["ionos-mcp/confirmation"])
			if err := json.Unmarshal(b, &offer); err != nil || offer.Kind != "set" || offer.Grant == "" || len(offer.Servers) != 5 {
				t.Fatalf("offer %+v: %v", offer, err)
			}
			sc, _ := json.Marshal(res.StructuredContent)
			if !strings.Contains(string(sc), "CONFIRMATION_IN_VIEW") || strings.Contains(string(sc)+textOf(res), offer.Grant) {
				t.Fatalf("the model's result: %s", sc)
			}
			// The model cannot run it: the token flow is refused on this client.
			args["confirmation_token"] = offer.Grant
			if msg := mustFail(t, cs, "power_servers", args); !strings.Contains(msg, "not accepted") {
				t.Fatalf("the grant as a token: %s", msg)
			}
			dec := map[string]any{"grant": offer.Grant, "plan": offer.Plan, "action": "stop", "decision": "accept"}
			var out tools.SetOutput
			mustCall(t, cs, "apply_set_decision", dec, &out)
			if out.Status != "DONE" || out.Counts.Done != 3 || e.writes() != 3 {
				t.Fatalf("accepted: %s %+v, %d writes", out.Status, out.Counts, e.writes())
			}
			if msg := mustFail(t, cs, "apply_set_decision", dec); !strings.Contains(msg, "refused") && !strings.Contains(msg, "changed") {
				t.Fatalf("the grant again: %s", msg)
			}
			if e.writes() != 3 {
				t.Fatalf("%d writes after the replay", e.writes())
			}
		})
	}
}

// A declined view changes nothing, and its grant cannot be accepted later;
// a client without views cannot use apply_set_decision at all.
func TestSetViewDeclineAndNonUIClients(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], uiOptions())
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "power_servers", Arguments: map[string]any{"action": "reboot", "servers": []string{"db-1"}}})
	if err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	var offer tools.SetOffer
	b, _ := json.Marshal(res.Meta["ionos-mcp/confirmation"])
	_ = json.Unmarshal(b, &offer)
	dec := map[string]any{"grant": offer.Grant, "plan": offer.Plan, "action": "reboot", "decision": "decline"}
	var out tools.SetOutput
	mustCall(t, cs, "apply_set_decision", dec, &out)
	dec["decision"] = "accept"
	if out.Status != "DECLINED" || mustFail(t, cs, "apply_set_decision", dec) == "" || e.writes() != 0 {
		t.Fatalf("decline then accept: %s, %d writes", out.Status, e.writes())
	}
	plain := e.session(eras[0], nil)
	if msg := mustFail(t, plain, "apply_set_decision", dec); !strings.Contains(msg, "MCP Apps") {
		t.Fatalf("a client without views: %s", msg)
	}
}

// Under IONOS_MCP_CONFIRM=human, a client that can neither elicit nor show
// views is refused, and tokens never work.
func TestSetHumanPolicy(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.Confirm = confirm.Human }))
	cs := e.session(eras[0], nil)
	if msg := mustFail(t, cs, "power_servers", map[string]any{"action": "stop", "datacenter": "production"}); !strings.Contains(msg, "IONOS_MCP_CONFIRM=human") {
		t.Fatalf("human policy: %s", msg)
	}
	if e.writes() != 0 {
		t.Fatal("written")
	}
}

// Start needs no decision, as start_server does not; its result is the run.
func TestSetStartNeedsNoDecision(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "start", "datacenter": "staging", "vm_state": "SHUTOFF"})
	if out.Status != "DONE" || out.Counts.Done != 2 || e.writes() != 2 {
		t.Fatalf("start: %s %+v, %d writes", out.Status, out.Counts, e.writes())
	}
}

// A set decided in the view runs within the plan call's timeout_seconds
// (and never past what hosts allow a view's call): what is still going is
// reported with its request.
func TestSetViewRunKeepsThePlansTimeout(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) { o.Timing = sim.Timing{Scale: 1} }))
	cs := e.session(eras[0], uiOptions())
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "power_servers",
		Arguments: map[string]any{"action": "reboot", "servers": []string{"db-1"}, "timeout_seconds": 2}})
	if err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	var offer tools.SetOffer
	b, _ := json.Marshal(res.Meta["ionos-mcp/confirmation"])
	_ = json.Unmarshal(b, &offer)
	began := time.Now()
	var out tools.SetOutput
	mustCall(t, cs, "apply_set_decision", map[string]any{"grant": offer.Grant, "plan": offer.Plan, "action": "reboot", "decision": "accept"}, &out)
	if took := time.Since(began); took > 20*time.Second {
		t.Fatalf("the view's run took %v with timeout_seconds=2", took)
	}
	if out.Status != "RUNNING" || out.Servers[0].RequestID == "" || e.writes() != 1 {
		t.Fatalf("result %s %+v, %d writes", out.Status, out.Servers, e.writes())
	}
}

// The wait reports progress as servers done of the total, and never the
// same line twice.
func TestSetProgress(t *testing.T) {
	data := uniformDataset(1, 20)
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data; o.Timing = sim.Timing{Scale: 0.01} }),
		withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	var mu sync.Mutex
	var lines []string
	cs := e.session(eras[0], &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		lines = append(lines, req.Params.Message)
		mu.Unlock()
	}})
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "power_servers",
		Arguments: map[string]any{"action": "stop", "name_pattern": "*"}, Meta: mcp.Meta{"progressToken": "set"}})
	if err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	// The client hands notifications to the handler on its own goroutine,
	// so the last one may land just after the result: wait for it a while.
	const final = "stop: 20 of 20 done, 0 failed"
	last := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(lines) == 0 {
			return ""
		}
		return lines[len(lines)-1]
	}
	for deadline := time.Now().Add(5 * time.Second); last() != final && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	got := slices.Clone(lines)
	mu.Unlock()
	if len(got) == 0 || got[len(got)-1] != final {
		t.Fatalf("progress %q, want it to end with %q", got, final)
	}
	for i := 1; i < len(got); i++ {
		if got[i] == got[i-1] {
			t.Fatalf("progress repeats %q", got[i])
		}
	}
}

// A planned server BUSY with the same action pending is followed, not sent
// a second action.
func TestSetFollowsAPendingAction(t *testing.T) {
	e := newEnv(t, withSim(func(o *sim.Options) { o.Timing = sim.Timing{Scale: 1} }), withTools(func(o *tools.Options) { o.Confirm = confirm.None }))
	web1 := e.server("production", "web-1")
	s, err := e.client.ResolveServer(context.Background(), web1.ID, "production")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.client.PowerAction(context.Background(), s, cloud.Stop)
	if err != nil {
		t.Fatal(err)
	}
	cs := e.session(eras[0], nil)
	out := setOf(t, cs, map[string]any{"action": "stop", "servers": []string{web1.ID}, "timeout_seconds": 2})
	it := out.Servers[0]
	if it.Plan != "ACT" || it.RequestID != pending || !it.Followed || !strings.Contains(it.Message, "get_request_status") || e.writes() != 1 {
		t.Fatalf("%+v, %d writes; want the pending request %s followed and nothing sent", it, e.writes(), pending)
	}
}
