package transport

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
)

// Backoff paces retried reads: exponential from Base, with full jitter,
// capped at Max. A Retry-After from the API overrides it, in full.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff suits the real API.
var DefaultBackoff = Backoff{Base: 200 * time.Millisecond, Max: 10 * time.Second}

// Retry returns next behind the retry policy of reads, paced by b.
func Retry(next http.RoundTripper, b Backoff) http.RoundTripper {
	return retrying{next: next, backoff: b}
}

// retrying replaces sdk-go's retries (three attempts 100 ms apart, with any
// Retry-After cut to 2 s) with one policy:
//
//   - reads (GET) are retried on 429, 502, 503, 504 and on connection
//     failures, with exponential backoff and jitter, honouring Retry-After
//     in full, for as long as the request's deadline allows;
//   - writes are never re-sent here: a POST whose outcome is unknown is
//     reconciled by the caller, which looks for the request it may have
//     created (see internal/cloud/reconcile).
//
// When the next wait would end past the deadline, the last answer is
// returned at once, so that the caller can say when to retry.
type retrying struct {
	next    http.RoundTripper
	backoff Backoff
}

func (rt retrying) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return rt.next.RoundTrip(r)
	}
	ctx := r.Context()
	for attempt := 0; ; attempt++ {
		resp, err := rt.next.RoundTrip(r)
		wait, again := rt.retryable(resp, err, attempt)
		if !again || !fits(ctx, wait) {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := Sleep(ctx, wait); err != nil {
			return nil, err
		}
		countRetry(ctx)
	}
}

// Attempt limits: enough to ride out a blip or a rate-limit window, few
// enough that an API that is down, or an address where nothing listens,
// gets a clear error in seconds rather than at the end of the deadline.
const (
	maxAttempts     = 6
	maxDialAttempts = 2
)

// retryable decides whether an answer is worth another attempt, and after
// how long.
func (rt retrying) retryable(resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt+1 >= maxAttempts {
		return 0, false
	}
	if err != nil {
		if NotSent(err) {
			return rt.backoff.delay(attempt), attempt+1 < maxDialAttempts
		}
		return rt.backoff.delay(attempt), connectionFailure(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if ra := apierror.RetryAfter(resp.Header); ra > 0 {
			return ra, true
		}
		return rt.backoff.delay(attempt), true
	}
	return 0, false
}

func (b Backoff) delay(attempt int) time.Duration {
	d := b.Base << min(attempt, 20)
	if d <= 0 || d > b.Max {
		d = b.Max
	}
	return time.Duration(rand.Int64N(int64(d)) + 1) //nolint:gosec // G404: full jitter spreads callers that failed together; it guards nothing
}

// connectionFailure reports whether a transport error is worth retrying
// for a read: the connection failed or broke, but the context is alive.
func connectionFailure(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// NotSent reports whether a transport error happened before the request
// left: no connection could be made.
func NotSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}

// fits reports whether waiting d still leaves the request inside its deadline.
func fits(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// Sleep waits d, or until ctx ends, and returns ctx.Err() then. The
// client's packages that wait (retries, polls, the lost-write search) share it.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
