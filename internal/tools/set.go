package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// power_servers: one power action on a planned set of servers. The first
// call answers with the plan; a person decides once for the whole set
// (through the same confirmation as the single tools), bound to exactly
// the planned servers in their planned state; the actions run within the
// API's rate limit and are followed by one wait for all of them.
// set_plan.go selects and plans, set_run.go runs and waits.

// SetInput is the input of power_servers.
type SetInput struct {
	Action            string   `json:"action" jsonschema:"the power action for every selected server"`
	Servers           []string `json:"servers,omitempty" jsonschema:"server names or ids; with other criteria, only those of them that match"`
	Datacenter        string   `json:"datacenter,omitempty" jsonschema:"only servers of this data center (name or id)"`
	NamePattern       string   `json:"name_pattern,omitempty" jsonschema:"only servers whose name matches this pattern, ignoring case: * is any run of characters, ? any one (web-*)"`
	VMState           string   `json:"vm_state,omitempty" jsonschema:"only servers in this vmState"`
	Labels            []string `json:"labels,omitempty" jsonschema:"only servers carrying every one of these IONOS labels, each key=value (env=staging)"`
	DryRun            bool     `json:"dry_run,omitempty" jsonschema:"return the plan only: nothing is sent and nobody is asked"`
	OneAtATime        bool     `json:"one_at_a_time,omitempty" jsonschema:"act on one server at a time, each reaching its new state before the next (rolling reboots); stops at the first failure"`
	TimeoutSeconds    int      `json:"timeout_seconds,omitempty" jsonschema:"how long to run and wait, 1-300 (default 120)"`
	ConfirmationToken string   `json:"confirmation_token,omitempty" jsonschema:"from a CONFIRMATION_REQUIRED result, only after the user agreed; repeat the other arguments unchanged"`
}

// adjustSchema lists the values the enums take.
func (SetInput) adjustSchema(s *jsonschema.Schema) {
	s.Properties["action"].Enum = []any{"start", "stop", "reboot", "suspend", "resume"}
	s.Properties["vm_state"].Enum = make([]any, len(vmStates))
	for i, v := range vmStates {
		s.Properties["vm_state"].Enum[i] = v
	}
}

// SetOutput is the result of power_servers: the plan, and once run, what
// happened to each server.
type SetOutput struct {
	Action string `json:"action"`
	Status string `json:"status" jsonschema:"PLANNED (dry run), NO_CHANGE, CONFIRMATION_REQUIRED, CONFIRMATION_IN_VIEW, DECLINED; after running DONE (every planned action done), PARTIAL (some failed, changed or were not sent), FAILED (none done), NOT_SENT (nothing sent: every planned server changed after the plan, or time ran out), RUNNING (not all finished in time: follow the requestIds with get_request_status)"`
	// Message says what happened and what to do next.
	Message     string       `json:"message"`
	Servers     []SetItem    `json:"servers" jsonschema:"every selected server: its plan and, once run, its result"`
	Counts      SetCounts    `json:"counts"`
	Billing     SetBilling   `json:"billing"`
	APIRequests SetRequests  `json:"apiRequests"`
	OneAtATime  bool         `json:"oneAtATime,omitempty"`
	Token       string       `json:"confirmationToken,omitempty" jsonschema:"pass as confirmation_token with the same arguments, only after showing the plan to the user and getting their agreement"`
	Expires     string       `json:"expires,omitempty" jsonschema:"when the confirmation of this plan expires (RFC 3339)"`
	Selection   SetSelection `json:"selection"`
}

// SetItem is one selected server.
type SetItem struct {
	Server       string `json:"server"`
	ServerID     string `json:"serverId"`
	Datacenter   string `json:"datacenter"`
	DatacenterID string `json:"datacenterId"`
	Type         string `json:"type,omitempty"`
	VMState      string `json:"vmState,omitempty" jsonschema:"as last seen"`
	// Plan is what the plan does with the server.
	Plan string `json:"plan" jsonschema:"ACT (the action is sent), NO_CHANGE (already there), REFUSED (wrong type, not running for a reboot, or protected)"`
	// Reason explains NO_CHANGE and REFUSED, naming the right tool.
	Reason string `json:"reason,omitempty"`
	// Status is the result, once run.
	Status    string `json:"status,omitempty" jsonschema:"DONE, FAILED, RUNNING or QUEUED (still going: follow requestId), CHANGED (changed after the plan: left out), NOT_SENT (not sent: see message), ERROR (the API refused it: see message)"`
	RequestID string `json:"requestId,omitempty"`
	// Followed is set when the same action was already pending on the
	// server: its request was followed and no second one sent.
	Followed bool   `json:"followed,omitempty"`
	Message  string `json:"message,omitempty"`
}

