package cloud

import (
	"context"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/waiting"
)

// Expect describes what a wait waits for, so that it can use what the
// waits of the same kind took before. The zero Expect learns nothing and
// uses plain backoff.
type Expect struct {
	Action     Action
	ServerType string
	// Since is when the API accepted the action (the POST answered). Both
	// phases are measured from it: the server's new state comes a moment
	// after DONE, and measuring it from when DONE was seen would add the
	// lateness of that poll to what is learned.
	Since time.Time
}

// WaitRequest polls a request until it is DONE or FAILED, or ctx ends.
// onPoll, when set, sees every status read. When ctx ends first, the last
// status read is returned with ctx's error, so that the caller can tell the
// agent how to resume.
func (c *Client) WaitRequest(ctx context.Context, id string, onPoll func(RequestStatus)) (RequestStatus, error) {
	return c.WaitRequestFor(ctx, id, Expect{}, onPoll)
}

// WaitRequestFor is WaitRequest for a request whose kind is known: it polls
// around the time such requests took before (see internal/cloud/waiting),
// and teaches the process how long this one took.
func (c *Client) WaitRequestFor(ctx context.Context, id string, exp Expect, onPoll func(RequestStatus)) (RequestStatus, error) {
	last := RequestStatus{RequestID: id, Status: StatusQueued}
	w := c.newWait(exp, waiting.Request)
	return waiting.Until(ctx, w, last,
		func(ctx context.Context) (RequestStatus, error) { return c.RequestStatus(ctx, id) },
		func(st RequestStatus) (finished, succeeded bool) { return st.Finished(), st.Status == StatusDone },
		onPoll)
}

// WaitServer polls a server until it reached vmState target and no request
// is pending on it, or ctx ends. A request can be DONE a moment before the
// server shows its new state, so a write waits for both.
func (c *Client) WaitServer(ctx context.Context, s Server, target string, onPoll func(Server)) (Server, error) {
	return c.WaitServerFor(ctx, s, target, Expect{}, onPoll)
}

// WaitServerFor is WaitServer after a request of a known kind (exp as
// given to WaitRequestFor).
func (c *Client) WaitServerFor(ctx context.Context, s Server, target string, exp Expect, onPoll func(Server)) (Server, error) {
	if s.VMState == target && !s.Busy() {
		return s, nil
	}
	dc := Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}
	w := c.newWait(exp, waiting.Settle)
	return waiting.Until(ctx, w, s,
		func(ctx context.Context) (Server, error) {
			got, _, err := c.GetServer(ctx, dc, s.ID, 0)
			return got, err
		},
		func(got Server) (finished, succeeded bool) {
			done := got.VMState == target && !got.Busy()
			return done, done
		},
		onPoll)
}

// ExpectedDuration is what this process learned a wait of this kind takes,
// measured from Expect.Since; ok is false while nothing is known.
func (c *Client) ExpectedDuration(a Action, serverType string, settle bool) (d time.Duration, ok bool) {
	ph := waiting.Request
	if settle {
		ph = waiting.Settle
	}
	return c.learner.Expected(c.waitKey(a, serverType, ph))
}

func (c *Client) newWait(exp Expect, ph waiting.Phase) waiting.Wait {
	return waiting.NewWait(c.poll, c.learner, c.waitKey(exp.Action, exp.ServerType, ph), exp.Since)
}

// waitKey names a kind of wait for the learner: durations depend on the
// API, the action, the server type and the phase.
func (c *Client) waitKey(a Action, serverType string, ph waiting.Phase) waiting.Key {
	return waiting.Key{API: c.base.String(), Action: string(a), ServerType: serverType, Phase: ph}
}
