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
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// The confirmation view (MCP Apps). On a client that shows views, a stop,
// reboot or suspend returns an offer in the result's _meta, which hosts give
// to the view and not to the model. The offer's grant is accepted by one
// tool only, apply_power_decision, which is app-only: hosts keep it from the
// model, and it refuses clients that did not declare the extension. So the
// model sees that a person decides, and holds nothing that acts.

// offerKey is the _meta key of the offer in a power tool's result.
const offerKey = "ionos-mcp/confirmation"

// statusInView is the status of a power tool whose decision is in the view.
const statusInView = "CONFIRMATION_IN_VIEW"

// Offer is what the confirmation view shows, and the grant it acts with.
type Offer struct {
	Grant          string `json:"grant"`
	Tool           string `json:"tool"`
	Action         string `json:"action"`
	Target         string `json:"target" jsonschema:"the vmState the server reaches when done"`
	ServerID       string `json:"serverId"`
	ServerName     string `json:"serverName"`
	DatacenterID   string `json:"datacenterId"`
	DatacenterName string `json:"datacenterName,omitempty"`
	Summary        string `json:"summary"`
	Consequences   string `json:"consequences"`
	Expires        string `json:"expires" jsonschema:"RFC 3339"`
}

// offerView hands the decision to the person in the view.
func (t *toolset) offerView(a ask) confirmation {
	grant, exp := t.Signer.Mint(withPurpose(a.claims, confirm.PurposeView))
	return confirmation{how: "view-offered", res: &mcp.CallToolResult{Meta: mcp.Meta{offerKey: a.offer(grant, exp)}}, status: statusInView,
		message: fmt.Sprintf("The person decides in the confirmation view shown with this result: it shows them %s and what it does, and they accept or decline there. "+
			"No tool you can call runs this %s: do not call %s again for it. Tell the user the decision is theirs, in the view. Nothing has been changed yet.",
			a.what, a.action, a.tool),
	}
}

// serverOffer is the view's offer of one action on one server.
func serverOffer(p powerSpec, s cloud.Server, grant string, exp time.Time) Offer {
	return Offer{
		Grant: grant, Tool: p.name, Action: string(p.action), Target: p.action.Target(),
		ServerID: s.ID, ServerName: s.Name, DatacenterID: s.DatacenterID, DatacenterName: s.DatacenterName,
		Summary: summary(p, s), Consequences: consequences(p.action), Expires: exp.UTC().Format(time.RFC3339),
	}
}

// checkGrant verifies a grant of the view against its target as it is now.
func (t *toolset) checkGrant(ctx context.Context, tool string, claims confirm.Claims, grant string) confirmation {
	err := t.Signer.Verify(grant, withPurpose(claims, confirm.PurposeView))
	if err == nil {
		err = t.Signer.Spend(ctx, grant)
	}
	switch {
	case errors.Is(err, confirm.ErrLedger):
		return ledgerDown(err)
	case errors.Is(err, confirm.ErrStale):
		return confirmation{how: "refused", err: &refusal{fmt.Sprintf("the server changed since the view showed it (someone acted on it, or this decision was already applied). "+
			"Nothing was changed. Ask the assistant to call %s again: the view then shows the server as it is now", tool)}}
	case err != nil:
		return confirmation{how: "refused", err: grantRefused(err)}
	}
	return confirmation{proceed: true, how: "view"}
}

func grantRefused(err error) error {
	return &refusal{fmt.Sprintf("the confirmation view's grant was refused: %v. Nothing was changed. Ask the assistant to call the power tool again for a fresh confirmation", err)}
}

// DecisionInput is the input of apply_power_decision.
type DecisionInput struct {
	Grant      string `json:"grant" jsonschema:"the grant of the view's offer"`
	Action     string `json:"action" jsonschema:"the offer's action"`
	Server     string `json:"server" jsonschema:"the offer's serverId"`
	Datacenter string `json:"datacenter" jsonschema:"the offer's datacenterId"`
	Decision   string `json:"decision" jsonschema:"the person's decision"`
}

// adjustSchema lists the values the enums take.
func (DecisionInput) adjustSchema(s *jsonschema.Schema) { decisionEnums(s) }

// decisionEnums lists the values of a decision's action and decision.
func decisionEnums(s *jsonschema.Schema) {
	s.Properties["action"].Enum = []any{"stop", "reboot", "suspend"}
	s.Properties["decision"].Enum = []any{"accept", "decline"}
}

// viewTool is an app-only tool of the confirmation view: hosts keep it
// from the model, and it acts on the person's decision.
func viewTool(name, title, description string) *mcp.Tool {
	return &mcp.Tool{
		Name: name, Description: "For the confirmation view only; hosts keep it from the model. " + description,
		Annotations: &mcp.ToolAnnotations{Title: title, ReadOnlyHint: false, DestructiveHint: ptr(true), IdempotentHint: false, OpenWorldHint: ptr(true)},
		Meta:        views.AppOnlyMeta(),
	}
}

