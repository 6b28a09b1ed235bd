package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/sync/semaphore"

	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
)

// limiter applies a per-caller rate of calls and a cap on calls served at
// once, each with a clear HTTP error. It counts calls, not HTTP requests:
// a JSON-RPC batch (protocol 2025-03-26, which the go-sdk still serves)
// costs one token and one slot per message in it.
type limiter struct {
	perSecond   float64
	burst       int
	maxInFlight int
	inflight    *semaphore.Weighted
	// callers holds the per-caller buckets: in memory, or in the Redis that
	// replicas share, so that N replicas allow a caller the rate of one.
	callers sharedstate.Store
	sources *sources
}

func newLimiter(perSecond float64, maxInFlight int, src *sources, callers sharedstate.Store) *limiter {
	if perSecond <= 0 {
		perSecond = 10
	}
	if maxInFlight <= 0 {
		maxInFlight = 64
	}
	burst := max(1, int(2*perSecond))
	return &limiter{
		perSecond:   perSecond,
		burst:       burst,
		maxInFlight: maxInFlight,
		inflight:    semaphore.NewWeighted(int64(maxInFlight)),
		callers:     callers,
		sources:     src,
	}
}

func (l *limiter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, ok := l.calls(w, r)
		if !ok {
			return
		}
		if ok, wait := l.allow(r.Context(), l.callerKey(r), n); !ok {
			secs := retrySeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			http.Error(w, fmt.Sprintf("rate limit exceeded for this caller: %s calls per second, bursts of %d (each call of a batch counts); retry after %d s",
				strconv.FormatFloat(l.perSecond, 'g', -1, 64), l.burst, secs), http.StatusTooManyRequests)
			return
		}
		// The cap is for calls: a GET is a client's open event stream (or
		// the refusal of one), and a DELETE ends a session; neither holds
		// a slot, or idle sessions would block every call.
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if !l.acquire(r.Context(), n) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, fmt.Sprintf("the server is at its limit of %d calls in flight (each call of a batch counts); retry after 1 second", l.maxInFlight),
				http.StatusServiceUnavailable)
			return
		}
		defer l.inflight.Release(int64(n))
		next.ServeHTTP(w, r)
	})
}

// calls reads a POST body, puts the same bytes back for the MCP handler,
// and returns how many calls the request holds: one, or one per message of
// a batch. A batch that could never pass the limits is refused here, with
// the limit it exceeds. ok is false when an answer has been written.
func (l *limiter) calls(w http.ResponseWriter, r *http.Request) (n int, ok bool) {
	if r.Method != http.MethodPost || r.Body == nil {
		return 1, true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("request body exceeds %d bytes", mbe.Limit), http.StatusRequestEntityTooLarge)
			return 0, false
		}
		http.Error(w, "cannot read the request body: "+err.Error(), http.StatusBadRequest)
		return 0, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	n = batchLen(body)
	if most, why := l.maxBatch(); n > most {
		http.Error(w, fmt.Sprintf("this JSON-RPC batch holds %d calls, and one batch may hold at most %d here (%s): send fewer calls per batch",
			n, most, why), http.StatusRequestEntityTooLarge)
		return 0, false
	}
	return n, true
}

// maxBatch is the largest batch that can pass both limits, and the setting
// that bounds it.
func (l *limiter) maxBatch() (int, string) {
	if l.burst < l.maxInFlight {
		return l.burst, "the burst of the per-caller rate limit, twice --rate-limit"
	}
	return l.maxInFlight, "--max-in-flight"
}

// batchLen counts the messages of a JSON-RPC batch; anything that is not a
// JSON array counts as one call. A malformed batch is refused by the MCP
// handler, so it is charged what was read of it, at least one.
func batchLen(body []byte) int {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '[' {
		return 1
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return 1
	}
	n := 0
	var msg json.RawMessage
	for dec.More() {
		if err := dec.Decode(&msg); err != nil {
			break
		}
		n++
	}
	return max(1, n)
}

// slotWait is how long a call waits for a slot before it is refused. A
// slot is freed only after its answer has gone out, so a client's next
// call can arrive a moment before; the wait absorbs that, not a real
// overload.
const slotWait = 100 * time.Millisecond

// acquire takes n call slots, waiting at most slotWait for them.
func (l *limiter) acquire(ctx context.Context, n int) bool {
	if l.inflight.TryAcquire(int64(n)) {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, slotWait)
	defer cancel()
	return l.inflight.Acquire(ctx, int64(n)) == nil
}

// allow decides whether the caller key may make n calls now; when not, it
// says how long until it may. It is the one place of the per-caller
// decision. n never exceeds the burst here (see calls); if it did,
// retryAfter is 0: waiting would not help. A shared store that cannot be
// reached falls back to this replica's own buckets (sharedstate.Resilient).
func (l *limiter) allow(ctx context.Context, key string, n int) (ok bool, retryAfter time.Duration) {
	d, err := l.callers.Allow(ctx, "caller:"+key, sharedstate.Limit{PerSecond: l.perSecond, Burst: l.burst}, n)
	if err != nil || d.RetryAfter < 0 {
		return d.Allowed, 0
	}
	return d.Allowed, d.RetryAfter
}

// callerKey identifies the caller: its authenticated identity, else where
// the request comes from (see sources).
func (l *limiter) callerKey(r *http.Request) string {
	if ti, ok := r.Context().Value(tokenInfoKey{}).(*auth.TokenInfo); ok && ti != nil {
		return ti.UserID
	}
	return l.sources.key(r)
}

// retrySeconds is a Retry-After value: whole seconds, at least 1.
func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// sources tells where a request comes from. It is the peer address, unless
// the peer is a trusted proxy (IONOS_MCP_TRUSTED_PROXIES): then it is the
// right-most address of X-Forwarded-For that is not itself a trusted proxy.
// Anyone can write X-Forwarded-For, so it is never read from anyone else.
type sources struct {
	trusted []netip.Prefix
}

// newSources parses the trusted proxies: CIDRs, or single addresses.
func newSources(list []string) (*sources, error) {
	s := &sources{}
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		p, err := parsePrefix(v)
		if err != nil {
			return nil, fmt.Errorf("IONOS_MCP_TRUSTED_PROXIES / --trusted-proxies: %q is neither a CIDR (10.0.0.0/8, fd00::/8) nor an IP address", v)
		}
		s.trusted = append(s.trusted, p)
	}
	return s, nil
}

func parsePrefix(v string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(v); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
	}
	return p.Masked(), nil
}

func (s *sources) trusts(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// of returns the source address of r; ok is false when the peer address
// cannot be parsed (not a TCP connection).
func (s *sources) of(r *http.Request) (src netip.Addr, ok bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	src = ap.Addr().Unmap()
	if !s.trusts(src) {
		return src, true
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// Each trusted proxy appends a valid address: the chain that
			// can be believed ends here, at the last trusted hop.
			break
		}
		src = hop
		if !s.trusts(hop) {
			break
		}
	}
	return src, true
}

// key is the source as a limiter key. IPv6 sources are grouped by /64, the
// block one host or site usually holds, so that walking through its
// addresses does not buy a fresh budget each time.
func (s *sources) key(r *http.Request) string {
	a, ok := s.of(r)
	if !ok {
		return r.RemoteAddr
	}
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// forwardedFor lists the hops of every X-Forwarded-For header, in order.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port (some proxies add one).
func parseHop(v string) (netip.Addr, bool) {
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
