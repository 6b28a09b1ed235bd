package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// inputKey names the confirmation in an input-required result.
const inputKey = "confirm"

// confirmation is the outcome of the confirmation step.
type confirmation struct {
	proceed bool
	how     string // for the audit trail
	res     *mcp.CallToolResult
	status  string // CONFIRMATION_REQUIRED, CONFIRMATION_IN_VIEW or DECLINED, when set
	message string
	token   string    // the confirmation token of CONFIRMATION_REQUIRED
	expires time.Time // and when it expires
	err     error
}

// ask is what a person is asked to decide: one action on one server, or
// one action on a planned set of servers. Both go through decide.
type ask struct {
	tool    string         // the tool that asks, to be called again
	action  cloud.Action   // what it does
	what    string         // `the stop of server "web-1"`, `the stop of 12 servers`
	title   string         // the checkbox of the prompt: "Stop web-1"
	message string         // what the person reads: the action and its consequences
	bound   string         // what a token works for: "this server in its current state"
	claims  confirm.Claims // what the decision binds
	// offer builds the view's offer around its grant.
	offer func(grant string, expires time.Time) any
}

// confirmAction decides whether a destructive action on one server may run now.
func (t *toolset) confirmAction(ctx context.Context, req *mcp.CallToolRequest, p powerSpec, s cloud.Server, pc *powerCall) confirmation {
	claims := claimsOf(req, p, s)
	a := ask{tool: p.name, action: p.action, what: fmt.Sprintf("the %s of server %q", p.action, s.Name),
		title: fmt.Sprintf("%s %s", capitalize(string(p.action)), s.Name), message: preview(p, s), bound: "this server in its current state", claims: claims,
		offer: func(grant string, exp time.Time) any { return serverOffer(p, s, grant, exp) }}
	return t.decide(ctx, req, a, pc.token, pc.grant != "")
}

// decide is the confirmation of every destructive action.
//
// A person decides, where the client lets one: with elicitation they answer
// in the client's own prompt (the first call returns an input request plus
// sealed state, and the client calls again with the answer; on 2025-era
// sessions the SDK does that round trip itself). Where the client shows MCP
// Apps, the result hands a grant to the confirmation view, whose app-only
// tool apply_power_decision runs the action if they accept. Otherwise the
// first call returns a preview and a token, and the agent calls again with
// the token: that relies on the agent asking, so IONOS_MCP_CONFIRM=human
// refuses it. Sealed state, grant and token all bind the tool, its target
// (a server and its etag, or a plan and its digest) and the caller, so none
// works for another target, another caller, or after the target changed.
// granted says that a grant of the view was checked already.
func (t *toolset) decide(ctx context.Context, req *mcp.CallToolRequest, a ask, token string, granted bool) confirmation {
	answer, answered := inputResponse(req)
	switch {
	case granted:
		return confirmation{proceed: true, how: "view"}
	case t.Confirm == confirm.None:
		return confirmation{proceed: true, how: "not-required"}
	case token != "":
		return t.checkToken(ctx, req, a, token)
	case answered:
		return t.checkAnswer(ctx, req, a, answer)
	case t.Confirm != confirm.Token && canElicit(req):
		return t.askHuman(a)
	case t.viewsAllowed() && views.Supported(req.ClientCapabilities()):
		return t.offerView(a)
	case t.Confirm == confirm.Elicit:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
			"this MCP client cannot show a confirmation prompt (it does not support elicitation), and this server requires one for %s (IONOS_MCP_CONFIRM=elicit). "+
				"Nothing was changed. Use a client that supports elicitation, or perform the action in the IONOS Data Center Designer", a.tool)}}
	case t.Confirm == confirm.Human:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
			"this MCP client can neither ask the person (it does not support elicitation) nor show the confirmation view (it does not declare MCP Apps, %s), "+
				"and this server lets only a person confirm %s (IONOS_MCP_CONFIRM=human). Nothing was changed. "+
				"Use a client that supports elicitation or MCP Apps, or perform the action in the IONOS Data Center Designer", views.Extension, a.tool)}}
	}
	tok, exp := t.Signer.Mint(withPurpose(a.claims, confirm.PurposeToken))
	return confirmation{how: "preview-issued", status: statusConfirm, token: tok, expires: exp,
		message: a.message + fmt.Sprintf(" Show this to the user and ask whether to proceed. Only if they agree, call %s again with the same arguments and confirmation_token; "+
			"the token is valid until %s, for %s only. Nothing has been changed yet.", a.tool, exp.UTC().Format(time.TimeOnly+" UTC"), a.bound),
	}
}

