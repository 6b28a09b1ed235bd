package tools

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/guard"
)

// selection is the validated selection of power_servers.
type selection struct {
	spec       powerSpec
	servers    []string
	datacenter string
	pattern    string
	vmState    string
	labels     [][2]string // key, value
	oneAtATime bool
	timeout    time.Duration // of the run and wait; not part of the selection's digest
}

// parseSelection validates the input before anything is read.
func parseSelection(in SetInput) (selection, error) {
	i := slices.IndexFunc(powerTools, func(p powerSpec) bool { return string(p.action) == strings.ToLower(strings.TrimSpace(in.Action)) })
	if i < 0 {
		return selection{}, fmt.Errorf("action %q: want start, stop, reboot, suspend or resume", in.Action)
	}
	sel := selection{spec: powerTools[i], datacenter: strings.TrimSpace(in.Datacenter), pattern: strings.TrimSpace(in.NamePattern),
		vmState: strings.ToUpper(strings.TrimSpace(in.VMState)), oneAtATime: in.OneAtATime}
	for _, ref := range in.Servers {
		ref = strings.TrimSpace(ref)
		if err := cloud.CheckRef("server", ref); err != nil {
			return selection{}, fmt.Errorf("servers: %w", err)
		}
		if !slices.Contains(sel.servers, ref) {
			sel.servers = append(sel.servers, ref)
		}
	}
	if err := cloud.CheckText("name_pattern", sel.pattern); err != nil || len(sel.pattern) > 255 {
		return selection{}, fmt.Errorf("name_pattern %q: want a name with * for any run of characters and ? for any one, at most 255 bytes", truncate(in.NamePattern, 80))
	}
	if sel.vmState != "" && !slices.Contains(vmStates, sel.vmState) {
		return selection{}, fmt.Errorf("vm_state %q: want one of %s", in.VMState, strings.Join(vmStates, ", "))
	}
	for _, l := range in.Labels {
		kv, err := parseLabel(l)
		if err != nil {
			return selection{}, err
		}
		sel.labels = append(sel.labels, kv)
	}
	slices.SortFunc(sel.labels, func(a, b [2]string) int { return cmp.Compare(a[0]+"="+a[1], b[0]+"="+b[1]) })
	sel.labels = slices.Compact(sel.labels)
	if len(sel.servers) == 0 && sel.datacenter == "" && sel.pattern == "" && sel.vmState == "" && len(sel.labels) == 0 {
		return selection{}, errors.New("the selection is empty: name the servers (servers), or select them by datacenter, name_pattern, vm_state or labels (key=value). " +
			"An empty selection would mean every server of the account, which power_servers never assumes. Nothing was sent")
	}
	return sel, nil
}

// parseLabel reads one key=value label.
func parseLabel(l string) ([2]string, error) {
	bad := func(why string) ([2]string, error) {
		return [2]string{}, fmt.Errorf("label %q: %s. Write each label as key=value, for example env=staging; a server is selected when it carries every label given, with exactly that value (no wildcards, no !=)", truncate(l, 80), why)
	}
	if err := cloud.CheckText("label", l); err != nil {
		return bad("it holds control characters")
	}
	k, v, ok := strings.Cut(l, "=")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	switch {
	case !ok:
		return bad("there is no =")
	case k == "":
		return bad("the key is empty")
	case v == "":
		return bad("the value is empty")
	case strings.HasSuffix(k, "!") || strings.ContainsAny(k, "*?:") || strings.ContainsAny(v, "*?="):
		return bad("only key=value is understood")
	case len(k) > 255 || len(v) > 255:
		return bad("keys and values are at most 255 bytes")
	}
	return [2]string{k, v}, nil
}

// describe is the selection in one line, for messages and the audit trail.
func (sel selection) describe() string {
	var parts []string
	if len(sel.servers) > 0 {
		parts = append(parts, "servers="+strings.Join(sel.servers, ","))
	}
	for _, f := range [][2]string{{"datacenter", sel.datacenter}, {"name_pattern", sel.pattern}, {"vm_state", sel.vmState}} {
		if f[1] != "" {
			parts = append(parts, f[0]+"="+f[1])
		}
	}
	for _, l := range sel.labels {
		parts = append(parts, "label "+l[0]+"="+l[1])
	}
	return string(sel.spec.action) + " " + strings.Join(parts, " ")
}

