package server

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/time/rate"
)

// limiter applies a per-caller request rate and a cap on requests served
// at once, each with a clear HTTP error.
type limiter struct {
	rate     rate.Limit
	burst    int
	inflight chan struct{}

	mu      sync.Mutex
	callers map[string]*callerLimit
}

type callerLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, maxInFlight int) *limiter {
	if perSecond <= 0 {
		perSecond = 10
	}
	if maxInFlight <= 0 {
		maxInFlight = 64
	}
	return &limiter{
		rate:     rate.Limit(perSecond),
		burst:    max(1, int(2*perSecond)),
		inflight: make(chan struct{}, maxInFlight),
		callers:  map[string]*callerLimit{},
	}
}

func (l *limiter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.allow(callerKey(r)) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limit exceeded for this caller; retry after 1 second", http.StatusTooManyRequests)
			return
		}
		// The cap is for calls: a GET is a client's open event stream (or
		// the refusal of one), and a DELETE ends a session; neither holds
		// a slot, or idle sessions would block every call.
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if !l.acquire(r) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the server is at its limit of calls in flight; retry after 1 second", http.StatusServiceUnavailable)
			return
		}
		defer func() { <-l.inflight }()
		next.ServeHTTP(w, r)
	})
}

// slotWait is how long a call waits for a slot before it is refused. A
// slot is freed only after its answer has gone out, so a client's next
// call can arrive a moment before; the wait absorbs that, not a real
// overload.
const slotWait = 100 * time.Millisecond

func (l *limiter) acquire(r *http.Request) bool {
	select {
	case l.inflight <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case l.inflight <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}

func (l *limiter) allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.callers[key]
	if !ok {
		if len(l.callers) > 10000 {
			for k, old := range l.callers {
				if now.Sub(old.seen) > time.Minute {
					delete(l.callers, k)
				}
			}
		}
		c = &callerLimit{lim: rate.NewLimiter(l.rate, l.burst)}
		l.callers[key] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// callerKey identifies the caller: its authenticated identity, else its
// address.
func callerKey(r *http.Request) string {
	if ti, ok := r.Context().Value(tokenInfoKey{}).(*auth.TokenInfo); ok && ti != nil {
		return ti.UserID
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
