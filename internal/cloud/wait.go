package cloud

import (
	"context"
	"errors"
	"net"
	"time"
)

// Poll paces the status polls of a wait: quick at first, because many
// requests finish within a second or two, then backing off to a ceiling so
// that long requests cost few API calls.
type Poll struct {
	First time.Duration // delay before the first poll (after the write)
	Max   time.Duration // ceiling of the delay between polls
}

// DefaultPoll suits the real API: 250ms, then ×1.6 up to 2s.
var DefaultPoll = Poll{First: 250 * time.Millisecond, Max: 2 * time.Second}

func (p Poll) next(prev time.Duration) time.Duration {
	if prev <= 0 {
		return p.First
	}
	d := prev * 8 / 5
	if d > p.Max {
		d = p.Max
	}
	return d
}

// WaitRequest polls a request until it is DONE or FAILED, or ctx ends.
// onPoll, when set, sees every status read. When ctx ends first, the last
// status read is returned with ctx's error, so that the caller can tell the
// agent how to resume.
func (c *Client) WaitRequest(ctx context.Context, id string, onPoll func(RequestStatus)) (RequestStatus, error) {
	last := RequestStatus{RequestID: id, Status: StatusQueued}
	var delay time.Duration
	for {
		delay = c.poll.next(delay)
		if err := c.pause(ctx, delay); err != nil {
			return last, err
		}
		st, err := c.RequestStatus(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			if wait, ok := transient(err); ok {
				delay = max(delay, wait)
				continue
			}
			return last, err
		}
		last = st
		if onPoll != nil {
			onPoll(st)
		}
		if st.Finished() {
			return st, nil
		}
	}
}

// WaitServer polls a server until it reached vmState target and no request
// is pending on it, or ctx ends. A request can be DONE a moment before the
// server shows its new state, so a write waits for both.
func (c *Client) WaitServer(ctx context.Context, s Server, target string, onPoll func(Server)) (Server, error) {
	if s.VMState == target && !s.Busy() {
		return s, nil
	}
	dc := Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}
	var delay time.Duration
	for {
		delay = c.poll.next(delay)
		if err := c.pause(ctx, delay); err != nil {
			return s, err
		}
		got, _, err := c.GetServer(ctx, dc, s.ID, 0)
		if err != nil {
			if ctx.Err() != nil {
				return s, ctx.Err()
			}
			if wait, ok := transient(err); ok {
				delay = max(delay, wait)
				continue
			}
			return s, err
		}
		s = got
		if onPoll != nil {
			onPoll(s)
		}
		if s.VMState == target && !s.Busy() {
			return s, nil
		}
	}
}

// pause sleeps for d or until ctx ends.
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transient reports whether a failed poll is worth repeating, and how long
// the API asked to wait first.
func transient(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case 429, 500, 502, 503, 504:
			return ae.RetryAfter, true
		}
		return 0, false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return 0, true
	}
	return 0, errors.Is(err, context.DeadlineExceeded)
}
