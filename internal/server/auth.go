package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// clientKey is where the caller's domain client travels in TokenInfo.Extra.
const clientKey = "ionos-mcp/client"

// How long a pass-through token's verdict is trusted.
const (
	validFor   = 5 * time.Minute
	invalidFor = 30 * time.Second
	maxCached  = 10000
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
	// verifyRate bounds how many unknown tokens per second are checked
	// against the IONOS API, so that a flood of made-up tokens cannot be
	// turned into a flood of API calls.
	verifyRate *rate.Limiter
}

// required reports whether requests must carry a bearer token.
func (a *authenticator) required() bool { return a.mode == AuthPassthrough || a.endpointToken != "" }

func (a *authenticator) wrap(next http.Handler) http.Handler {
	if !a.required() {
		return next
	}
	// The go-sdk reads the caller from a TokenInfo that only its own
	// middleware can place; it gets it from here.
	next = auth.RequireBearerToken(func(_ context.Context, _ string, r *http.Request) (*auth.TokenInfo, error) {
		if ti, ok := r.Context().Value(tokenInfoKey{}).(*auth.TokenInfo); ok {
			return ti, nil
		}
		return nil, auth.ErrInvalidToken
	}, nil)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ti, status, msg := a.authenticate(r)
		if status != 0 {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ionos-mcp"`)
			}
			http.Error(w, msg, status)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenInfoKey{}, ti)))
	})
}

func (a *authenticator) authenticate(r *http.Request) (*auth.TokenInfo, int, string) {
	tok, ok := bearer(r)
	if !ok {
		if a.mode == AuthPassthrough {
			return nil, http.StatusUnauthorized, "missing bearer token: this server acts with each caller's own IONOS token; send your IONOS token as Authorization: Bearer <token>"
		}
		return nil, http.StatusUnauthorized, "missing bearer token: send the endpoint's token (IONOS_MCP_HTTP_TOKEN of this server) as Authorization: Bearer <token>"
	}
	if a.mode == AuthToken {
		if !constantTimeEqual(tok, a.endpointToken) {
			return nil, http.StatusUnauthorized, "invalid bearer token: send the endpoint's token (IONOS_MCP_HTTP_TOKEN of this server) as Authorization: Bearer <token>"
		}
		return &auth.TokenInfo{UserID: "endpoint-" + fingerprint(tok), Expiration: time.Now().Add(time.Hour),
			Extra: map[string]any{clientKey: a.s.shared}}, 0, ""
	}
	return a.passthrough(r.Context(), tok)
}

// passthrough accepts a caller's own IONOS token once the API did: the
// verdict is cached by the token's fingerprint, never by the token.
func (a *authenticator) passthrough(ctx context.Context, tok string) (*auth.TokenInfo, int, string) {
	fp := fingerprint(tok)
	if v, ok := a.cache.get(fp); ok {
		return a.verdict(v, fp)
	}
	res, err, _ := a.flight.Do(fp, func() (any, error) {
		if !a.verifyRate.Allow() {
			return nil, errBusy
		}
		return a.verify(context.WithoutCancel(ctx), tok, fp)
	})
	if err != nil {
		if errors.Is(err, errBusy) {
			return nil, http.StatusServiceUnavailable, "too many new tokens to verify right now; retry in a second"
		}
		a.s.log.Warn("cannot verify a caller's token with the IONOS API", "caller", "ionos-"+fp, "err", err)
		return nil, http.StatusServiceUnavailable, "cannot verify the token with the IONOS API right now; retry shortly"
	}
	return a.verdict(res.(verdict), fp)
}

var errBusy = errors.New("verification rate exceeded")

func (a *authenticator) verdict(v verdict, fp string) (*auth.TokenInfo, int, string) {
	if v.client == nil {
		return nil, http.StatusUnauthorized, "the IONOS API rejected this bearer token: it is expired, revoked or not an IONOS token. " +
			"Sign in again, or send a valid IONOS token as Authorization: Bearer <token> (create one in the Data Center Designer under Management > Token Manager)"
	}
	return &auth.TokenInfo{UserID: "ionos-" + fp, Expiration: v.until, Extra: map[string]any{clientKey: v.client}}, 0, ""
}

// verify asks the API once whether tok is good.
func (a *authenticator) verify(ctx context.Context, tok, fp string) (verdict, error) {
	c, err := a.s.newClient(tok, "", "")
	if err != nil {
		return verdict{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		if st := cloud.StatusOf(err); st == http.StatusUnauthorized || st == http.StatusForbidden {
			v := verdict{until: time.Now().Add(invalidFor)}
			a.cache.put(fp, v)
			return v, nil
		}
		return verdict{}, err
	}
	v := verdict{client: c, until: time.Now().Add(validFor)}
	a.cache.put(fp, v)
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

func (c *verdictCache) get(fp string) (verdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[fp]
	if !ok || time.Now().After(v.until) {
		return verdict{}, false
	}
	return v, true
}

func (c *verdictCache) put(fp string, v verdict) {
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
	c.m[fp] = v
}
