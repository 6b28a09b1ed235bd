package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/sync/errgroup"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
)

// setInFlight bounds the writes of one set in flight at once. The client's
// limiter paces them to the API's rate limit whatever this is; the bound
// keeps one set from holding every connection of the process.
const setInFlight = 4

// askForSet keeps the plan and asks the person, or runs it when the
// policy asks nobody.
func (t *toolset) askForSet(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, p setPlan, ev *audit.Event) (*mcp.CallToolResult, SetOutput, error) {
	if t.Confirm == confirm.None {
		ev.Confirmation = "not-required"
		return t.runSet(ctx, req, c, p, ev)
	}
	id, digest, err := t.keepPlan(ctx, p)
	if err != nil {
		return nil, SetOutput{}, err
	}
	cf := t.decide(ctx, req, p.ask(req, id, digest), "", false)
	ev.Confirmation = cf.how
	return t.setVerdict(p, cf)
}

// setVerdict turns a confirmation that does not proceed into the result.
func (t *toolset) setVerdict(p setPlan, cf confirmation) (*mcp.CallToolResult, SetOutput, error) {
	if cf.err != nil {
		return nil, SetOutput{}, cf.err
	}
	if cf.res != nil && cf.res.InputRequests != nil {
		return cf.res, SetOutput{}, nil // the client asks the person, then calls again
	}
	out := p.output()
	out.Status, out.Token = cf.status, cf.token
	out.Message = p.headline() + " " + cf.message
	if cf.status == statusConfirm {
		out.Message = p.headline() + " " + p.preview() + "\n" + cf.message
		out.Expires = cf.expires.UTC().Format(time.RFC3339)
	}
	res := cf.res
	if text := t.setResult(out); res == nil {
		res = text
	} else if text != nil {
		res.Content = text.Content
	}
	return res, out, nil
}

// decisionRef is the sealed decision a call carries: the state of an
// elicitation being answered, or a confirmation token (then also token).
func decisionRef(req *mcp.CallToolRequest, in SetInput) (ref, token string, ok bool) {
	if _, answered := inputResponse(req); answered {
		return req.Params.RequestState, "", true
	}
	if in.ConfirmationToken != "" {
		return in.ConfirmationToken, in.ConfirmationToken, true
	}
	return "", "", false
}

// decidePlanned takes the decision a call carries on the plan it was made
// for. The planned servers are read again first, so that a failing read
// does not spend the decision; those that changed are left out.
func (t *toolset) decidePlanned(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, sel selection, ref, token string, ev *audit.Event) (*mcp.CallToolResult, SetOutput, error) {
	if !sel.spec.confirm {
		return nil, SetOutput{}, &refusal{fmt.Sprintf("%s needs no confirmation: call power_servers without confirmation_token. Nothing was sent", sel.spec.action)}
	}
	p, id, digest, err := t.plannedFor(ctx, sel, ref)
	if err != nil {
		ev.Confirmation = "refused"
		return nil, SetOutput{}, err
	}
	if err := t.recheck(ctx, c, &p); err != nil {
		return nil, SetOutput{}, err
	}
	cf := t.decide(ctx, req, p.ask(req, id, digest), token, false)
	ev.Confirmation = cf.how
	if !cf.proceed {
		return t.setVerdict(p, cf)
	}
	return t.runSet(ctx, req, c, p, ev)
}

// plannedFor finds the plan a sealed decision names, for this selection,
// with its id and digest.
func (t *toolset) plannedFor(ctx context.Context, sel selection, ref string) (p setPlan, id, digest string, err error) {
	id, err = t.Signer.Subject(ref)
	if err == nil && !strings.HasPrefix(id, "plan-") {
		err = confirm.ErrTarget
	}
	if err != nil {
		return setPlan{}, "", "", &refusal{fmt.Sprintf("confirmation refused: %v. Nothing was sent. Call power_servers again without confirmation_token for a fresh plan, and show it to the user", err)}
	}
	sp, digest, err := t.loadPlan(ctx, id)
	if err == nil && (sp.Action != string(sel.spec.action) || sp.Selection != sel.digest()) {
		err = errPlanGone
	}
	if errors.Is(err, errPlanGone) {
		return setPlan{}, "", "", &refusal{"the plan this confirmation was given for is not known here: it expired, or was made for another selection or action " +
			"(or, on a hosted server, by a replica that shares no state store with this one: IONOS_MCP_REDIS_URL). Nothing was sent. " +
			"Call power_servers again with the same selection and without confirmation_token for a fresh plan"}
	}
	if err != nil {
		return setPlan{}, "", "", err
	}
	return setPlan{sel: sel, items: sp.Items}, id, digest, nil
}

