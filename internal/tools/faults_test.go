package tools_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"

	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// toolCall is one call of a tool as the fault suite makes it; write tools
// act on a server whose state makes a write necessary.
type toolCall struct {
	tool  string
	args  map[string]any
	write bool
}

var faultSuiteCalls = []toolCall{
	{"list_datacenters", nil, false},
	{"list_servers", nil, false},
	{"get_server", map[string]any{"server": "etl-1"}, false},
	{"get_request_status", map[string]any{"request_id": "REQUEST"}, false},
	{"start_server", map[string]any{"server": "build-runner"}, true},
	{"stop_server", map[string]any{"server": "etl-1"}, true},
	{"reboot_server", map[string]any{"server": "db-1"}, true},
	{"suspend_server", map[string]any{"server": "cache-cube"}, true},
	{"resume_server", map[string]any{"server": "dev-cube"}, true},
}

// A fault class: the faults, the deadline of the calls, and what a read and
// a write must end with ("" = success; else a fragment of the error text or
// of the result's status).
type faultClass struct {
	name      string
	faults    []sim.Fault
	timeout   time.Duration
	read      string
	write     string
	maxWrites int // executed power actions allowed per write call
}

var faultClasses = []faultClass{
	{name: "latency beyond the deadline",
		faults:  []sim.Fault{{Kind: sim.FaultLatency, Latency: 5 * time.Second}},
		timeout: time.Second, read: "did not answer in time", write: "did not answer in time", maxWrites: 0},
	{name: "latency on writes only, beyond the deadline",
		faults:  []sim.Fault{{Kind: sim.FaultLatency, Method: "POST", Latency: 5 * time.Second}},
		timeout: 4 * time.Second, read: "", write: "answer was lost", maxWrites: 0},
	{name: "429 storm with Retry-After",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 429, RetryAfter: 1, Method: "GET", Count: 2}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "429 storm without Retry-After",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 429, Method: "GET", Count: 3}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "429 on the write",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 429, RetryAfter: 3, Method: "POST"}},
		timeout: 10 * time.Second, read: "", write: "retry after 3 seconds", maxWrites: 0},
	{name: "503 then recovery",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 503, Count: 2, Method: "GET"}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "500 on everything",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 500}},
		timeout: 10 * time.Second, read: "failing or under maintenance", write: "failing or under maintenance", maxWrites: 0},
	{name: "500 on the write",
		faults:  []sim.Fault{{Kind: sim.FaultStatus, Status: 500, Method: "POST"}},
		timeout: 10 * time.Second, read: "", write: "most likely not executed", maxWrites: 0},
	{name: "HTML 502 after the write was executed",
		faults:  []sim.Fault{{Kind: sim.FaultHTML502, Method: "POST", Count: 1}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "dropped connections on reads",
		faults:  []sim.Fault{{Kind: sim.FaultDrop, Method: "GET", Count: 2}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "connection dropped after the write was executed",
		faults:  []sim.Fault{{Kind: sim.FaultDrop, Method: "POST", After: true, Count: 1}},
		timeout: 10 * time.Second, read: "", write: "", maxWrites: 1},
	{name: "connection dropped before the write",
		faults:  []sim.Fault{{Kind: sim.FaultDrop, Method: "POST", Count: 1}},
		timeout: 10 * time.Second, read: "", write: "most likely not executed", maxWrites: 0},
	{name: "requests that fail",
		faults:  []sim.Fault{{Kind: sim.FaultFail}},
		timeout: 10 * time.Second, read: "", write: "FAILED", maxWrites: 1},
}

// Under every fault class, every tool succeeds or returns a clear error
// within its deadline, no write is ever sent twice, and no goroutine is
// left behind.
func TestFaultSuite(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// Every case has its own simulator and mostly waits, so twelve run at
	// once (t.Parallel would hold them to one per core; more would starve
	// the CPU and make deadlines pass for the wrong reason).
	var wg sync.WaitGroup
	slots := make(chan struct{}, 12)
	for _, fc := range faultClasses {
		for _, tc := range faultSuiteCalls {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; wg.Done() }()
				t.Run(fc.name+"/"+tc.tool, func(t *testing.T) { runFaultCase(t, fc, tc) })
			}()
		}
	}
	wg.Wait()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

func runFaultCase(t *testing.T, fc faultClass, tc toolCall) {
	e := newEnv(t, withTools(func(o *tools.Options) {
		o.Confirm = confirm.None
		o.ReadTimeout = fc.timeout
		o.WaitTimeout = fc.timeout
	}))
	cs := e.session(eras[0], nil)
	args := tc.args
	if tc.tool == "get_request_status" {
		// A request made before the faults start.
		var out tools.PowerOutput
		mustCall(t, cs, "start_server", map[string]any{"server": "batch-worker", "wait": false, "timeout_seconds": 30}, &out)
		args = map[string]any{"request_id": out.RequestID}
	}
	before := e.writes()
	if err := e.sim.SetFaults(fc.faults); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tc.tool, Arguments: args})
	took := time.Since(start)
	if err := e.sim.SetFaults(nil); err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("protocol error: %v", err)
	}
	if took > fc.timeout+2*time.Second { // a hang would last the 5 s of the latency fault or more
		t.Errorf("took %v, beyond the deadline of %v", took, fc.timeout)
	}
	want := fc.read
	if tc.write {
		want = fc.write
	}
	got := outcome(res)
	switch {
	case want == "" && res.IsError:
		t.Errorf("want success, got error: %s", got)
	case want != "" && !strings.Contains(got, want):
		t.Errorf("want %q, got (isError=%v): %s", want, res.IsError, got)
	}
	if res.IsError && !strings.Contains(got, "IONOS") && !strings.Contains(got, "server") {
		t.Errorf("the error does not say what failed: %s", got)
	}
	writes := e.writes() - before
	if tc.write && writes > fc.maxWrites || !tc.write && writes != 0 {
		t.Errorf("%d power actions executed, want at most %d", writes, fc.maxWrites)
	}
	if tc.write && want == "" && writes != 1 {
		t.Errorf("a successful write executed %d actions, want exactly 1", writes)
	}
}

// outcome is the text of an error result, or the status and message of a
// successful one.
func outcome(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}
