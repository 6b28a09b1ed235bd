package tools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// PowerInput is the input of start_server and resume_server.
type PowerInput struct {
	Server         string `json:"server" jsonschema:"server name or id"`
	Datacenter     string `json:"datacenter,omitempty" jsonschema:"data center name or id; needed only if the server name exists in several"`
	Wait           *bool  `json:"wait,omitempty" jsonschema:"wait until the request is DONE and the server reached its new state (default true)"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty" jsonschema:"how long to wait, 1-300 (default 40)"`
}

// ConfirmedPowerInput is the input of stop_server, reboot_server and suspend_server.
type ConfirmedPowerInput struct {
	Server            string `json:"server" jsonschema:"server name or id"`
	Datacenter        string `json:"datacenter,omitempty" jsonschema:"data center name or id; needed only if the server name exists in several"`
	Wait              *bool  `json:"wait,omitempty" jsonschema:"wait until the request is DONE and the server reached its new state (default true)"`
	TimeoutSeconds    int    `json:"timeout_seconds,omitempty" jsonschema:"how long to wait, 1-300 (default 40)"`
	ConfirmationToken string `json:"confirmation_token,omitempty" jsonschema:"from a CONFIRMATION_REQUIRED result, only after the user agreed"`
}

// PowerOutput is the result of every power tool.
type PowerOutput struct {
	Action            string        `json:"action"`
	Status            string        `json:"status" jsonschema:"DONE, FAILED, QUEUED or RUNNING (not finished: follow with get_request_status), NO_CHANGE, CONFIRMATION_REQUIRED, CONFIRMATION_IN_VIEW or DECLINED"`
	RequestID         string        `json:"requestId,omitempty"`
	Message           string        `json:"message"`
	Server            *cloud.Server `json:"server,omitempty" jsonschema:"the server as last seen"`
	ConfirmationToken string        `json:"confirmationToken,omitempty" jsonschema:"pass as confirmation_token, only after showing the message to the user and getting their agreement"`
}

// Statuses of a power tool beyond the request statuses.
const (
	statusNoChange = "NO_CHANGE"
	statusConfirm  = "CONFIRMATION_REQUIRED"
	statusDeclined = "DECLINED"
)

// powerSpec describes one power tool.
type powerSpec struct {
	name        string
	action      cloud.Action
	confirm     bool // destructive: asks a human first, and protected servers refuse it
	title       string
	idempotent  bool
	description string
}

const confirmText = " A person decides first: the client's own prompt asks them (elicitation), or its confirmation view does (MCP Apps: the result is then CONFIRMATION_IN_VIEW, " +
	"and only the person can go on). On clients with neither, the result is CONFIRMATION_REQUIRED: show its message to the user and repeat the call with confirmation_token only if they agree."

const waitText = " Waits until done (wait, timeout_seconds); if time runs out, follow requestId with get_request_status."

var powerTools = []powerSpec{
	{
		name: "start_server", action: cloud.Start, title: "Start server", idempotent: true,
		description: "Power on a stopped ENTERPRISE or VCPU server (CUBE and GPU servers use resume_server). Cores and RAM are provisioned and billed again; " +
			"a public IPv4 address that was released on stop is replaced by a new one." + waitText,
	},
	{
		name: "stop_server", action: cloud.Stop, confirm: true, title: "Stop server (forced power-off)", idempotent: true,
		description: "Power off an ENTERPRISE or VCPU server (CUBE and GPU servers use suspend_server). This is a forced power-off, like pulling the plug: " +
			"the OS is not shut down and unsaved data is lost. Cores and RAM are freed and no longer billed; public IPv4 addresses that are not reserved " +
			"return to the pool, so the server may get another address when started." + confirmText + waitText,
	},
	{
		name: "reboot_server", action: cloud.Reboot, confirm: true, title: "Reboot server (hard reset)",
		description: "Hard-reset a running server, like pressing its reset button: not a graceful OS reboot, so unsaved data is lost." + confirmText + waitText,
	},
	{
		name: "suspend_server", action: cloud.Suspend, confirm: true, title: "Suspend CUBE/GPU server", idempotent: true,
		description: "Suspend a CUBE or GPU server, their counterpart of stop: the server halts but its resources stay reserved and billed. " +
			"ENTERPRISE and VCPU servers use stop_server." + confirmText + waitText,
	},
	{
		name: "resume_server", action: cloud.Resume, title: "Resume CUBE/GPU server", idempotent: true,
		description: "Resume a suspended CUBE or GPU server (ENTERPRISE and VCPU servers use start_server)." + waitText,
	},
}