// recheck reads the planned servers again and leaves out those that
// changed since the plan: the person decided on the state the plan showed.
func (t *toolset) recheck(ctx context.Context, c *cloud.Client, p *setPlan) error {
	byDC := map[string][]int{}
	for i, it := range p.items {
		if it.Plan == planAct {
			byDC[it.DatacenterID] = append(byDC[it.DatacenterID], i)
		}
	}
	for dcID, idx := range byDC {
		servers, err := c.ListServers(ctx, cloud.Datacenter{ID: dcID, Name: p.items[idx[0]].Datacenter})
		if err != nil {
			return fmt.Errorf("reading the planned servers again, to check that none changed since the plan: %w. Nothing was sent, and the decision was not used: retry the same call in a moment", explain(err))
		}
		now := make(map[string]cloud.Server, len(servers))
		for _, s := range servers {
			now[s.ID] = s
		}
		for _, i := range idx {
			it := &p.items[i]
			s, ok := now[it.ServerID]
			switch {
			case !ok:
				it.Status, it.Message = statusChanged, "no longer exists; left out"
			case s.Etag != it.Etag:
				it.Status, it.VMState = statusChanged, s.VMState
				it.Message = fmt.Sprintf("changed after the plan (now %s, state %s): left out, nothing sent. Call power_servers again to plan it anew", s.VMState, orText(s.State, "unknown"))
			}
		}
	}
	return nil
}

// runSet sends the planned actions and follows them.
func (t *toolset) runSet(ctx context.Context, req *mcp.CallToolRequest, c *cloud.Client, p setPlan, ev *audit.Event) (*mcp.CallToolResult, SetOutput, error) {
	start := time.Now()
	notify := t.progress(ctx, req)
	var act []int
	for i, it := range p.items {
		if it.Plan == planAct && it.Status == "" {
			act = append(act, i)
		}
	}
	run := setRun{t: t, c: c, p: &p, ev: *ev, notify: notify, since: start}
	for i, it := range p.items {
		if it.Status == statusChanged {
			run.audit(i) // planned, and left out
		}
	}
	if p.sel.oneAtATime {
		run.rollout(ctx, act)
	} else {
		run.all(ctx, act)
	}
	out := p.output()
	out.Status, out.Message = p.outcome(time.Since(start))
	return t.setResult(out), out, nil
}

// setRun is one run of a plan.
type setRun struct {
	t      *toolset
	c      *cloud.Client
	p      *setPlan
	ev     audit.Event // the set's, copied into each server's line
	notify func(string)
	since  time.Time
	last   string // the last progress message, never sent twice
}

// all sends every action, a few at a time, then follows them together.
func (r *setRun) all(ctx context.Context, act []int) {
	g := errgroup.Group{}
	g.SetLimit(setInFlight)
	for _, i := range act {
		g.Go(func() error { r.send(ctx, i); return nil })
	}
	_ = g.Wait()
	r.follow(ctx, act)
}

// rollout acts on one server at a time; the first that does not reach its
// state stops the rest.
func (r *setRun) rollout(ctx context.Context, act []int) {
	for n, i := range act {
		r.progress(fmt.Sprintf("%s %d of %d: %s", r.p.sel.spec.action, n+1, len(act), r.p.items[i].Server))
		r.send(ctx, i)
		r.follow(ctx, []int{i})
		if it := r.p.items[i]; it.Status != cloud.StatusDone {
			for _, j := range act[n+1:] {
				r.p.items[j].Status = statusNotSent
				r.p.items[j].Message = fmt.Sprintf("not sent: the rollout stopped because %s ended %s", it.Server, it.Status)
				r.audit(j)
			}
			return
		}
	}
}

// send sends the action of one planned server, or follows the same
// action already pending on it.
func (r *setRun) send(ctx context.Context, i int) {
	it := &r.p.items[i]
	s := it.server()
	action := r.p.sel.spec.action
	if err := ctx.Err(); err != nil {
		it.Status, it.Message = statusNotSent, "not sent: the call ended first"
		r.audit(i)
		return
	}
	deadline, _ := ctx.Deadline()
	if time.Until(deadline) < minSendTime {
		it.Status, it.Message = statusNotSent, "not sent: timeout_seconds ran out first; call power_servers again to plan the rest"
		r.audit(i)
		return
	}
	if it.Busy {
		pending, found, err := r.c.PendingAction(ctx, s, action)
		if err != nil {
			it.Status, it.Message = statusNotSent, fmt.Sprintf("not sent: the server is BUSY and the request list could not be read to tell whether a %s is already pending (%v)", action, explain(err))
			r.audit(i)
			return
		}
		if found {
			it.Status, it.RequestID, it.Followed = pending.Status, pending.RequestID, true
			return
		}
	}
	// Once sent, a POST is not abandoned when the client goes away, only
	// at the deadline (as with the single tools).
	postCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	id, err := r.c.PowerAction(postCtx, s, action)
	if err != nil {
		it.Status, it.Message = statusError, r.t.explainWrite(postCtx, r.c, err, &powerCall{spec: r.p.sel.spec}).Error()
		r.audit(i)
		return
	}
	it.Status, it.RequestID = cloud.StatusQueued, id
}