// claimsOf is what a confirmation of p on s binds.
func claimsOf(req *mcp.CallToolRequest, p powerSpec, s cloud.Server) confirm.Claims {
	return confirm.Claims{Tool: p.name, Datacenter: s.DatacenterID, Server: s.ID, Etag: s.Etag, Caller: callerOf(req)}
}

// viewsAllowed reports whether the policy lets the confirmation view decide.
func (t *toolset) viewsAllowed() bool { return t.Confirm == confirm.Auto || t.Confirm == confirm.Human }

func (t *toolset) checkToken(ctx context.Context, req *mcp.CallToolRequest, a ask, token string) confirmation {
	switch {
	case t.Confirm == confirm.Elicit:
		return confirmation{how: "refused", err: &refusal{"this server accepts confirmations only through the client's own prompt (IONOS_MCP_CONFIRM=elicit), not confirmation tokens. Nothing was changed"}}
	case t.Confirm == confirm.Human:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("this server lets only a person confirm %s, in the client's prompt or the confirmation view (IONOS_MCP_CONFIRM=human), "+
			"not with confirmation tokens. Nothing was changed. Call %s without confirmation_token", a.tool, a.tool)}}
	case t.Confirm == confirm.Auto && (canElicit(req) || views.Supported(req.ClientCapabilities())):
		// This client is never given tokens, so a token here was minted
		// for another client: taking it would let the agent skip the
		// person this client can ask.
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("this MCP client can ask the person itself (in its prompt or the confirmation view), so confirmation tokens are not accepted from it. "+
			"Nothing was changed. Call %s without confirmation_token: the person is asked", a.tool)}}
	}
	err := t.Signer.Verify(token, withPurpose(a.claims, confirm.PurposeToken))
	if err == nil {
		err = t.Signer.Spend(ctx, token)
	}
	if errors.Is(err, confirm.ErrLedger) {
		return ledgerDown(err)
	}
	if err != nil {
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("confirmation refused: %v. Nothing was changed. Call %s again without confirmation_token for a fresh preview, and show it to the user", err, a.tool)}}
	}
	return confirmation{proceed: true, how: "token"}
}

func (t *toolset) checkAnswer(ctx context.Context, req *mcp.CallToolRequest, a ask, answer *mcp.ElicitResult) confirmation {
	state := req.Params.RequestState
	err := t.Signer.Verify(state, withPurpose(a.claims, confirm.PurposeElicit))
	if err == nil {
		err = t.Signer.Spend(ctx, state)
	}
	if errors.Is(err, confirm.ErrLedger) {
		return ledgerDown(err)
	}
	if err != nil {
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("the confirmation answer does not match this action: %v. Nothing was changed. Call %s again to ask anew", err, a.tool)}}
	}
	if answer == nil || answer.Action != "accept" || answer.Content["confirm"] != true {
		what := "declined"
		if answer != nil && answer.Action == "cancel" {
			what = "dismissed"
		}
		return confirmation{how: "declined", status: statusDeclined, message: fmt.Sprintf("The user %s %s. Nothing was changed.", what, a.what)}
	}
	return confirmation{proceed: true, how: "elicitation"}
}

// ledgerDown refuses an action whose confirmation cannot be proven unused:
// running it might run it twice. The confirmation itself stays good.
func ledgerDown(err error) confirmation {
	return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
		"%v. Nothing was changed. The confirmation is still valid: retry the same call in a moment; "+
			"if this persists, the operator must bring back the shared state store of this hosted server (IONOS_MCP_REDIS_URL)", err)}}
}