var applyDecisionTool = viewTool("apply_power_decision", "Apply the person's decision (confirmation view)",
	"Applies the person's decision on the stop, reboot or suspend that the view showed: "+
		"accept sends it and returns its requestId without waiting (the view follows it), decline changes nothing. "+
		"The grant works once, for that action on that server in the state shown, until it expires.")

// applyDecision is the app-only tool of the confirmation view. Everything
// it can check without the API, it checks first: a grant that is forged,
// expired, or for another action, server or caller sends nothing.
func (t *toolset) applyDecision(ctx context.Context, req *mcp.CallToolRequest, in DecisionInput) (*mcp.CallToolResult, PowerOutput, error) {
	i := slices.IndexFunc(powerTools, func(p powerSpec) bool { return p.confirm && string(p.action) == in.Action })
	if i < 0 {
		return nil, PowerOutput{}, fmt.Errorf("action %q: want stop, reboot or suspend, as in the view's offer", in.Action)
	}
	p := powerTools[i]
	if !views.Supported(req.ClientCapabilities()) {
		err := &refusal{fmt.Sprintf("%s serves the confirmation view only, and this MCP client did not declare MCP Apps (%s with %s), so no view of this server is showing. "+
			"Nothing was changed. To %s the server, call %s: the person is asked", applyDecisionTool.Name, views.Extension, views.MIMEType, p.action, p.name)}
		t.recordDecision(req, p, in, err)
		return nil, PowerOutput{}, err
	}
	if err := t.checkOffer(req, p, in); err != nil {
		t.recordDecision(req, p, in, err)
		return nil, PowerOutput{}, err
	}
	if in.Decision == "decline" {
		return t.decline(ctx, req, p, in)
	}
	// The view follows the request itself, so the call returns once the
	// API accepted the action.
	no := false
	return t.runPower(ctx, req, &powerCall{PowerInput: PowerInput{Server: in.Server, Datacenter: in.Datacenter, Wait: &no}, spec: p, grant: in.Grant})
}

// checkOffer verifies the grant against the call, all but the etag, which
// only a read of the server can tell.
func (t *toolset) checkOffer(req *mcp.CallToolRequest, p powerSpec, in DecisionInput) error {
	if in.Decision != "accept" && in.Decision != "decline" {
		return fmt.Errorf("decision %q: want accept or decline", in.Decision)
	}
	if in.Grant == "" || in.Server == "" || in.Datacenter == "" {
		return errors.New("grant, server and datacenter are required: pass the view's offer (grant, serverId, datacenterId) unchanged")
	}
	etag, err := t.Signer.Etag(in.Grant)
	if err == nil {
		claims := confirm.Claims{Purpose: confirm.PurposeView, Tool: p.name, Datacenter: in.Datacenter, Server: in.Server, Etag: etag, Caller: callerOf(req)}
		err = t.Signer.Verify(in.Grant, claims)
	}
	if err != nil {
		return grantRefused(err)
	}
	return nil
}

// decline spends the grant, so that the offer cannot be accepted later.
func (t *toolset) decline(ctx context.Context, req *mcp.CallToolRequest, p powerSpec, in DecisionInput) (*mcp.CallToolResult, PowerOutput, error) {
	err := t.Signer.Spend(ctx, in.Grant)
	if errors.Is(err, confirm.ErrSpent) {
		err = &refusal{"this decision was already made: the view's grant was used. Nothing was changed by this call"}
		t.recordDecision(req, p, in, err)
		return nil, PowerOutput{}, err
	}
	// A ledger that cannot be reached leaves the grant usable until it
	// expires; the view has made its one decision and offers it no more.
	if err != nil {
		t.log.Warn("a declined grant could not be marked used", "err", err)
	}
	t.recordDecision(req, p, in, nil)
	return nil, PowerOutput{Action: string(p.action), Status: statusDeclined,
		Message: fmt.Sprintf("The person declined the %s in the confirmation view. Nothing was changed.", p.action)}, nil
}

// recordDecision audits a decision that did not go through runPower: a
// refusal before any API call, or a decline.
func (t *toolset) recordDecision(req *mcp.CallToolRequest, p powerSpec, in DecisionInput, err error) {
	ev := audit.Event{Time: time.Now().UTC(), Tool: p.name, ServerRef: truncate(in.Server, 255), Caller: callerOf(req), Client: clientOf(req), Confirmation: "view"}
	t.record(ev, nil, PowerOutput{Status: statusDeclined}, err, time.Now()) // err, when set, decides the status

}