// SetCounts counts the servers of a plan and its results.
type SetCounts struct {
	Selected int `json:"selected"`
	Act      int `json:"act"`
	NoChange int `json:"noChange"`
	Refused  int `json:"refused"`
	Done     int `json:"done,omitempty"`
	Failed   int `json:"failed,omitempty"`
	Running  int `json:"running,omitempty"`
	Changed  int `json:"changed,omitempty"`
	NotSent  int `json:"notSent,omitempty"`
}

// SetBilling says what the planned actions change on the bill.
type SetBilling struct {
	Change      string `json:"change"`
	Cores       int    `json:"cores,omitempty" jsonschema:"cores whose billing stops (stop) or starts again (start)"`
	RAMMB       int    `json:"ramMb,omitempty"`
	StaysBilled string `json:"staysBilled"`
}

// SetRequests says how many API requests the plan takes.
type SetRequests struct {
	Writes int `json:"writes" jsonschema:"power actions sent, one per server that acts"`
	// Before is the reads that check, just before sending, that no server
	// changed since the plan.
	Before int `json:"before"`
	// PerRound is the reads of one round of the wait, whatever the set's size.
	PerRound int    `json:"perRound"`
	Note     string `json:"note"`
}

// SetSelection echoes the selection as understood.
type SetSelection struct {
	Servers     []string `json:"servers,omitempty"`
	Datacenter  string   `json:"datacenter,omitempty"`
	NamePattern string   `json:"namePattern,omitempty"`
	VMState     string   `json:"vmState,omitempty"`
	Labels      []string `json:"labels,omitempty"`
}

// Plans of a set and statuses of its servers.
const (
	planAct      = "ACT"
	planNoChange = "NO_CHANGE"
	planRefused  = "REFUSED"

	statusPlanned = "PLANNED"
	statusPartial = "PARTIAL"
	statusChanged = "CHANGED"
	statusNotSent = "NOT_SENT"
	statusError   = "ERROR"
)

const setToolName = "power_servers"

var setTool = &mcp.Tool{
	Name: setToolName,
	Description: "Start, stop, reboot, suspend or resume a set of servers in one call: the servers named, or those of a data center, matching a name pattern, " +
		"in a vmState, or carrying IONOS labels (all criteria together). The answer is first the plan: every selected server, its state, what happens to it " +
		"(ACT, NO_CHANGE, or REFUSED with the right action), what stops and what stays billed, and how many API requests it takes; dry_run returns only that. " +
		"Stop, reboot and suspend are decided once, for exactly the planned servers, by a person: the client's prompt or its confirmation view (then the result " +
		"is CONFIRMATION_IN_VIEW and only the person can go on), or, on clients with neither, CONFIRMATION_REQUIRED: show the plan to the user and repeat the call " +
		"with confirmation_token only if they agree. A server that changed after the plan is left out and reported. The actions run within the API's rate limit " +
		"and are followed together until each server reached its state (one_at_a_time for rolling reboots); the result lists each server's outcome and requestId.",
	Annotations: &mcp.ToolAnnotations{
		Title: "Power action on a set of servers", ReadOnlyHint: false, DestructiveHint: ptr(true),
		IdempotentHint: false, OpenWorldHint: ptr(true),
	},
	Meta: views.ToolMeta(views.ConfirmURI),
}

// setDefaultTimeout bounds a set's run and wait unless timeout_seconds says.
const setDefaultTimeout = 120 * time.Second