// digest identifies the selection, so that a decision made on one plan
// cannot be presented with other arguments.
func (sel selection) digest() string {
	b, _ := json.Marshal([]any{sel.spec.action, sel.servers, sel.datacenter, sel.pattern, sel.vmState, sel.labels, sel.oneAtATime})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (sel selection) echo() SetSelection {
	out := SetSelection{Servers: sel.servers, Datacenter: sel.datacenter, NamePattern: sel.pattern, VMState: sel.vmState}
	for _, l := range sel.labels {
		out.Labels = append(out.Labels, l[0]+"="+l[1])
	}
	return out
}

// planned is a selected server as the plan holds it: what it showed, and
// what the plan does with it.
type planned struct {
	SetItem
	Etag  string `json:"etag"`
	Cores int    `json:"cores,omitempty"`
	RAM   int    `json:"ram,omitempty"`
	Busy  bool   `json:"busy,omitempty"`
}

func (p planned) server() cloud.Server {
	s := cloud.Server{ID: p.ServerID, Name: p.Server, DatacenterID: p.DatacenterID, DatacenterName: p.Datacenter,
		Type: p.Type, VMState: p.VMState, Etag: p.Etag, Cores: p.Cores, RAM: p.RAM}
	if p.Busy {
		s.State = "BUSY"
	}
	return s
}

// setPlan is a plan of power_servers: the selection and every server it
// selected, in data center and name order.
type setPlan struct {
	sel   selection
	items []planned
}

// DefaultMaxSetSize is the most servers one power_servers call plans
// unless Options.MaxSetSize says otherwise.
const DefaultMaxSetSize = 200

// plan selects the servers and decides what happens to each. It only reads.
func (t *toolset) plan(ctx context.Context, c *cloud.Client, sel selection) (setPlan, error) {
	candidates, scope, err := t.candidates(ctx, c, sel)
	if err != nil {
		return setPlan{}, err
	}
	picked, err := pickNamed(candidates, sel.servers, scope)
	if err != nil {
		return setPlan{}, err
	}
	var labels cloud.Labels
	if len(sel.labels) > 0 {
		if labels, err = c.ServerLabels(ctx); err != nil {
			return setPlan{}, fmt.Errorf("reading the labels to select servers by: %w. Nothing was sent", explain(err))
		}
	}
	var chosen []cloud.Server
	for _, s := range picked {
		if matches(sel, s, labels[s.ID]) {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) == 0 {
		return setPlan{}, fmt.Errorf("no server matches the selection (%s) among the %d servers of %s. Nothing was sent. "+
			"Check names and labels with list_servers, or widen the selection", sel.describe(), len(picked), scope)
	}
	if limit := t.maxSetSize(); len(chosen) > limit {
		return setPlan{}, fmt.Errorf("the selection (%s) matches %d servers; power_servers plans at most %d at once (IONOS_MCP_MAX_SET_SIZE). Nothing was sent. "+
			"Narrow it (by datacenter, name_pattern, vm_state or labels) and run it in parts, or ask the operator to raise the limit", sel.describe(), len(chosen), limit)
	}
	p := setPlan{sel: sel}
	for _, s := range chosen {
		p.items = append(p.items, t.classify(sel.spec, s))
	}
	slices.SortFunc(p.items, func(a, b planned) int {
		return cmp.Or(cmp.Compare(a.Datacenter, b.Datacenter), cmp.Compare(a.Server, b.Server), cmp.Compare(a.ServerID, b.ServerID))
	})
	if err := p.unsupported(); err != nil {
		return setPlan{}, err
	}
	return p, nil
}

func (t *toolset) maxSetSize() int {
	if t.MaxSetSize > 0 {
		return t.MaxSetSize
	}
	return DefaultMaxSetSize
}

// candidates lists the servers a selection chooses from: those of its data
// center, or of every data center this server may use.
func (t *toolset) candidates(ctx context.Context, c *cloud.Client, sel selection) ([]cloud.Server, string, error) {
	if sel.datacenter == "" {
		inv, err := c.Inventory(ctx)
		if err != nil {
			return nil, "", explain(err)
		}
		return inv.Servers, "the account", nil
	}
	dc, err := c.ResolveDatacenter(ctx, sel.datacenter)
	if err != nil {
		return nil, "", explain(err)
	}
	servers, err := c.ListServers(ctx, dc)
	if err != nil {
		return nil, "", explain(err)
	}
	return servers, fmt.Sprintf("data center %q", dc.Name), nil
}

// pickNamed keeps the servers named, resolved as the single tools resolve
// names; no names keeps them all.
func pickNamed(servers []cloud.Server, refs []string, scope string) ([]cloud.Server, error) {
	if len(refs) == 0 {
		return servers, nil
	}
	var out []cloud.Server
	for _, ref := range refs {
		s, err := cloud.PickServer(servers, ref, scope)
		if err != nil {
			return nil, fmt.Errorf("servers: %w. Nothing was sent", explain(err))
		}
		if !slices.ContainsFunc(out, func(o cloud.Server) bool { return o.ID == s.ID }) {
			out = append(out, s)
		}
	}
	return out, nil
}

// matches applies the filters of a selection to one server.
func matches(sel selection, s cloud.Server, labels map[string]string) bool {
	if sel.pattern != "" && !guard.Match(sel.pattern, s.Name) {
		return false
	}
	if sel.vmState != "" && !strings.EqualFold(s.VMState, sel.vmState) {
		return false
	}
	for _, l := range sel.labels {
		if v, ok := labels[l[0]]; !ok || v != l[1] {
			return false
		}
	}
	return true
}

// classify decides what the plan does with one server, by the rules of
// the single tools: protection, the action's fit, and whether it is
// already done.
func (t *toolset) classify(p powerSpec, s cloud.Server) planned {
	it := planned{SetItem: SetItem{Server: s.Name, ServerID: s.ID, Datacenter: s.DatacenterName, DatacenterID: s.DatacenterID, Type: s.Type, VMState: s.VMState, Plan: planAct},
		Etag: s.Etag, Cores: s.Cores, RAM: s.RAM, Busy: s.Busy()}
	var wa *cloud.WrongActionError
	switch err := p.action.Check(s); {
	case p.confirm && t.protected(s) != "":
		it.Plan, it.Reason = planRefused, fmt.Sprintf("protected by the operator (IONOS_MCP_PROTECT pattern %q): %s is refused for it, whoever asks", t.protected(s), p.action)
	case errors.As(err, &wa):
		it.Plan, it.Reason = planRefused, fmt.Sprintf("%s; use %s (or power_servers with action %s)", wa.Reason(), wa.Use+"_server", wa.Use)
	case p.action.AlreadyDone(s):
		it.Plan, it.Reason = planNoChange, "already "+s.VMState
	case s.Busy():
		it.Reason = "another request on it is pending; a pending " + string(p.action) + " is followed, not sent again"
	}
	return it
}

func (t *toolset) protected(s cloud.Server) string {
	pattern, _ := t.Guard.Protected(s)
	return pattern
}

// unsupported refuses a plan in which the action fits none of the servers.
func (p setPlan) unsupported() error {
	if slices.ContainsFunc(p.items, func(it planned) bool { return it.Plan != planRefused }) {
		return nil
	}
	var reasons []string
	for _, it := range p.items[:min(len(p.items), 3)] {
		reasons = append(reasons, it.Server+": "+it.Reason)
	}
	return &refusal{fmt.Sprintf("%s applies to none of the %d selected servers (%s). Nothing was sent", p.sel.spec.action, len(p.items), strings.Join(reasons, "; "))}
}

// counts counts the plan and, once run, its results.
func (p setPlan) counts() SetCounts {
	c := SetCounts{Selected: len(p.items)}
	for _, it := range p.items {
		switch it.Plan {
		case planAct:
			c.Act++
		case planNoChange:
			c.NoChange++
		case planRefused:
			c.Refused++
		}
		switch it.Status {
		case cloud.StatusDone:
			c.Done++
		case cloud.StatusFailed, statusError:
			c.Failed++
		case cloud.StatusQueued, cloud.StatusRunning:
			c.Running++
		case statusChanged:
			c.Changed++
		case statusNotSent:
			c.NotSent++
		}
	}
	return c
}

// output is the plan as power_servers shows it.
func (p setPlan) output() SetOutput {
	out := SetOutput{Action: string(p.sel.spec.action), Counts: p.counts(), Selection: p.sel.echo(), OneAtATime: p.sel.oneAtATime,
		Billing: p.billing(), APIRequests: p.requests(), Servers: make([]SetItem, len(p.items))}
	for i, it := range p.items {
		out.Servers[i] = it.SetItem
	}
	return out
}

// headline says what the plan does, in one sentence.
func (p setPlan) headline() string {
	c := p.counts()
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s %d of the %d selected servers", p.sel.spec.action, c.Act, c.Selected)
	if c.NoChange > 0 {
		fmt.Fprintf(&b, "; %d already %s (no change)", c.NoChange, p.sel.spec.action.Target())
	}
	if c.Refused > 0 {
		fmt.Fprintf(&b, "; %d refused (see each reason)", c.Refused)
	}
	if p.sel.oneAtATime {
		b.WriteString("; one at a time, each reaching its state before the next")
	}
	b.WriteString(".")
	return b.String()
}

// billing says what the planned actions change on the bill.
func (p setPlan) billing() SetBilling {
	var n, cores, ram int
	for _, it := range p.items {
		if it.Plan == planAct {
			n, cores, ram = n+1, cores+it.Cores, ram+it.RAM
		}
	}
	switch p.sel.spec.action {
	case cloud.Stop:
		return SetBilling{Change: fmt.Sprintf("cores and RAM of %d servers stop being billed", n), Cores: cores, RAMMB: ram,
			StaysBilled: "their volumes, snapshots and reserved IP addresses; public IPv4 addresses that are not reserved are released"}
	case cloud.Start:
		return SetBilling{Change: fmt.Sprintf("cores and RAM of %d servers are billed again", n), Cores: cores, RAMMB: ram,
			StaysBilled: "their volumes, snapshots and reserved IP addresses, as before"}
	case cloud.Suspend:
		return SetBilling{Change: "nothing: a suspended CUBE or GPU server keeps its resources reserved", StaysBilled: "everything: cores, RAM and storage"}
	case cloud.Resume:
		return SetBilling{Change: "nothing: a suspended CUBE or GPU server was billed all along", StaysBilled: "everything, as before"}
	}
	return SetBilling{Change: "nothing: a reboot keeps the server running", StaysBilled: "everything, as before"}
}

// requests estimates the API requests of running the plan.
func (p setPlan) requests() SetRequests {
	dcs := map[string]bool{}
	act := 0
	for _, it := range p.items {
		if it.Plan == planAct {
			act++
			dcs[it.DatacenterID] = true
		}
	}
	r := SetRequests{Writes: act, PerRound: 1 + len(dcs),
		Note: "a wait round reads the request list (one page of up to 1000) and the server lists of the data centers with actions that ended; rounds come every 0.25 s to 2 s. " +
			"A server busy with another request costs one more read. The API's rate limit paces all of it; a 429 is waited out, never passed on"}
	if p.sel.spec.confirm {
		r.Before = len(dcs)
	}
	return r
}

// The plans that wait for a person's decision are kept in the shared
// state, so that the replica that receives the decision finds the plan
// the person saw; the decision binds its id and its digest, so that a plan
// altered in the store is refused.

// planKeep is how long a plan outlives the confirmations minted for it.
const planKeep = time.Minute

// storedPlan is a plan as it is kept.
type storedPlan struct {
	Action     string    `json:"action"`
	Selection  string    `json:"selection"` // its digest
	OneAtATime bool      `json:"oneAtATime,omitempty"`
	Timeout    int       `json:"timeoutSeconds,omitempty"` // the plan call's, for a decision taken in the view
	Items      []planned `json:"items"`
}

func (p setPlan) stored() ([]byte, string) {
	b, _ := json.Marshal(storedPlan{Action: string(p.sel.spec.action), Selection: p.sel.digest(), OneAtATime: p.sel.oneAtATime,
		Timeout: int(p.sel.timeout / time.Second), Items: p.items})
	h := sha256.Sum256(b)
	return b, hex.EncodeToString(h[:])
}

// keepPlan stores p for the decision and returns its id and digest.
func (t *toolset) keepPlan(ctx context.Context, p setPlan) (id, digest string, err error) {
	b, digest := p.stored()
	raw := make([]byte, 18)
	_, _ = rand.Read(raw) // crypto/rand never fails on supported platforms
	id = "plan-" + base64.RawURLEncoding.EncodeToString(raw)
	if err := t.plans.Put(ctx, "setplan:"+id, b, t.Signer.TTL()+planKeep); err != nil {
		return "", "", &refusal{fmt.Sprintf("the plan could not be kept for the decision (%v). Nothing was sent. Retry in a moment; "+
			"if this persists, the operator must bring back the shared state store of this hosted server (IONOS_MCP_REDIS_URL)", err)}
	}
	return id, digest, nil
}

// errPlanGone is a decision whose plan is not (or no longer) kept.
var errPlanGone = errors.New("plan not found")

// loadPlan reads back a kept plan and its digest.
func (t *toolset) loadPlan(ctx context.Context, id string) (storedPlan, string, error) {
	b, found, err := t.plans.Get(ctx, "setplan:"+id)
	if err != nil {
		return storedPlan{}, "", &refusal{fmt.Sprintf("the planned set cannot be read from the shared state store (%v). Nothing was sent. "+
			"The decision stays valid until it expires: retry the same call in a moment", err)}
	}
	if !found {
		return storedPlan{}, "", errPlanGone
	}
	var sp storedPlan
	if err := json.Unmarshal(b, &sp); err != nil {
		return storedPlan{}, "", errPlanGone
	}
	h := sha256.Sum256(b)
	return sp, hex.EncodeToString(h[:]), nil
}

// ask is what the person decides on a planned set.
func (p setPlan) ask(req *mcp.CallToolRequest, id, digest string) ask {
	c := p.counts()
	act := p.sel.spec.action
	return ask{
		tool: setToolName, action: act,
		what:    fmt.Sprintf("the %s of %d servers", act, c.Act),
		title:   fmt.Sprintf("%s these %d servers", capitalize(string(act)), c.Act),
		message: p.preview(),
		bound:   "exactly the planned servers, each in the state the plan shows",
		claims:  confirm.Claims{Tool: setToolName, Server: id, Etag: digest, Caller: callerOf(req)},
		offer:   func(grant string, exp time.Time) any { return p.offer(id, grant, exp) },
	}
}

// previewLines bounds the servers a prompt lists one by one.
const previewLines = 25

// preview tells the person what the set action does.
func (p setPlan) preview() string {
	var b strings.Builder
	c := p.counts()
	fmt.Fprintf(&b, "%s these %d servers?", capitalize(string(p.sel.spec.action)), c.Act)
	n := 0
	for _, it := range p.items {
		if it.Plan != planAct {
			continue
		}
		if n++; n > previewLines {
			fmt.Fprintf(&b, "\n… and %d more (the full list is in the result)", c.Act-previewLines)
			break
		}
		fmt.Fprintf(&b, "\n- %s in %q (%s, %s)", it.Server, it.Datacenter, orText(it.Type, "unknown type"), orText(it.VMState, "unknown state"))
	}
	switch {
	case c.NoChange > 0 && c.Refused > 0:
		fmt.Fprintf(&b, "\nLeft alone: %d already %s, %d refused.", c.NoChange, p.sel.spec.action.Target(), c.Refused)
	case c.NoChange > 0:
		fmt.Fprintf(&b, "\nLeft alone: %d already %s.", c.NoChange, p.sel.spec.action.Target())
	case c.Refused > 0:
		fmt.Fprintf(&b, "\nLeft alone: %d refused (the result says why).", c.Refused)
	}
	bill := p.billing()
	fmt.Fprintf(&b, "\n%s", strings.TrimSpace(consequences(p.sel.spec.action)+" Billing: "+bill.Change+"; stays billed: "+bill.StaysBilled+"."))
	if p.sel.oneAtATime {
		b.WriteString(" One at a time: each server reaches its state before the next is sent; the first failure stops the rest.")
	}
	b.WriteString(" A server that changes before the decision is left out.")
	return b.String()
}
