package transport

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
)

// Limit returns next behind a limiter of its own: give each caller one.
func Limit(next http.RoundTripper) http.RoundTripper { return &limiter{next: next} }

// Budget is what the processes that use one IONOS account share about
// its rate limit: the pause a 429 asks for. The room left needs no sharing:
// the API reports it to every process in the headers of every answer, and
// each process's bucket mirrors them. A pause does need it: without it,
// every replica would draw its own 429 before it waited.
type Budget interface {
	Hold(ctx context.Context, key string, d time.Duration) error
	Held(ctx context.Context, key string) (time.Duration, error)
}

// LimitShared is Limit with the pause after a 429 kept in b under account,
// so that every process using the account waits it out together.
func LimitShared(next http.RoundTripper, b Budget, account string) http.RoundTripper {
	return &limiter{next: next, budget: b, account: account}
}

// limiter paces the requests of one caller so that a burst of tool calls
// slows down instead of drawing 429s. It mirrors the API's own token bucket
// from the headers of every answer: X-RateLimit-Remaining is how many
// requests can still be made now, X-RateLimit-Limit how many per minute
// refill it, X-RateLimit-Burst its size. While the API reports room, calls
// go out at once; when the bucket runs dry, each call waits for its refill.
// After a 429, every call of the caller waits out the Retry-After.
type limiter struct {
	next    http.RoundTripper
	budget  Budget // nil: this process alone uses the account
	account string

	mu      sync.Mutex
	known   bool      // headers seen
	tokens  float64   // estimated requests available now
	perSec  float64   // refill rate
	burst   float64   // bucket size
	last    time.Time // when tokens was estimated
	blocked time.Time // no request before this time
	// An answer's X-RateLimit-Remaining may not count the other requests
	// in flight (the API can take them in any order), so they are taken off
	// it; and an answer to a request older than the one whose answer the
	// bucket mirrors is stale and only its 429 counts. Without that, writes
	// sent a few at a time overrun the bucket.
	inflight int    // requests reserved and not yet answered
	reserved uint64 // the number of the last request reserved
	adopted  uint64 // the number of the request whose answer the bucket mirrors
}

func (l *limiter) RoundTrip(r *http.Request) (*http.Response, error) {
	seq, err := l.wait(r.Context())
	if err != nil {
		l.done()
		return nil, err
	}
	resp, err := l.next.RoundTrip(r)
	l.done()
	if err == nil {
		l.observe(r.Context(), resp, seq, time.Now())
	}
	return resp, err
}

// done ends a request that reserve counted in flight.
func (l *limiter) done() {
	l.mu.Lock()
	l.inflight--
	l.mu.Unlock()
}

// wait holds a request until the bucket has room for it and any pause
// that another process sharing the account learned from a 429 is over.
// Waiting that would overrun the deadline is skipped: the request goes out
// and the API answers (a 429 says when to come back).
func (l *limiter) wait(ctx context.Context) (uint64, error) {
	wait, seq := l.reserve(time.Now())
	if l.budget != nil {
		if held, err := l.budget.Held(ctx, l.account+":pause"); err == nil {
			wait = max(wait, held)
		}
	}
	if wait <= 0 || !fits(ctx, wait) {
		return seq, nil
	}
	return seq, Sleep(ctx, wait)
}

// reserve takes one request from the bucket and says how long to wait for
// it, and the request's number.
func (l *limiter) reserve(now time.Time) (time.Duration, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reserved++
	l.inflight++
	seq := l.reserved
	block := l.blocked.Sub(now)
	if !l.known || l.perSec <= 0 {
		return max(block, 0), seq
	}
	l.tokens = min(l.burst, l.tokens+l.perSec*now.Sub(l.last).Seconds())
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return max(block, 0), seq
	}
	return max(block, time.Duration(-l.tokens/l.perSec*float64(time.Second))), seq
}

// observe adopts what the answer to request seq says about the bucket.
func (l *limiter) observe(ctx context.Context, resp *http.Response, seq uint64, now time.Time) {
	if l.budget != nil && resp.StatusCode == http.StatusTooManyRequests {
		if ra := apierror.RetryAfter(resp.Header); ra > 0 {
			_ = l.budget.Hold(context.WithoutCancel(ctx), l.account+":pause", ra)
		}
	}
	remaining, rerr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	limit, _ := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	burst, _ := strconv.Atoi(resp.Header.Get("X-RateLimit-Burst"))
	l.mu.Lock()
	defer l.mu.Unlock()
	if resp.StatusCode == http.StatusTooManyRequests {
		if ra := apierror.RetryAfter(resp.Header); ra > 0 && now.Add(ra).After(l.blocked) {
			l.blocked = now.Add(ra)
		}
	}
	if rerr != nil || limit <= 0 || burst <= 0 || seq < l.adopted {
		return
	}
	l.adopted = seq
	l.known, l.perSec, l.burst, l.last = true, float64(limit)/60, float64(burst), now
	l.tokens = min(float64(remaining), l.burst) - float64(l.inflight)
}
