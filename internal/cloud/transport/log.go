package transport

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
)

// RequestIDHeader is where a gateway in front of the API may name its own
// id for an HTTP request. The API's spec names none; the line carries it
// when it is there, as x_request_id.
const RequestIDHeader = "X-Request-Id"

// Log returns next logging each API request at debug level, one line
// each: method, path, status, duration, how many times it was retried,
// and for a write the id of the asynchronous request it created (from the
// Location header: the requestId the tools return and IONOS support asks
// for). It never logs a header of the request, its query or a body: those
// may hold the credentials or what the API returned.
func Log(next http.RoundTripper, log *slog.Logger) http.RoundTripper {
	return logging{next: next, log: log}
}

type logging struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (l logging) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	if !l.log.Enabled(ctx, slog.LevelDebug) {
		return l.next.RoundTrip(r)
	}
	retries := new(int)
	start := time.Now()
	resp, err := l.next.RoundTrip(r.WithContext(context.WithValue(ctx, retriesKey{}, retries)))
	l.log.LogAttrs(ctx, slog.LevelDebug, "api request", line(r, resp, err, time.Since(start), *retries)...)
	return resp, err
}

// line is what the log says of one request.
func line(r *http.Request, resp *http.Response, err error, took time.Duration, retries int) []slog.Attr {
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("status", statusOf(resp)),
		slog.Duration("duration", took),
		slog.Int("retries", retries),
	}
	if id := asyncRequestOf(resp); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	if id := headerIDOf(resp); id != "" {
		attrs = append(attrs, slog.String("x_request_id", id))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	return attrs
}

// retriesKey carries, in a request's context, the count that Retry adds
// to on each attempt after the first, for the log line.
type retriesKey struct{}

// countRetry adds one retry to the count of ctx, if it carries one. The
// retries of a request run in the goroutine that logs it, one after the
// other, so the count needs no lock.
func countRetry(ctx context.Context) {
	if n, ok := ctx.Value(retriesKey{}).(*int); ok {
		*n++
	}
}

// statusOf is the answer's status, or 0 when there was none.
func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// headerIDOf is a gateway's id of the HTTP request, bounded: it is
// another program's text, not ours.
func headerIDOf(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	return apierror.Sanitize(resp.Header.Get(RequestIDHeader), 128)
}

// asyncRequestOf is the id of the request a write created: the segment
// after "/requests/" in the Location of a 202, bounded.
func asyncRequestOf(resp *http.Response) string {
	if resp == nil || resp.StatusCode != http.StatusAccepted {
		return ""
	}
	_, rest, ok := strings.Cut(resp.Header.Get("Location"), "/requests/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return apierror.Sanitize(id, 64)
}