func (p powerSpec) tool() *mcp.Tool {
	tool := &mcp.Tool{
		Name:        p.name,
		Description: p.description,
		Annotations: &mcp.ToolAnnotations{
			Title: p.title, ReadOnlyHint: false, DestructiveHint: ptr(p.confirm),
			IdempotentHint: p.idempotent, OpenWorldHint: ptr(true),
		},
	}
	if p.confirm {
		tool.Meta = views.ToolMeta(views.ConfirmURI)
	}
	return tool
}

// powerCall is one power tool call on its way through the steps.
type powerCall struct {
	PowerInput
	spec  powerSpec
	token string // a confirmation token, from the agent
	grant string // a grant of the confirmation view, from apply_power_decision
	ev    audit.Event
}

func (t *toolset) power(p powerSpec) mcp.ToolHandlerFor[PowerInput, PowerOutput] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in PowerInput) (*mcp.CallToolResult, PowerOutput, error) {
		return t.runPower(ctx, req, &powerCall{PowerInput: in, spec: p})
	}
}

func (t *toolset) confirmedPower(p powerSpec) mcp.ToolHandlerFor[ConfirmedPowerInput, PowerOutput] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in ConfirmedPowerInput) (*mcp.CallToolResult, PowerOutput, error) {
		pc := &powerCall{
			PowerInput: PowerInput{Server: in.Server, Datacenter: in.Datacenter, Wait: in.Wait, TimeoutSeconds: in.TimeoutSeconds},
			spec:       p, token: in.ConfirmationToken,
		}
		return t.runPower(ctx, req, pc)
	}
}

// runPower runs one power tool call: check, resolve, confirm, send, wait.
// Every outcome is written to the audit trail.
func (t *toolset) runPower(ctx context.Context, req *mcp.CallToolRequest, pc *powerCall) (res *mcp.CallToolResult, out PowerOutput, err error) {
	start := time.Now()
	pc.ev = audit.Event{Time: start.UTC(), Tool: pc.spec.name, ServerRef: pc.Server, Caller: callerOf(req), Client: clientOf(req), Confirmation: "none"}
	defer func() { t.record(pc.ev, res, out, err, start) }()

	timeout, err := t.waitTimeout(pc.TimeoutSeconds)
	if err != nil {
		return nil, out, err
	}
	if err := t.checkRefs(pc.Server, pc.Datacenter); err != nil {
		return nil, out, err
	}
	if pattern, ok := t.Guard.ProtectedRef(pc.Server); ok && pc.spec.confirm {
		return nil, out, protectedError(pc.Server, pattern, pc.spec)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, out, err
	}
	s, err := c.ResolveServer(ctx, pc.Server, pc.Datacenter)
	if err != nil {
		return nil, out, explain(err)
	}
	pc.ev.ServerID, pc.ev.ServerName, pc.ev.DatacenterID, pc.ev.DatacenterName = s.ID, s.Name, s.DatacenterID, s.DatacenterName
	if pattern, ok := t.Guard.Protected(s); ok && pc.spec.confirm {
		return nil, out, protectedError(s.Name, pattern, pc.spec)
	}
	out = PowerOutput{Action: string(pc.spec.action), Server: &s}
	if err := pc.spec.action.Check(s); err != nil {
		return nil, PowerOutput{}, explain(err)
	}
	// A grant is the person's one decision in the view: it is checked and
	// spent before a pending request could be followed in its place, so a
	// replayed decision is refused as such.
	if pc.grant != "" {
		cf := t.checkGrant(ctx, pc.spec.name, claimsOf(req, pc.spec, s), pc.grant)
		pc.ev.Confirmation = cf.how
		if !cf.proceed {
			return nil, PowerOutput{}, cf.err
		}
	}
	// The same action already pending is followed, not sent again; nothing
	// new is sent, so nobody needs to be asked.
	if s.Busy() {
		if joined, res, out, err := t.joinPending(ctx, req, c, pc, s, out); joined {
			return res, out, err
		}
	}
	// A token or grant, when given, is checked before anything else is
	// said, so that a replayed or foreign one is always reported as such.
	if pc.spec.action.AlreadyDone(s) && pc.token == "" && pc.grant == "" {
		return nil, noChange(out, s), nil
	}
	if pc.spec.confirm {
		cf := t.confirmAction(ctx, req, pc.spec, s, pc)
		pc.ev.Confirmation = cf.how
		if !cf.proceed {
			if cf.status != "" {
				out.Status, out.Message, out.ConfirmationToken = cf.status, cf.message, cf.token
				return cf.res, out, cf.err
			}
			return cf.res, PowerOutput{}, cf.err
		}
	} else {
		pc.ev.Confirmation = "not-required"
	}
	if pc.spec.action.AlreadyDone(s) {
		return nil, noChange(out, s), nil
	}
	return t.send(ctx, req, c, pc, s, out)
}

