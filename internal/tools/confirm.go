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
	out     PowerOutput
	err     error
}

// confirmAction decides whether a destructive action may run now.
//
// A person decides, where the client lets one: with elicitation they answer
// in the client's own prompt (the first call returns an input request plus
// sealed state, and the client calls again with the answer; on 2025-era
// sessions the SDK does that round trip itself). Where the client shows MCP
// Apps, the result hands a grant to the confirmation view, whose app-only
// tool apply_power_decision runs the action if they accept. Otherwise the
// first call returns a preview and a token, and the agent calls again with
// the token: that relies on the agent asking, so IONOS_MCP_CONFIRM=human
// refuses it. Sealed state, grant and token all bind tool, server, caller
// and the server's etag, so none works for another server, another caller,
// or after the server changed.
func (t *toolset) confirmAction(ctx context.Context, req *mcp.CallToolRequest, p powerSpec, s cloud.Server, pc *powerCall) confirmation {
	claims := claimsOf(req, p, s)
	answer, answered := inputResponse(req)
	switch {
	case pc.grant != "": // checked by runPower before anything else
		return confirmation{proceed: true, how: "view"}
	case t.Confirm == confirm.None:
		return confirmation{proceed: true, how: "not-required"}
	case pc.token != "":
		return t.checkToken(ctx, req, p, claims, pc.token)
	case answered:
		return t.checkAnswer(ctx, req, p, s, claims, answer)
	case t.Confirm != confirm.Token && canElicit(req):
		return t.askHuman(p, s, claims)
	case t.viewsAllowed() && views.Supported(req.ClientCapabilities()):
		return t.offerView(p, s, claims)
	case t.Confirm == confirm.Elicit:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
			"this MCP client cannot show a confirmation prompt (it does not support elicitation), and this server requires one for %s (IONOS_MCP_CONFIRM=elicit). "+
				"Nothing was changed. Use a client that supports elicitation, or perform the action in the IONOS Data Center Designer", p.name)}}
	case t.Confirm == confirm.Human:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
			"this MCP client can neither ask the person (it does not support elicitation) nor show the confirmation view (it does not declare MCP Apps, %s), "+
				"and this server lets only a person confirm %s (IONOS_MCP_CONFIRM=human). Nothing was changed. "+
				"Use a client that supports elicitation or MCP Apps, or perform the action in the IONOS Data Center Designer", views.Extension, p.name)}}
	}
	tok, exp := t.Signer.Mint(withPurpose(claims, confirm.PurposeToken))
	return confirmation{how: "preview-issued", out: PowerOutput{
		Status:            statusConfirm,
		ConfirmationToken: tok,
		Message: preview(p, s) + fmt.Sprintf(" Show this to the user and ask whether to proceed. Only if they agree, call %s again with the same arguments and confirmation_token; "+
			"the token is valid until %s, for this server in its current state only. Nothing has been changed yet.", p.name, exp.UTC().Format(time.TimeOnly+" UTC")),
	}}
}

// claimsOf is what a confirmation of p on s binds.
func claimsOf(req *mcp.CallToolRequest, p powerSpec, s cloud.Server) confirm.Claims {
	return confirm.Claims{Tool: p.name, Datacenter: s.DatacenterID, Server: s.ID, Etag: s.Etag, Caller: callerOf(req)}
}

// viewsAllowed reports whether the policy lets the confirmation view decide.
func (t *toolset) viewsAllowed() bool { return t.Confirm == confirm.Auto || t.Confirm == confirm.Human }

func (t *toolset) checkToken(ctx context.Context, req *mcp.CallToolRequest, p powerSpec, claims confirm.Claims, token string) confirmation {
	switch {
	case t.Confirm == confirm.Elicit:
		return confirmation{how: "refused", err: &refusal{"this server accepts confirmations only through the client's own prompt (IONOS_MCP_CONFIRM=elicit), not confirmation tokens. Nothing was changed"}}
	case t.Confirm == confirm.Human:
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("this server lets only a person confirm %s, in the client's prompt or the confirmation view (IONOS_MCP_CONFIRM=human), "+
			"not with confirmation tokens. Nothing was changed. Call %s without confirmation_token", p.name, p.name)}}
	case t.Confirm == confirm.Auto && (canElicit(req) || views.Supported(req.ClientCapabilities())):
		// This client is never given tokens, so a token here was minted
		// for another client: taking it would let the agent skip the
		// person this client can ask.
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("this MCP client can ask the person itself (in its prompt or the confirmation view), so confirmation tokens are not accepted from it. "+
			"Nothing was changed. Call %s without confirmation_token: the person is asked", p.name)}}
	}
	err := t.Signer.Verify(token, withPurpose(claims, confirm.PurposeToken))
	if err == nil {
		err = t.Signer.Spend(ctx, token)
	}
	if errors.Is(err, confirm.ErrLedger) {
		return ledgerDown(p, err)
	}
	if err != nil {
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("confirmation refused: %v. Nothing was changed. Call %s again without confirmation_token for a fresh preview, and show it to the user", err, p.name)}}
	}
	return confirmation{proceed: true, how: "token"}
}

func (t *toolset) checkAnswer(ctx context.Context, req *mcp.CallToolRequest, p powerSpec, s cloud.Server, claims confirm.Claims, answer *mcp.ElicitResult) confirmation {
	state := req.Params.RequestState
	err := t.Signer.Verify(state, withPurpose(claims, confirm.PurposeElicit))
	if err == nil {
		err = t.Signer.Spend(ctx, state)
	}
	if errors.Is(err, confirm.ErrLedger) {
		return ledgerDown(p, err)
	}
	if err != nil {
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("the confirmation answer does not match this action: %v. Nothing was changed. Call %s again to ask anew", err, p.name)}}
	}
	if answer == nil || answer.Action != "accept" || answer.Content["confirm"] != true {
		what := "declined"
		if answer != nil && answer.Action == "cancel" {
			what = "dismissed"
		}
		return confirmation{how: "declined", out: PowerOutput{
			Status:  statusDeclined,
			Message: fmt.Sprintf("The user %s the %s of server %q. Nothing was changed.", what, p.action, s.Name),
		}}
	}
	return confirmation{proceed: true, how: "elicitation"}
}

// ledgerDown refuses an action whose confirmation cannot be proven unused:
// running it might run it twice. The confirmation itself stays good.
func ledgerDown(p powerSpec, err error) confirmation {
	return confirmation{how: "refused", err: &refusal{fmt.Sprintf(
		"%v. Nothing was changed. The confirmation is still valid: retry the same call in a moment; "+
			"if this persists, the operator must bring back the shared state store of this hosted server (IONOS_MCP_REDIS_URL)", err)}}
}

func (t *toolset) askHuman(p powerSpec, s cloud.Server, claims confirm.Claims) confirmation {
	state, _ := t.Signer.Mint(withPurpose(claims, confirm.PurposeElicit))
	ask := &mcp.ElicitParams{
		Message: preview(p, s),
		RequestedSchema: &jsonschema.Schema{
			Type: "object",
			Properties: map[string]*jsonschema.Schema{
				inputKey: {Type: "boolean", Title: fmt.Sprintf("%s %s", capitalize(string(p.action)), s.Name), Description: "Tick to confirm; leave unticked or decline to cancel."},
			},
			Required: []string{inputKey},
		},
	}
	return confirmation{how: "elicitation-requested", res: &mcp.CallToolResult{
		InputRequests: mcp.InputRequestMap{inputKey: ask},
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
