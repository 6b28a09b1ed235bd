package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/sync/singleflight"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
)

// clientKey is where the caller's domain client travels in TokenInfo.Extra.
const clientKey = "ionos-mcp/client"

// How long a pass-through token's verdict is trusted.
const (
	validFor   = 5 * time.Minute
	invalidFor = 30 * time.Second
	maxCached  = 10000
)

// The budget for checking unknown pass-through tokens against the IONOS
// API, per source (see sources): a flood of made-up tokens cannot become a
// flood of API calls, and a flood from one source does not spend the
// budget of the others.
const (
	verifyPerSecond = 5
	verifyBurst     = 20
)

type tokenInfoKey struct{}

// authenticator checks each request's bearer token and picks the domain
// client that serves the caller.
type authenticator struct {
	s             *Server
	mode          string
	endpointToken string
	cache         *verdictCache
	flight        singleflight.Group
	sources       *sources
	// verifyBudget is a token bucket per source for checking new tokens.
	// It is spent before the token is known to be good, so it must not be
	// shared between sources: one source's flood would turn everyone else
	// away. It is this replica's: it bounds this replica's calls to the API.
	verifyBudget *sharedstate.Memory
}

func newAuthenticator(s *Server, c config.HTTP, src *sources) *authenticator {
	return &authenticator{s: s, mode: c.Auth, endpointToken: c.Token, cache: newVerdictCache(), sources: src,
		verifyBudget: sharedstate.NewMemory()}
}

// required reports whether requests must carry a bearer token.
func (a *authenticator) required() bool { return a.mode == AuthPassthrough || a.endpointToken != "" }

func (a *authenticator) wrap(next http.Handler) http.Handler {
	if !a.required() {
		return next
	}
	// The go-sdk reads the caller from a TokenInfo that only its own
	// middleware can place; it gets it from here.
	next = auth.RequireBearerToken(tokenFromGuard, nil)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ti, no := a.authenticate(r)
		if no != nil {
			no.write(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenInfoKey{}, ti)))
	})
}

// tokenFromGuard hands the go-sdk's bearer middleware the TokenInfo that
// our own authentication placed in the request (token, pass-through and
// OAuth modes alike).
func tokenFromGuard(_ context.Context, _ string, r *http.Request) (*auth.TokenInfo, error) {
	if ti, ok := r.Context().Value(tokenInfoKey{}).(*auth.TokenInfo); ok {
		return ti, nil
	}
	return nil, auth.ErrInvalidToken
}

// denial is why a request is not let in, as an HTTP answer. (OAuth mode
// has its own, oauthRefusal, with RFC 6750 error codes.)
type denial struct {
	status     int
	msg        string
	retryAfter time.Duration // > 0: sent as Retry-After
}

func (f *denial) write(w http.ResponseWriter) {
	if f.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ionos-mcp"`)
	}
	if f.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(f.retryAfter)))
	}
	http.Error(w, f.msg, f.status)
}

func unauthorized(msg string) *denial { return &denial{status: http.StatusUnauthorized, msg: msg} }

func (a *authenticator) authenticate(r *http.Request) (*auth.TokenInfo, *denial) {
	tok, ok := bearer(r)
	if !ok {
		if a.mode == AuthPassthrough {
			return nil, unauthorized("missing bearer token: this server acts with each caller's own IONOS token; send your IONOS token as Authorization: Bearer <token>")
		}
		return nil, unauthorized("missing bearer token: send the endpoint's token (IONOS_MCP_HTTP_TOKEN of this server) as Authorization: Bearer <token>")
	}
	if a.mode == AuthToken {
		if !constantTimeEqual(tok, a.endpointToken) {
			return nil, unauthorized("invalid bearer token: send the endpoint's token (IONOS_MCP_HTTP_TOKEN of this server) as Authorization: Bearer <token>")
		}
		return &auth.TokenInfo{UserID: "endpoint-" + fingerprint(tok), Expiration: time.Now().Add(time.Hour),
			Extra: map[string]any{clientKey: a.s.shared}}, nil
	}
	return a.passthrough(r.Context(), tok, a.sources.key(r))
}

// passthrough accepts a caller's own IONOS token once the API did. The
// verdict is cached by the full SHA-256 of the token (tokenKey), which is
// never logged; the short fingerprint only names the caller.
func (a *authenticator) passthrough(ctx context.Context, tok, source string) (*auth.TokenInfo, *denial) {
	key, fp := tokenKey(tok), fingerprint(tok)
	if v, ok := a.cache.get(key); ok {
		return a.verdict(v, fp)
	}
	if d, _ := a.verifyBudget.Allow(ctx, "verify:"+source, sharedstate.Limit{PerSecond: verifyPerSecond, Burst: verifyBurst}, 1); !d.Allowed {
		return nil, &denial{status: http.StatusServiceUnavailable, retryAfter: d.RetryAfter,
			msg: fmt.Sprintf("too many new tokens to verify from this address right now; retry in %d s", retrySeconds(d.RetryAfter))}
	}
	res, err, _ := a.flight.Do(key, func() (any, error) {
		return a.verify(context.WithoutCancel(ctx), tok, key)
	})
	if err != nil {
		a.s.log.Warn("cannot verify a caller's token with the IONOS API", "caller", "ionos-"+fp, "err", err)
		return nil, &denial{status: http.StatusServiceUnavailable, msg: "cannot verify the token with the IONOS API right now; retry shortly"}
	}
	return a.verdict(res.(verdict), fp)
}

// tokenKey is what the verdict cache knows a token by: its full SHA-256,
// in hex. Unlike the 64-bit fingerprint, it appears nowhere else.
func tokenKey(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func (a *authenticator) verdict(v verdict, fp string) (*auth.TokenInfo, *denial) {
	if v.client == nil {
		return nil, unauthorized("the IONOS API rejected this bearer token: it is expired, revoked or not an IONOS token. " +
			"Sign in again, or send a valid IONOS token as Authorization: Bearer <token> (create one in the Data Center Designer under Management > Token Manager)")
	}
	return &auth.TokenInfo{UserID: "ionos-" + fp, Expiration: v.until, Extra: map[string]any{clientKey: v.client}}, nil
}

// verify asks the API once whether tok is good.
func (a *authenticator) verify(ctx context.Context, tok, key string) (verdict, error) {
	c, err := a.s.newClient(tok, "", "")
	if err != nil {
		return verdict{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		if st := cloud.StatusOf(err); st == http.StatusUnauthorized || st == http.StatusForbidden {
			v := verdict{until: time.Now().Add(invalidFor)}
			a.cache.put(key, v)
			return v, nil
		}
		return verdict{}, err
	}
	v := verdict{client: c, until: time.Now().Add(validFor)}
	a.cache.put(key, v)
	return v, nil
}

// verdict is the cached outcome of checking one token: a client when the
// token is good, nil when the API rejected it.
type verdict struct {
	client *cloud.Client
	until  time.Time
}

type verdictCache struct {
	mu sync.Mutex
	m  map[string]verdict
}

func newVerdictCache() *verdictCache { return &verdictCache{m: map[string]verdict{}} }

func (c *verdictCache) get(key string) (verdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	if !ok || time.Now().After(v.until) {
		return verdict{}, false
	}
	return v, true
}

func (c *verdictCache) put(key string, v verdict) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCached {
		now := time.Now()
		for k, old := range c.m {
			if now.After(old.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCached {
			clear(c.m) // every entry is still fresh: start over rather than grow without bound
		}
	}
	c.m[key] = v
}