func noChange(out PowerOutput, s cloud.Server) PowerOutput {
	out.Status = statusNoChange
	out.Message = fmt.Sprintf("Server %q is already %s; nothing was sent to the API.", s.Name, s.VMState)
	return out
}

// joinPending finds a request for the same action on a busy server. When
// there is one, the call follows it instead of sending a second action; when
// the request list cannot be read, nothing is sent either, since a second
// reboot or stop is worse than a retry in a moment.
func (t *toolset) joinPending(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, pc *powerCall, s cloud.Server, out PowerOutput) (bool, *mcp.CallToolResult, PowerOutput, error) {
	pending, found, err := c.PendingAction(ctx, s, pc.spec.action)
	if err != nil {
		return true, nil, PowerOutput{}, fmt.Errorf("server %q is BUSY with a pending request, and the request list could not be read to tell whether it is already a %s (%v). Nothing was sent. Call %s again in a moment",
			s.Name, pc.spec.action, explain(err), pc.spec.name)
	}
	if !found {
		return false, nil, out, nil
	}
	id := pending.RequestID
	pc.ev.Confirmation, pc.ev.RequestID = "not-required (already pending)", id
	out.RequestID = id
	if pc.Wait != nil && !*pc.Wait {
		out.Status = pending.Status
		out.Message = fmt.Sprintf("A %s of %q is already pending as request %s; no second one was sent. Follow it with get_request_status.", pc.spec.action, s.Name, id)
		return true, nil, out, nil
	}
	res, out, err := t.waitFor(ctx, req, c, pc, s, out)
	if err == nil {
		out.Message = fmt.Sprintf("A %s of %q was already pending as request %s, so no second one was sent; this call followed it. %s", pc.spec.action, s.Name, id, out.Message)
	}
	return true, res, out, err
}

// send performs the action and, unless told not to, waits for its end.
func (t *toolset) send(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, pc *powerCall, s cloud.Server, out PowerOutput) (*mcp.CallToolResult, PowerOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, PowerOutput{}, fmt.Errorf("the call ended before the %s was sent (%v); nothing was changed", pc.spec.action, err)
	}
	deadline, _ := ctx.Deadline()
	if left := time.Until(deadline); left < minSendTime {
		return nil, PowerOutput{}, &refusal{fmt.Sprintf("only %.1fs of timeout_seconds were left to send the %s and follow it; nothing was sent. Call again with a larger timeout_seconds",
			left.Seconds(), pc.spec.action)}
	}
	// Once sent, the POST is not abandoned when the client goes away, only
	// at the deadline: an abandoned write leaves nobody knowing whether it
	// happened.
	postCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	reqID, err := c.PowerAction(postCtx, s, pc.spec.action)
	if err != nil {
		return nil, PowerOutput{}, t.explainWrite(postCtx, c, err, pc)
	}
	pc.ev.RequestID = reqID
	out.RequestID = reqID
	if pc.Wait != nil && !*pc.Wait {
		out.Status = cloud.StatusQueued
		out.Message = fmt.Sprintf("The %s of %q was accepted as request %s. Follow it with get_request_status.", pc.spec.action, s.Name, reqID)
		return nil, out, nil
	}
	return t.waitFor(ctx, req, c, pc, s, out)
}

// minSendTime is the least time a write needs: the POST, and room to
// reconcile it if its answer is lost.
const minSendTime = 500 * time.Millisecond

// explainWrite explains a failed write; for a write whose answer was lost,
// it adds the server's state as read now.
func (t *toolset) explainWrite(ctx context.Context, c *cloud.Client, err error, pc *powerCall) error {
	var uw *cloud.UnconfirmedWriteError
	if !errors.As(err, &uw) {
		return explain(err)
	}
	tool := pc.spec.name
	if !uw.Checked {
		return fmt.Errorf("%v. Do not repeat it blindly: check the server with get_server first, and call %s again only if it has not changed", uw, tool)
	}
	state := ""
	s := uw.Server
	if fresh, _, gerr := c.GetServer(ctx, cloud.Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, 0); gerr == nil {
		state = fmt.Sprintf(" Server %q is %s (state %s) now.", fresh.Name, fresh.VMState, fresh.State)
	}
	return fmt.Errorf("%v; nothing was re-sent.%s Check with get_server; if it still is not %s, calling %s again is safe", uw, state, pc.spec.action.Target(), tool)
}