func (t *toolset) askHuman(a ask) confirmation {
	state, _ := t.Signer.Mint(withPurpose(a.claims, confirm.PurposeElicit))
	req := &mcp.ElicitParams{
		Message: a.message,
		RequestedSchema: &jsonschema.Schema{
			Type: "object",
			Properties: map[string]*jsonschema.Schema{
				inputKey: {Type: "boolean", Title: a.title, Description: "Tick to confirm; leave unticked or decline to cancel."},
			},
			Required: []string{inputKey},
		},
	}
	return confirmation{how: "elicitation-requested", res: &mcp.CallToolResult{
		InputRequests: mcp.InputRequestMap{inputKey: req},
		RequestState:  state,
	}}
}

// preview tells the human exactly what will happen.
func preview(p powerSpec, s cloud.Server) string {
	return summary(p, s) + " " + consequences(p.action)
}

// summary names the action, the server and its state now.
func summary(p powerSpec, s cloud.Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s server %q", capitalize(string(p.action)), s.Name)
	fmt.Fprintf(&b, " (%s", orText(s.Type, "unknown type"))
	if s.Cores > 0 {
		fmt.Fprintf(&b, ", %d cores, %d MB RAM", s.Cores, s.RAM)
	}
	fmt.Fprintf(&b, ", id %s) in data center %q? It is %s now", s.ID, s.DatacenterName, orText(s.VMState, "in an unknown state"))
	if s.Busy() {
		b.WriteString(" and another request on it is still pending, so this one will queue behind it")
	}
	b.WriteString(".")
	return b.String()
}

// consequences says in plain words what the action does.
func consequences(a cloud.Action) string {
	switch a {
	case cloud.Stop:
		return "Stopping is a forced power-off, like pulling the plug: the operating system is not shut down and unsaved data is lost. " +
			"Cores and RAM are freed and no longer billed; public IPv4 addresses that are not reserved return to the pool, so the server may get another address on start."
	case cloud.Reboot:
		return "Rebooting is a hard reset, like pressing the reset button: the operating system is not shut down and unsaved data is lost."
	case cloud.Suspend:
		return "Suspending halts the server; its resources stay reserved and billed."
	}
	return ""
}

// inputResponse returns the answer to our confirmation, if this call carries one.
func inputResponse(req *mcp.CallToolRequest) (*mcp.ElicitResult, bool) {
	if req == nil || req.Params == nil || req.Params.InputResponses == nil {
		return nil, false
	}
	r, ok := req.Params.InputResponses[inputKey]
	if !ok {
		return nil, false
	}
	er, _ := r.(*mcp.ElicitResult)
	return er, true
}

// canElicit reports whether the client can show a form: it declared
// elicitation, in form mode (both modes unset means form, for older clients).
func canElicit(req *mcp.CallToolRequest) bool {
	if req == nil {
		return false
	}
	caps := req.ClientCapabilities()
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil
}

func withPurpose(c confirm.Claims, p confirm.Purpose) confirm.Claims {
	c.Purpose = p
	return c
}

// callerOf identifies the caller that a confirmation is bound to: the
// authenticated user in hosted mode (a hash of their token, never the
// token), else the local process's one client.
func callerOf(req *mcp.CallToolRequest) string {
	if req != nil && req.Extra != nil && req.Extra.TokenInfo != nil && req.Extra.TokenInfo.UserID != "" {
		return req.Extra.TokenInfo.UserID
	}
	return "local"
}

// clientOf names the MCP client, for the audit trail. A 2025-era client on
// stateless HTTP said its name only in an earlier request; then the HTTP
// User-Agent is the best there is.
func clientOf(req *mcp.CallToolRequest) string {
	if req == nil || req.Params == nil {
		return ""
	}
	if ci := req.ClientInfo(); ci != nil && ci.Name != "" {
		return strings.TrimSpace(ci.Name + " " + ci.Version)
	}
	if req.Extra != nil && req.Extra.Header != nil {
		if ua := req.Extra.Header.Get("User-Agent"); ua != "" {
			return "user-agent " + truncate(strings.Map(printable, ua), 80)
		}
	}
	return ""
}

func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// refusal is a call refused by policy; nothing was sent to the API.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
