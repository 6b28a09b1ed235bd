package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// The confirmation view of a set: the same view as for one server, shown
// an offer of kind "set" that lists the planned servers. Its grant binds
// the plan's id and digest and works only with apply_set_decision, which
// is app-only like apply_power_decision.

// SetOffer is what the confirmation view shows of a planned set.
type SetOffer struct {
	Kind         string     `json:"kind" jsonschema:"set"`
	Grant        string     `json:"grant"`
	Tool         string     `json:"tool"`
	Action       string     `json:"action"`
	Target       string     `json:"target" jsonschema:"the vmState the servers reach when done"`
	Plan         string     `json:"plan"`
	Summary      string     `json:"summary"`
	Consequences string     `json:"consequences"`
	Billing      SetBilling `json:"billing"`
	OneAtATime   bool       `json:"oneAtATime,omitempty"`
	Counts       SetCounts  `json:"counts"`
	Servers      []SetItem  `json:"servers"`
	Expires      string     `json:"expires" jsonschema:"RFC 3339"`
}

// offer is the view's offer of a plan.
func (p setPlan) offer(id, grant string, exp time.Time) SetOffer {
	out := p.output()
	return SetOffer{Kind: "set", Grant: grant, Tool: setToolName, Action: string(p.sel.spec.action), Target: p.sel.spec.action.Target(), Plan: id,
		Summary: p.headline(), Consequences: consequences(p.sel.spec.action), Billing: out.Billing, OneAtATime: p.sel.oneAtATime,
		Counts: out.Counts, Servers: out.Servers, Expires: exp.UTC().Format(time.RFC3339)}
}

// viewCallLimit bounds a set's run when the view decided it.
const viewCallLimit = 50 * time.Second

// SetDecisionInput is the input of apply_set_decision.
type SetDecisionInput struct {
	Grant    string `json:"grant" jsonschema:"the grant of the view's offer"`
	Plan     string `json:"plan" jsonschema:"the offer's plan"`
	Action   string `json:"action" jsonschema:"the offer's action"`
	Decision string `json:"decision" jsonschema:"the person's decision"`
}

// adjustSchema lists the values the enums take.
func (SetDecisionInput) adjustSchema(s *jsonschema.Schema) { decisionEnums(s) }

var applySetDecisionTool = viewTool("apply_set_decision", "Apply the person's decision on a set (confirmation view)",
	"Applies the person's decision on the planned set of servers that the view showed: "+
		"accept runs the planned stop, reboot or suspend on every planned server that did not change since, and follows them to the end; decline changes nothing. "+
		"The grant works once, for that plan, until it expires.")

// applySetDecision is the app-only tool of the set's confirmation view.
func (t *toolset) applySetDecision(ctx context.Context, req *mcp.CallToolRequest, in SetDecisionInput) (res *mcp.CallToolResult, out SetOutput, err error) {
	start := time.Now()
	ev := audit.Event{Time: start.UTC(), Tool: setToolName, ServerRef: truncate(in.Plan, 255), Caller: callerOf(req), Client: clientOf(req), Confirmation: "view"}
	defer func() { t.recordSet(&ev, res, out, err, start) }()
	i := slices.IndexFunc(powerTools, func(p powerSpec) bool { return p.confirm && string(p.action) == in.Action })
	switch {
	case i < 0:
		return nil, out, fmt.Errorf("action %q: want stop, reboot or suspend, as in the view's offer", in.Action)
	case !views.Supported(req.ClientCapabilities()):
		return nil, out, &refusal{fmt.Sprintf("%s serves the confirmation view only, and this MCP client did not declare MCP Apps (%s with %s), so no view of this plan is showing. "+
			"Nothing was changed. Call power_servers: the person is asked", applySetDecisionTool.Name, views.Extension, views.MIMEType)}
	case in.Decision != "accept" && in.Decision != "decline":
		return nil, out, fmt.Errorf("decision %q: want accept or decline", in.Decision)
	case in.Grant == "" || in.Plan == "":
		return nil, out, errors.New("grant and plan are required: pass the view's offer (grant, plan) unchanged")
	}
	sel := selection{spec: powerTools[i]}
	sp, digest, err := t.loadPlan(ctx, in.Plan)
	if errors.Is(err, errPlanGone) || (err == nil && sp.Action != in.Action) {
		return nil, out, grantRefused(errors.New("the plan it was given for is not known here, or expired"))
	}
	if err != nil {
		return nil, out, err
	}
	sel.oneAtATime = sp.OneAtATime
	p := setPlan{sel: sel, items: sp.Items}
	claims := confirm.Claims{Tool: setToolName, Server: in.Plan, Etag: digest, Caller: callerOf(req)}
	if err := t.Signer.Verify(in.Grant, withPurpose(claims, confirm.PurposeView)); err != nil {
		return nil, out, grantRefused(err)
	}
	if in.Decision == "decline" {
		return t.declineSet(ctx, p, in.Grant)
	}
	// Hosts forward a view's tool call with their own deadline (60 s in
	// the TypeScript SDK the hosts build on): the run ends before it, and
	// what is still going is reported with its request.
	timeout := min(time.Duration(sp.Timeout)*time.Second, viewCallLimit)
	if sp.Timeout == 0 {
		timeout = viewCallLimit
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, out, err
	}
	if err := t.recheck(ctx, c, &p); err != nil {
		return nil, out, err
	}
	if cf := t.checkGrant(ctx, setToolName, claims, in.Grant); !cf.proceed {
		return nil, out, cf.err
	}
	return t.runSet(ctx, req, c, p, &ev)
}

// declineSet spends the grant, so that the offer cannot be accepted later.
func (t *toolset) declineSet(ctx context.Context, p setPlan, grant string) (*mcp.CallToolResult, SetOutput, error) {
	err := t.Signer.Spend(ctx, grant)
	if errors.Is(err, confirm.ErrSpent) {
		return nil, SetOutput{}, &refusal{"this decision was already made: the view's grant was used. Nothing was changed by this call"}
	}
	if err != nil {
		t.log.Warn("a declined grant could not be marked used", "err", err)
	}
	out := p.output()
	out.Status = statusDeclined
	out.Message = fmt.Sprintf("The person declined the %s of %d servers in the confirmation view. Nothing was changed.", p.sel.spec.action, out.Counts.Act)
	return t.setResult(out), out, nil
}
