package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate/redistest"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// replicas are hosted endpoints in front of one simulated account, each
// its own Server as in separate processes, sharing only what a team's
// deployment shares: the confirmation key and, when given, one Redis.
type replicas struct {
	sim   *sim.Server
	nodes []*hosted
}

func startReplicas(t *testing.T, n int, redisURL string, o HTTPOptions) *replicas {
	t.Helper()
	return startReplicasWith(t, n, redisURL, o, confirm.Token)
}

func startReplicasWith(t *testing.T, n int, redisURL string, o HTTPOptions, policy confirm.Policy) *replicas {
	t.Helper()
	// A generous API limit: these tests are about grants, not pacing.
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}, RateLimit: sim.RateLimit{PerMinute: 600000, Burst: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &replicas{sim: s}
	for range n {
		cfg := config.Config{Token: s.Token(), APIURL: s.URL, Confirm: policy, ConfirmKey: "team-confirmation-key-0123456789",
			HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthToken, Token: endpointToken, RedisURL: redisURL}}
		srv, err := New(Options{Config: cfg, Version: "test", Poll: cloud.Poll{First: time.Millisecond, Max: 5 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		h, err := srv.Handler(o)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		r.nodes = append(r.nodes, &hosted{sim: s, ts: ts, cfg: cfg})
	}
	return r
}

// callOutcome is one tool call's result, gathered off the test goroutine.
type callOutcome struct {
	out map[string]any
	msg string // the tool error, or the protocol error
}

func call(cs *mcp.ClientSession, name string, args map[string]any) callOutcome {
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return callOutcome{msg: err.Error()}
	}
	if res.IsError {
		return callOutcome{msg: res.Content[0].(*mcp.TextContent).Text}
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	_ = json.Unmarshal(b, &out)
	return callOutcome{out: out}
}

// sendEverywhere sends the same call to every session at the same instant.
func sendEverywhere(sessions []*mcp.ClientSession, name string, args map[string]any) []callOutcome {
	outs := make([]callOutcome, len(sessions))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, cs := range sessions {
		wg.Go(func() {
			<-start
			outs[i] = call(cs, name, args)
		})
	}
	close(start)
	wg.Wait()
	return outs
}

// A confirmed reboot sent to three replicas at once runs once, round after
// round: the replicas share the ledger of spent confirmations in Redis.
func TestReplicasRunAConfirmationOnce(t *testing.T) {
	rs := redistest.Start(t)
	r := startReplicas(t, 3, rs.URL, HTTPOptions{RatePerSecond: 1000})
	var sessions []*mcp.ClientSession
	for _, n := range r.nodes {
		sessions = append(sessions, n.session(t, endpointToken, "2025-11-25", nil))
	}
	const rounds = 50
	for round := range rounds {
		preview := call(sessions[round%3], "reboot_server", map[string]any{"server": "etl-1"})
		token, _ := preview.out["confirmationToken"].(string)
		if token == "" {
			t.Fatalf("round %d: no confirmation token: %v %s", round, preview.out, preview.msg)
		}
		before := len(r.sim.Stats().Writes)
		outs := sendEverywhere(sessions, "reboot_server", map[string]any{"server": "etl-1", "confirmation_token": token})
		writes := r.sim.Stats().Writes[before:]
		if len(writes) != 1 {
			t.Fatalf("round %d: the simulator executed %d reboots for one confirmation, want 1", round, len(writes))
		}
		for i, o := range outs {
			wantRefusal(t, round, i, o.msg, o.out, writes[0].RequestID)
		}
	}
}

// The confirmation view's decision, sent to three replicas at once, runs
// once: any replica verifies the grant, and Redis lets one spend it.
func TestReplicasApplyAViewDecisionOnce(t *testing.T) {
	rs := redistest.Start(t)
	r := startReplicasWith(t, 3, rs.URL, HTTPOptions{RatePerSecond: 1000}, confirm.Human)
	ui := &mcp.ClientOptions{Capabilities: &mcp.ClientCapabilities{
		Extensions: map[string]any{views.Extension: map[string]any{"mimeTypes": []string{views.MIMEType}}}}}
	// 2026-07-28 clients declare their capabilities in every request; on a
	// stateless endpoint those of a 2025-11-25 client are not known after
	// initialize (see docs/hosted.md).
	var sessions []*mcp.ClientSession
	for _, n := range r.nodes {
		sessions = append(sessions, n.session(t, endpointToken, "2026-07-28", ui))
	}
	const rounds = 10
	for round := range rounds {
		res, err := sessions[round%3].CallTool(context.Background(), &mcp.CallToolParams{Name: "reboot_server", Arguments: map[string]any{"server": "etl-1"}})
		if err != nil || res.IsError {
			t.Fatalf("round %d: reboot_server: %v %+v", round, err, res)
		}
		offer, _ := res.Meta["ionos-mcp/confirmation"].(map[string]any)
		if offer == nil || offer["grant"] == "" {
			t.Fatalf("round %d: no offer for the view: %+v", round, res.Meta)
		}
		args := map[string]any{"grant": offer["grant"], "action": "reboot", "server": offer["serverId"], "datacenter": offer["datacenterId"], "decision": "accept"}
		before := len(r.sim.Stats().Writes)
		outs := sendEverywhere(sessions, "apply_power_decision", args)
		writes := r.sim.Stats().Writes[before:]
		if len(writes) != 1 {
			t.Fatalf("round %d: the simulator executed %d reboots for one decision, want 1", round, len(writes))
		}
		for i, o := range outs {
			if o.msg == "" && o.out["requestId"] != writes[0].RequestID {
				t.Fatalf("round %d, replica %d: succeeded with request %v, but the one executed is %s", round, i, o.out["requestId"], writes[0].RequestID)
			}
			if o.msg != "" && !strings.Contains(o.msg, "already used") && !strings.Contains(o.msg, "changed since the view showed it") {
				t.Fatalf("round %d, replica %d: refused for an unexpected reason: %s", round, i, o.msg)
			}
		}
		waitIdle(t, sessions[0], "etl-1")
	}
}

// waitIdle waits until the reboot is over, so that the next round's offer
// sees the server idle.
func waitIdle(t *testing.T, cs *mcp.ClientSession, name string) {
	t.Helper()
	for range 500 {
		o := call(cs, "get_server", map[string]any{"server": name})
		if s, _ := o.out["server"].(map[string]any); s != nil && s["state"] == "AVAILABLE" && s["vmState"] == "RUNNING" {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s stayed busy", name)
}

// wantRefusal checks one replica's answer to a confirmation that another
// replica may have spent: either it is the request that ran (executed by
// this replica, or found pending and followed), or a refusal that says why.
func wantRefusal(t *testing.T, round, replica int, msg string, out map[string]any, ran string) {
	t.Helper()
	switch {
	case msg == "":
		if out["requestId"] != ran {
			t.Fatalf("round %d, replica %d: succeeded with request %v, but the one executed is %s", round, replica, out["requestId"], ran)
		}
	case !strings.Contains(msg, "already used") && !strings.Contains(msg, "server changed"):
		t.Fatalf("round %d, replica %d: refused for an unexpected reason: %s", round, replica, msg)
	}
}

// A set's confirmation sent to three replicas at once runs the planned set
// once: the plan is kept in Redis, where every replica finds it, and one
// replica spends the confirmation. Without a shared store, a replica that
// did not make the plan refuses it and sends nothing.
func TestReplicasRunASetOnce(t *testing.T) {
	rs := redistest.Start(t)
	r := startReplicas(t, 3, rs.URL, HTTPOptions{RatePerSecond: 1000})
	var sessions []*mcp.ClientSession
	for _, n := range r.nodes {
		sessions = append(sessions, n.session(t, endpointToken, "2025-11-25", nil))
	}
	args := map[string]any{"action": "stop", "datacenter": "production", "vm_state": "RUNNING"}
	plan := call(sessions[0], "power_servers", args)
	token, _ := plan.out["confirmationToken"].(string)
	if token == "" {
		t.Fatalf("no confirmation token: %v %s", plan.out, plan.msg)
	}
	args["confirmation_token"] = token
	outs := sendEverywhere(sessions, "power_servers", args)
	ran := 0
	for i, o := range outs {
		switch {
		case o.msg == "":
			ran++
			if o.out["status"] != "DONE" {
				t.Errorf("replica %d: %v", i, o.out)
			}
		case !strings.Contains(o.msg, "already used") && !strings.Contains(o.msg, "changed"):
			t.Errorf("replica %d refused for an unexpected reason: %s", i, o.msg)
		}
	}
	if n := len(r.sim.Stats().Writes); ran != 1 || n != 3 {
		t.Fatalf("%d replicas ran the set and the simulator executed %d stops; want 1 and the 3 planned", ran, n)
	}

	alone := startReplicas(t, 2, "", HTTPOptions{RatePerSecond: 1000})
	a := alone.nodes[0].session(t, endpointToken, "2025-11-25", nil)
	b := alone.nodes[1].session(t, endpointToken, "2025-11-25", nil)
	delete(args, "confirmation_token")
	plan = call(a, "power_servers", args)
	args["confirmation_token"], _ = plan.out["confirmationToken"].(string)
	if o := call(b, "power_servers", args); !strings.Contains(o.msg, "not known here") || !strings.Contains(o.msg, "IONOS_MCP_REDIS_URL") {
		t.Fatalf("a plan confirmed on a replica that shares no store: %q", o.msg)
	}
	if n := len(alone.sim.Stats().Writes); n != 0 {
		t.Fatalf("%d writes, want 0", n)
	}
}

// With Redis gone, a confirmed action is refused and nothing runs, while
// reads go on; once Redis is back, the same confirmation works.
func TestReplicasWithRedisDown(t *testing.T) {
	rs := redistest.Start(t)
	r := startReplicas(t, 2, rs.URL, HTTPOptions{RatePerSecond: 1000})
	cs := r.nodes[0].session(t, endpointToken, "2025-11-25", nil)
	preview := call(cs, "reboot_server", map[string]any{"server": "etl-1"})
	token, _ := preview.out["confirmationToken"].(string)
	if token == "" {
		t.Fatalf("no confirmation token: %v %s", preview.out, preview.msg)
	}
	rs.Stop()
	if o := call(cs, "list_datacenters", nil); o.msg != "" {
		t.Fatalf("a read with Redis down: %s", o.msg)
	}
	o := call(cs, "reboot_server", map[string]any{"server": "etl-1", "confirmation_token": token})
	for _, want := range []string{"cannot check that this confirmation is used only once", "Nothing was changed", "IONOS_MCP_REDIS_URL"} {
		if !strings.Contains(o.msg, want) {
			t.Fatalf("a confirmed reboot with Redis down: %q, want it to say %q", o.msg, want)
		}
	}
	if n := len(r.sim.Stats().Writes); n != 0 {
		t.Fatalf("%d writes with Redis down, want 0", n)
	}
	rs.Restart(t)
	other := r.nodes[1].session(t, endpointToken, "2025-11-25", nil)
	var last callOutcome
	for range 40 { // the store believes an outage for a second
		if last = call(other, "reboot_server", map[string]any{"server": "etl-1", "confirmation_token": token}); !strings.Contains(last.msg, "cannot check") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if last.msg != "" {
		t.Fatalf("the same confirmation once Redis was back: %s", last.msg)
	}
	if n := len(r.sim.Stats().Writes); n != 1 {
		t.Fatalf("%d writes, want 1", n)
	}
}

// A caller's rate limit holds across replicas that share Redis: its burst
// is spent once, wherever its requests land. With Redis gone, each replica
// counts alone and requests go on.
func TestReplicasShareTheCallerLimit(t *testing.T) {
	rs := redistest.Start(t)
	// 1 per minute, burst 1: nothing refills while the test runs.
	r := startReplicas(t, 3, rs.URL, HTTPOptions{RatePerSecond: 1.0 / 60})
	bearer := map[string]string{"Authorization": "Bearer " + endpointToken}
	round := func() map[int]int {
		codes := map[int]int{}
		for i := range 9 {
			codes[post(t, r.nodes[i%3].ts.URL+"/mcp", bearer, initBody)]++
		}
		return codes
	}
	if codes := round(); codes[200] != 1 || codes[429] != 8 {
		t.Fatalf("9 requests over 3 replicas with a burst of 1: %v, want 1 × 200 and 8 × 429", codes)
	}
	rs.Stop()
	// Each replica falls back to a bucket of its own, full again.
	if codes := round(); codes[200] != 3 || codes[429] != 6 {
		t.Fatalf("with Redis down: %v, want 3 × 200 (1 per replica) and 6 × 429", codes)
	}
}

// A replica that shares its confirmation key but no Redis says at start
// that single use then holds per replica only; with Redis it does not.
func TestReplicaWarnsWithoutSharedLedger(t *testing.T) {
	rs := redistest.Start(t)
	for _, tt := range []struct {
		redis string
		warns bool
	}{{"", true}, {rs.URL, false}} {
		logs := &logSink{}
		cfg := config.Config{Token: "t", APIURL: "http://127.0.0.1:1", Confirm: "auto", ConfirmKey: "team-confirmation-key-0123456789",
			HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthToken, Token: endpointToken, RedisURL: tt.redis}}
		srv, err := New(Options{Config: cfg, Version: "test", Logger: slog.New(slog.NewTextHandler(logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := srv.ServeHTTP(ctx, HTTPOptions{}, func(string) { cancel() }); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if got := strings.Contains(logs.String(), "single-use per replica only"); got != tt.warns {
			t.Errorf("redis %q: warned %v, want %v; logs:\n%s", tt.redis, got, tt.warns, logs)
		}
	}
}