// follow waits for the sent actions together and records how each ended.
func (r *setRun) follow(ctx context.Context, idx []int) {
	var ts []cloud.Tracked
	var at []int
	for _, i := range idx {
		if it := r.p.items[i]; it.RequestID != "" && (it.Status == cloud.StatusQueued || it.Status == cloud.StatusRunning) {
			ts = append(ts, cloud.Tracked{Server: it.server(), Action: r.p.sel.spec.action, RequestID: it.RequestID})
			at = append(at, i)
		}
	}
	if len(ts) == 0 {
		return
	}
	st, err := r.c.WaitAll(ctx, r.since, ts, func(st []cloud.Settled) {
		if len(idx) > 1 {
			done, failed := 0, 0
			for _, s := range st {
				if s.Reached {
					done++
				} else if s.Status == cloud.StatusFailed {
					failed++
				}
			}
			r.progress(fmt.Sprintf("%s: %d of %d done, %d failed", r.p.sel.spec.action, done, len(ts), failed))
		}
	})
	for n, i := range at {
		it := &r.p.items[i]
		if n < len(st) {
			r.settle(it, st[n], err)
		} else {
			r.unfinished(it, err)
		}
		r.audit(i)
	}
}

// settle records how one followed action ended.
func (r *setRun) settle(it *planned, s cloud.Settled, err error) {
	if s.Server.ID != "" {
		it.VMState = s.Server.VMState
	}
	switch {
	case s.Reached:
		it.Status, it.Message = cloud.StatusDone, ""
		if it.Followed {
			it.Message = fmt.Sprintf("a %s was already pending as request %s; it was followed and no second one sent", r.p.sel.spec.action, it.RequestID)
		}
	case s.Status == cloud.StatusFailed:
		it.Status = cloud.StatusFailed
		it.Message = fmt.Sprintf("the IONOS API reports the request FAILED: %s; the server was not %s", orText(s.Message, "no reason given"), r.p.sel.spec.action.PastTense())
	default:
		it.Status = s.Status
		if it.Status == cloud.StatusDone {
			it.Status = cloud.StatusRunning // DONE, but the server does not show its new state yet
		}
		r.unfinished(it, err)
	}
}

// unfinished says how to follow an action that did not end in time.
func (r *setRun) unfinished(it *planned, err error) {
	why := "timeout_seconds ran out"
	if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		why = fmt.Sprintf("following it failed (%v)", explain(err))
	}
	it.Message = fmt.Sprintf("accepted as request %s and still going when %s: follow it with get_request_status (request_id %s, wait=true), then check the server with get_server",
		it.RequestID, why, it.RequestID)
}

func (r *setRun) progress(msg string) {
	if msg == r.last {
		return
	}
	r.last = msg
	r.notify(msg)
}

func (r *setRun) audit(i int) {
	r.t.recordSetItem(r.ev, r.p.items[i].SetItem, time.Since(r.since))
}

// seconds says a duration the way a person reads it: 0.4 s, 12 s.
func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

// outcome is the status and message of a run.
func (p setPlan) outcome(took time.Duration) (string, string) {
	c := p.counts()
	act := p.sel.spec.action
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d planned servers %s in %s", c.Done, c.Act, act.PastTense(), seconds(took))
	var notes []string
	for _, n := range []struct {
		count int
		what  string
	}{
		{c.Failed, "failed"}, {c.Running, "still running (follow their requestId with get_request_status)"},
		{c.Changed, "changed after the plan and were left out"}, {c.NotSent, "not sent"},
		{c.NoChange, "already " + act.Target()}, {c.Refused, "refused"},
	} {
		if n.count > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", n.count, n.what))
		}
	}
	if len(notes) > 0 {
		b.WriteString("; " + strings.Join(notes, ", "))
	}
	b.WriteString(". Each server's result and request are listed.")
	switch {
	case c.Done == c.Act:
		return cloud.StatusDone, b.String()
	case c.Running > 0:
		return cloud.StatusRunning, b.String()
	case c.Done == 0 && c.Failed == 0:
		return statusNotSent, b.String()
	case c.Done == 0:
		return cloud.StatusFailed, b.String()
	}
	return statusPartial, b.String()
}
