package reconcile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
)

// callHeader tags every power action with an id chosen by the client, so
// that a write whose answer was lost can be recognised among the account's
// requests (the API records a request's headers).
const callHeader = "X-Ionos-Mcp-Call"

type callIDKey struct{}

// NewCallID returns a fresh call id.
func NewCallID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b)
}

// WithCallID returns ctx carrying a call id, which TagWrites puts on the
// POST sent with it.
func WithCallID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, callIDKey{}, id)
}

// TagWrites returns next adding the call id of the request's context, if
// any, to every POST.
func TagWrites(next http.RoundTripper) http.RoundTripper { return tagWrites{next: next} }

type tagWrites struct{ next http.RoundTripper }

func (t tagWrites) RoundTrip(r *http.Request) (*http.Response, error) {
	if id, ok := r.Context().Value(callIDKey{}).(string); ok && r.Method == http.MethodPost {
		r = r.Clone(r.Context())
		r.Header.Set(callHeader, id)
	}
	return t.next.RoundTrip(r)
}

// reserve is the part of a write's deadline kept back from the POST
// itself, so that a lost answer can still be reconciled in time.
const reserve = 5 * time.Second

// WithReserve returns ctx with its deadline moved earlier by the reserve
// (by a third of the time left at most), for sending the write.
func WithReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	left := time.Until(dl)
	return context.WithDeadline(ctx, dl.Add(-min(reserve, left/3)))
}

// Ambiguous reports whether a failed write may nevertheless have been
// executed: the API's answer never arrived or came from a gateway. A
// refused connection, or a clear answer of the API itself (4xx, a 503 with
// an IONOS body), means it was not.
func Ambiguous(err error) bool {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			return true
		case http.StatusServiceUnavailable:
			return ae.Code == "" // a gateway's page, not the API's maintenance answer
		}
		return false
	}
	return !transport.NotSent(err)
}