// waitFor follows the request to its end and then the server to its new state.
func (t *toolset) waitFor(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, pc *powerCall, s cloud.Server, out PowerOutput) (*mcp.CallToolResult, PowerOutput, error) {
	notify := t.progress(ctx, req)
	start := time.Now()
	exp := cloud.Expect{Action: pc.spec.action, ServerType: s.Type, Since: start}
	if d, ok := c.ExpectedDuration(exp.Action, exp.ServerType, false); ok {
		notify(fmt.Sprintf("request %s accepted; expected DONE in about %.0fs (learned from earlier %s actions on %s servers)",
			out.RequestID, d.Seconds(), exp.Action, orText(exp.ServerType, "such")))
	}
	st, err := c.WaitRequestFor(ctx, out.RequestID, exp, func(st cloud.RequestStatus) {
		notify(fmt.Sprintf("request %s: %s after %.0fs", st.RequestID, st.Status, time.Since(start).Seconds()))
	})
	out.Status = st.Status
	if err != nil {
		if ctx.Err() == nil {
			return nil, PowerOutput{}, explain(err)
		}
		out.Message = fmt.Sprintf("The %s of %q was accepted as request %s and is still %s after %.0fs. Call get_request_status with request_id %s and wait=true to follow it.",
			pc.spec.action, s.Name, out.RequestID, st.Status, time.Since(start).Seconds(), out.RequestID)
		return nil, out, nil
	}
	if st.Status == cloud.StatusFailed {
		// Read within the call's deadline: a rate-limited API would make
		// this read wait out a Retry-After far beyond it.
		if fresh, _, gerr := c.GetServer(ctx, cloud.Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, 0); gerr == nil {
			out.Server = &fresh
		}
		out.Message = fmt.Sprintf("The IONOS API reports request %s FAILED: %s. The server was not %s.", out.RequestID, orText(st.Message, "no reason given"), pc.spec.action.PastTense())
		return nil, out, nil
	}
	final, err := c.WaitServerFor(ctx, s, pc.spec.action.Target(), exp, func(s cloud.Server) {
		notify(fmt.Sprintf("server %s: vmState %s, state %s", s.Name, s.VMState, s.State))
	})
	out.Server = &final
	if err != nil {
		if ctx.Err() == nil {
			return nil, PowerOutput{}, explain(err)
		}
		out.Message = fmt.Sprintf("Request %s is DONE, but server %q still shows vmState %s (state %s), not yet %s. Check again with get_server.",
			out.RequestID, s.Name, final.VMState, final.State, pc.spec.action.Target())
		return nil, out, nil
	}
	out.Message = fmt.Sprintf("Server %q (%s) is %s: request %s DONE in %.0fs.", final.Name, final.DatacenterName, final.VMState, out.RequestID, time.Since(start).Seconds())
	return nil, out, nil
}

// waitTimeout validates timeout_seconds and applies the default.
func (t *toolset) waitTimeout(seconds int) (time.Duration, error) {
	if seconds == 0 {
		return t.WaitTimeout, nil
	}
	if seconds < 1 || time.Duration(seconds)*time.Second > t.MaxTimeout {
		return 0, fmt.Errorf("timeout_seconds %d is out of range: use 1 to %d", seconds, int(t.MaxTimeout.Seconds()))
	}
	return time.Duration(seconds) * time.Second, nil
}

// progress returns a function that sends a progress notification when the
// client asked for them (by sending a progress token), and does nothing
// otherwise.
func (t *toolset) progress(ctx context.Context, req *mcp.CallToolRequest) func(string) {
	if req == nil || req.Params == nil || req.Session == nil {
		return func(string) {}
	}
	tok := req.Params.GetProgressToken()
	if tok == nil {
		return func(string) {}
	}
	n := 0
	return func(msg string) {
		n++
		err := req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Progress: float64(n), Message: msg})
		if err != nil {
			t.log.Debug("progress notification not sent", "err", err)
		}
	}
}

func protectedError(name, pattern string, p powerSpec) error {
	return &refusal{fmt.Sprintf("server %q is protected by the operator (IONOS_MCP_PROTECT pattern %q): %s_server is refused for it, whoever asks. Nothing was sent to the API",
		name, pattern, p.action)}
}

// record writes the audit line of a power call.
func (t *toolset) record(ev audit.Event, res *mcp.CallToolResult, out PowerOutput, err error, start time.Time) {
	if t.Audit == nil {
		return
	}
	ev.DurationMS = time.Since(start).Milliseconds()
	switch {
	case err != nil:
		ev.Status, ev.Error = "ERROR", err.Error()
		if isRefusal(err) {
			ev.Status = "REFUSED"
		}
	case res != nil && res.InputRequests != nil:
		ev.Status = "CONFIRMATION_REQUESTED"
	default:
		ev.Status = out.Status
	}
	if rerr := t.Audit.Record(ev); rerr != nil {
		t.log.Error("audit log write failed", "err", rerr)
	}
}

func isRefusal(err error) bool {
	var wa *cloud.WrongActionError
	var nf *cloud.NotFoundError
	var r *refusal
	return errors.As(err, &wa) || (errors.As(err, &nf) && nf.Hidden) || errors.As(err, &r)
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
