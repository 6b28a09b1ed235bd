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
	return c.WaitRequestFor(ctx, id, Expect{}, onPoll)
}

// WaitRequestFor is WaitRequest for a request whose kind is known: it polls
// around the time such requests took before (see poll.go), and teaches the
// process how long this one took.
func (c *Client) WaitRequestFor(ctx context.Context, id string, exp Expect, onPoll func(RequestStatus)) (RequestStatus, error) {
	last := RequestStatus{RequestID: id, Status: StatusQueued}
	w := c.newWait(exp, phaseRequest)
	return waitUntil(ctx, w, last,
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
	w := c.newWait(exp, phaseSettle)
	return waitUntil(ctx, w, s,
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

// wait is one wait's schedule and what it may learn from.
type wait struct {
	sched   schedule
	key     durationKey
	learn   bool
	since   time.Time
	learner *Learner
}

func (c *Client) newWait(exp Expect, ph waitPhase) wait {
	w := wait{sched: schedule{poll: c.poll, early: ph == phaseRequest}, since: time.Now(), learner: c.learner}
	if !exp.known() {
		return w
	}
	w.key = durationKey{api: c.base.String(), action: exp.Action, serverType: exp.ServerType, phase: ph}
	w.learn, w.since = true, exp.Since
	w.sched.est, w.sched.known = w.learner.lookup(w.key)
	return w
}

// minFinalPoll is the least time worth moving a last poll into before
// the deadline; with less left, the wait just ends with the deadline.
const minFinalPoll = 20 * time.Millisecond

// waitUntil polls read until done says the awaited state holds, ctx ends,
// or read fails with an error that is not transient.
func waitUntil[T any](ctx context.Context, w wait, last T, read func(context.Context) (T, error), done func(T) (finished, succeeded bool), onPoll func(T)) (T, error) {
	var (
		delay, rtt   time.Duration
		polls        int
		sawNotYet    bool
		retryAtLeast time.Duration
		// notYet is the elapsed time before which the awaited state did not
		// hold: when the last poll that saw it unfinished was sent, or, until
		// one has, when this wait began (a server shows its new state only
		// after the request that this wait follows was seen DONE).
		notYet = time.Since(w.since)
	)
	for {
		elapsed := time.Since(w.since)
		delay = w.sched.next(elapsed, delay, polls)
		final := false
		if dl, ok := ctx.Deadline(); ok {
			// The last poll goes out just before the deadline, early enough
			// for its answer to arrive in time; but never sooner than the
			// API asked (Retry-After), and not at all when too little is left.
			left := time.Until(dl) - max(2*rtt, minFinalPoll)
			if max(delay, retryAtLeast) >= left {
				if left < minFinalPoll || retryAtLeast >= left {
					<-ctx.Done()
					w.censored(sawNotYet, notYet)
					return last, ctx.Err()
				}
				delay, final = left, true
			}
		}
		delay = max(delay, retryAtLeast)
		retryAtLeast = 0
		if err := sleepCtx(ctx, delay); err != nil {
			w.censored(sawNotYet, notYet)
			return last, err
		}
		sent := time.Now()
		v, err := read(ctx)
		rtt = time.Since(sent)
		polls++
		if err != nil {
			if ctx.Err() != nil {
				w.censored(sawNotYet, notYet)
				return last, ctx.Err()
			}
			wait, ok := transient(err)
			if !ok {
				return last, err
			}
			retryAtLeast = wait
			continue
		}
		last = v
		if onPoll != nil {
			onPoll(v)
		}
		finished, succeeded := done(v)
		if finished {
			if succeeded && w.learn {
				w.learner.observe(w.key, max(notYet, 0), time.Since(w.since))
			}
			return v, nil
		}
		notYet, sawNotYet = sent.Sub(w.since), true
		if final {
			<-ctx.Done()
			w.censored(sawNotYet, notYet)
			return last, ctx.Err()
		}
	}
}

// censored records what a wait that ran out learned: the end was later
// than the last poll that saw it unfinished. Only an estimate that is
// already exceeded moves (towards the longer duration).
func (w wait) censored(sawNotYet bool, notYet time.Duration) {
	if !w.learn || !sawNotYet || !w.sched.known || notYet <= w.sched.est.mean {
		return
	}
	w.learner.observe(w.key, notYet, notYet)
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