// powerServers is the handler of power_servers.
func (t *toolset) powerServers(ctx context.Context, req *mcp.CallToolRequest, in SetInput) (res *mcp.CallToolResult, out SetOutput, err error) {
	start := time.Now()
	ev := audit.Event{Time: start.UTC(), Tool: setToolName, Caller: callerOf(req), Client: clientOf(req), Confirmation: "none"}
	defer func() { t.recordSet(&ev, res, out, err, start) }()

	sel, err := parseSelection(in)
	if err != nil {
		return nil, out, err
	}
	ev.ServerRef = truncate(sel.describe(), 255)
	if sel.datacenter != "" {
		if err := t.checkDatacenterRef(sel.datacenter); err != nil {
			return nil, out, err
		}
	}
	timeout := setDefaultTimeout
	if in.TimeoutSeconds != 0 {
		if timeout, err = t.waitTimeout(in.TimeoutSeconds); err != nil {
			return nil, out, err
		}
	}
	sel.timeout = timeout
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, out, err
	}
	// A call that carries a decision acts on the plan it was made for, not
	// on a new one: the person decided on that one.
	if ref, token, ok := decisionRef(req, in); ok {
		return t.decidePlanned(ctx, req, c, sel, ref, token, &ev)
	}
	p, err := t.plan(ctx, c, sel)
	if err != nil {
		return nil, out, err
	}
	out = p.output()
	switch {
	case in.DryRun:
		out.Status = statusPlanned
		out.Message = p.headline() + " Dry run: nothing was sent. Call again without dry_run to run it."
		return t.setResult(out), out, nil
	case out.Counts.Act == 0:
		out.Status = statusNoChange
		out.Message = p.headline() + " Nothing to do: nothing was sent."
		return t.setResult(out), out, nil
	case !p.sel.spec.confirm:
		ev.Confirmation = "not-required"
		return t.runSet(ctx, req, c, p, &ev)
	}
	return t.askForSet(ctx, req, c, p, &ev)
}

// setResult is the result of power_servers: its text is one line per
// server under a headline, which a model reads more cheaply than the JSON.
func (t *toolset) setResult(out SetOutput) *mcp.CallToolResult {
	if t.TextJSON {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", out.Status, out.Message)
	for _, it := range out.Servers {
		fmt.Fprintf(&b, "- %s/%s (%s, %s): %s", it.Datacenter, it.Server, orText(it.Type, "?"), orText(it.VMState, "?"), it.Plan)
		if it.Status != "" {
			fmt.Fprintf(&b, " -> %s", it.Status)
		}
		if it.RequestID != "" {
			fmt.Fprintf(&b, " request %s", it.RequestID)
		}
		if msg := orText(it.Message, it.Reason); msg != "" {
			fmt.Fprintf(&b, ": %s", msg)
		}
		b.WriteByte('\n')
	}
	if out.Token != "" {
		fmt.Fprintf(&b, "confirmationToken: %s\n", out.Token)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: b.String()}}}
}

// recordSet writes the set's own audit line; each server's action has
// its own line too (recordSetItem).
func (t *toolset) recordSet(ev *audit.Event, res *mcp.CallToolResult, out SetOutput, err error, start time.Time) {
	if t.Audit == nil {
		return
	}
	if ev.ServerRef == "" {
		ev.ServerRef = "set"
	}
	c := out.Counts
	ev.Detail = fmt.Sprintf("%d selected, %d planned to act, %d no change, %d refused; %d done, %d failed, %d running, %d changed after the plan, %d not sent",
		c.Selected, c.Act, c.NoChange, c.Refused, c.Done, c.Failed, c.Running, c.Changed, c.NotSent)
	pout := PowerOutput{Status: out.Status}
	if res != nil && res.InputRequests == nil {
		res = nil
	}
	t.record(*ev, res, pout, err, start)
}

// recordSetItem writes the audit line of one server's action in a set.
func (t *toolset) recordSetItem(ev audit.Event, it SetItem, took time.Duration) {
	if t.Audit == nil {
		return
	}
	ev.Time = time.Now().UTC()
	ev.ServerRef, ev.ServerID, ev.ServerName, ev.DatacenterID, ev.DatacenterName = it.ServerID, it.ServerID, it.Server, it.DatacenterID, it.Datacenter
	ev.RequestID, ev.Status, ev.DurationMS = it.RequestID, it.Status, took.Milliseconds()
	if it.Status != cloud.StatusDone {
		ev.Error = it.Message
	}
	if err := t.Audit.Record(ev); err != nil {
		t.log.Error("audit log write failed", "err", err)
	}
}
