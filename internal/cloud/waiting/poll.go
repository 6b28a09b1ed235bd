package waiting

import "time"

// Adaptive polling. A wait for a power action has two phases: the request
// runs until DONE or FAILED, then the server takes a moment more to show
// its new vmState. Plain backoff must choose between many polls and a late
// answer: to see a 20 s request within 300 ms it would poll every 300 ms.
// Instead, every completed wait teaches the process how long that kind of
// wait took (per API, action, server type and phase), and the next wait of
// the same kind sleeps until shortly before the expected end, then polls
// quickly through a window around it, then falls back to backoff if the
// end has not come (a long tail costs few polls, and moves the estimate).
//
// Nothing known: quick first (Poll.First), then ×1.6 up to Poll.Max.
// Known: one early poll at Poll.First for the request phase (a request can
// fail at once), then a single sleep to the window's start, polls every
// step through the window (step = window/8, within [First/5, First]), then
// backoff (×1.6 from at least First/2, up to Max). The window is mean ± (the last sample's bracket + 2
// deviations), at least First/2 either side: real durations vary, and the
// window widens as they do.
//
// Every wait honours Retry-After (a transient error waits at least that
// long before the next poll) and its deadline: a poll that would come after
// it is moved to just before it, so that the last status is fresh (see
// Until).

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

// schedule decides when the next poll of one wait is due.
type schedule struct {
	poll  Poll
	est   estimate
	known bool
	early bool // poll once at Poll.First even when the end is known to be far
}

// window returns the start and end of the polling window and the step
// within it, measured from the start of the wait.
func (s schedule) window() (from, to, step time.Duration) {
	h := s.est.half + 2*s.est.dev
	h = max(h, s.poll.First/2)
	h = min(h, max(s.est.mean/2, s.poll.First/2))
	step = min(max(2*h/8, s.poll.First/5), s.poll.First)
	return s.est.mean - h, s.est.mean + h, step
}

// next returns the delay until the next poll, given the time elapsed since
// the wait began, the previous delay (0 before the first poll) and the
// number of polls made.
func (s schedule) next(elapsed, prev time.Duration, polls int) time.Duration {
	if !s.known {
		return s.poll.next(prev)
	}
	from, to, step := s.window()
	switch {
	case polls == 0 && s.early && from > elapsed+4*s.poll.First:
		return s.poll.First
	case elapsed < from:
		return from - elapsed
	case elapsed < to:
		return step
	default:
		// Past the window: the end is late, and the estimate says no more
		// about when it comes. Back off, from half the first delay at least.
		d := max(prev, step, s.poll.First/2) * 8 / 5
		return min(d, s.poll.Max)
	}
}
