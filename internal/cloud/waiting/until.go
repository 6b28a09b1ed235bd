package waiting

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
)

// Wait is one wait's schedule and what it may learn from.
type Wait struct {
	sched   schedule
	key     Key
	learn   bool
	since   time.Time
	learner *Learner
}

// NewWait begins a wait of kind k, paced by p. When the kind is known (an
// action, and since, when the API accepted it), the wait polls around what
// l learned such waits take, and teaches l what this one took; otherwise
// it backs off from now and learns nothing.
func NewWait(p Poll, l *Learner, k Key, since time.Time) Wait {
	w := Wait{sched: schedule{poll: p, early: k.Phase == Request}, since: time.Now(), learner: l}
	if k.Action == "" || since.IsZero() {
		return w
	}
	w.key, w.learn, w.since = k, true, since
	w.sched.est, w.sched.known = l.lookup(k)
	return w
}

// minFinalPoll is the least time worth moving a last poll into before
// the deadline; with less left, the wait just ends with the deadline.
const minFinalPoll = 20 * time.Millisecond

// Until polls read until done says the awaited state holds, ctx ends,
// or read fails with an error that is not transient.
func Until[T any](ctx context.Context, w Wait, last T, read func(context.Context) (T, error), done func(T) (finished, succeeded bool), onPoll func(T)) (T, error) {
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
		if err := transport.Sleep(ctx, delay); err != nil {
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
func (w Wait) censored(sawNotYet bool, notYet time.Duration) {
	if !w.learn || !sawNotYet || !w.sched.known || notYet <= w.sched.est.mean {
		return
	}
	w.learner.observe(w.key, notYet, notYet)
}

// transient reports whether a failed poll is worth repeating, and how long
// the API asked to wait first.
func transient(err error) (time.Duration, bool) {
	var ae *apierror.Error
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
