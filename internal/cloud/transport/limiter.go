package transport

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
)

// Limit returns next behind a limiter of its own: give each caller one.
func Limit(next http.RoundTripper) http.RoundTripper { return &limiter{next: next} }

// Budget is a rate budget that several processes draw from: the replicas
// of a hosted server that use one IONOS account share the account's limit.
type Budget interface {
	Allow(ctx context.Context, key string, l sharedstate.Limit, n int) (sharedstate.Decision, error)
	Hold(ctx context.Context, key string, d time.Duration) error
	Held(ctx context.Context, key string) (time.Duration, error)
}

// LimitShared is Limit with the bucket and the pause after a 429 kept in b
// under account, so that every process using the account paces as one.
// The API's limits are still learned from its headers by each process.
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
}

func (l *limiter) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := l.wait(r.Context()); err != nil {
		return nil, err
	}
	resp, err := l.next.RoundTrip(r)
	if err == nil {
		l.observe(r.Context(), resp, time.Now())
	}
	return resp, err
}

// wait holds a request until the bucket has room for it. Waiting that
// would overrun the deadline is skipped: the request goes out and the API
// answers (a 429 says when to come back).
func (l *limiter) wait(ctx context.Context) error {
	if l.budget == nil {
		wait := l.reserve(time.Now())
		if wait <= 0 || !fits(ctx, wait) {
			return nil
		}
		return Sleep(ctx, wait)
	}
	for {
		wait := l.sharedDelay(ctx)
		if wait <= 0 || !fits(ctx, wait) {
			return nil
		}
		if err := Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// sharedDelay takes one request from the shared bucket, or says how long
// until it can. A pause after a 429 comes first, and takes nothing.
func (l *limiter) sharedDelay(ctx context.Context) time.Duration {
	if held, err := l.budget.Held(ctx, l.account+":pause"); err == nil && held > 0 {
		return held
	}
	l.mu.Lock()
	known, lim := l.known, sharedstate.Limit{PerSecond: l.perSec, Burst: int(l.burst)}
	l.mu.Unlock()
	if !known || lim.PerSecond <= 0 || lim.Burst < 1 {
		return 0
	}
	d, err := l.budget.Allow(ctx, l.account, lim, 1)
	if err != nil || d.Allowed || d.RetryAfter < 0 {
		return 0
	}
	return d.RetryAfter
}

// reserve takes one request from the bucket and says how long to wait for it.
func (l *limiter) reserve(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	block := l.blocked.Sub(now)
	if !l.known || l.perSec <= 0 {
		return max(block, 0)
	}
	l.tokens = min(l.burst, l.tokens+l.perSec*now.Sub(l.last).Seconds())
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return max(block, 0)
	}
	return max(block, time.Duration(-l.tokens/l.perSec*float64(time.Second)))
}

// observe adopts what an answer says about the bucket.
func (l *limiter) observe(ctx context.Context, resp *http.Response, now time.Time) {
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
	if rerr != nil || limit <= 0 || burst <= 0 {
		return
	}
	l.known, l.perSec, l.burst, l.last = true, float64(limit)/60, float64(burst), now
	l.tokens = min(float64(remaining), l.burst)
}
