package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"
)

// How the signing keys of the identity provider are fetched and kept.
const (
	// keysMaxAge is how long a fetched key set is used before it is fetched
	// again, so that a key the identity provider withdrew stops working.
	keysMaxAge = time.Hour
	// keysMinInterval spaces the fetches a token with an unknown key id
	// causes: made-up key ids cannot become a flood of requests to the
	// identity provider.
	keysMinInterval = 10 * time.Second
	// keysRetryInterval spaces the attempts while the identity provider
	// cannot be reached, so that the endpoint recovers soon after it does.
	keysRetryInterval = 2 * time.Second
	// keysFetchTimeout bounds one refresh: discovery and the key set.
	keysFetchTimeout = 10 * time.Second
	maxMetadataBytes = 1 << 20
)

// errKeysUnavailable means that no key can verify a token right now: the
// identity provider could not be reached, or publishes no usable key. The
// token may well be good, so the caller answers 503, not 401.
var errKeysUnavailable = errors.New("the signing keys of the identity provider are not available")

// keySource fetches the identity provider's signing keys when they are first
// needed, and keeps them. Start-up never waits for the identity provider:
// discovery happens on the first token, and is retried while it fails. Keys
// already fetched keep working while the identity provider is down.
type keySource struct {
	issuer string
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
	flight singleflight.Group

	mu        sync.Mutex
	jwksURI   string // from discovery; "" until discovery succeeds
	keys      []jose.JSONWebKey
	fetched   time.Time // of the last successful fetch
	attempted time.Time // of the last attempt
	lastErr   error     // of the last attempt; nil when it succeeded
}

func newKeySource(issuer string, log *slog.Logger) *keySource {
	return &keySource{
		issuer: issuer,
		// Not the IONOS API's client: that one may pin the IONOS certificate.
		client: &http.Client{Timeout: keysFetchTimeout, Transport: http.DefaultTransport.(*http.Transport).Clone()},
		log:    log,
		now:    time.Now,
	}
}

// keyState is a consistent copy of what the source holds.
type keyState struct {
	keys      []jose.JSONWebKey
	fetched   time.Time
	attempted time.Time
	lastErr   error
}

func (k *keySource) state() keyState {
	k.mu.Lock()
	defer k.mu.Unlock()
	return keyState{keys: k.keys, fetched: k.fetched, attempted: k.attempted, lastErr: k.lastErr}
}

// lookup returns the keys that may have signed a token with key id kid and
// algorithm alg. No keys and no error means that the key set is fresh and
// none of its keys fits: the token is not the identity provider's.
func (k *keySource) lookup(ctx context.Context, kid, alg string) ([]jose.JSONWebKey, error) {
	now := k.now()
	st := k.state()
	found := matchKeys(st.keys, kid, alg)
	if len(found) > 0 && now.Sub(st.fetched) < keysMaxAge {
		return found, nil
	}
	if st.mayFetch(now) {
		done := k.flight.DoChan("keys", k.refresh)
		if len(found) > 0 {
			// Stale but usable: refresh in the background rather than
			// hold a good token up.
			return found, nil
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %v", errKeysUnavailable, ctx.Err())
		}
		st = k.state()
		found = matchKeys(st.keys, kid, alg)
	}
	switch {
	case len(found) > 0:
		return found, nil
	case st.lastErr != nil:
		// The key may be one the identity provider published since the
		// last fetch that worked: undecidable until it answers again.
		return nil, fmt.Errorf("%w: %v", errKeysUnavailable, st.lastErr)
	case len(st.keys) == 0:
		return nil, fmt.Errorf("%w: the key set of %s holds no signing key this server can use (RSA, EC or Ed25519)", errKeysUnavailable, k.issuer)
	}
	return nil, nil
}

// mayFetch reports whether another fetch may start now.
func (st keyState) mayFetch(now time.Time) bool {
	if st.attempted.IsZero() {
		return true
	}
	wait := keysMinInterval
	if st.lastErr != nil {
		wait = keysRetryInterval
	}
	return now.Sub(st.attempted) >= wait
}

// refresh fetches the key set once, for every request waiting on it. It runs
// on its own deadline, not a request's: one caller giving up must not fail
// the fetch for the others.
func (k *keySource) refresh() (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), keysFetchTimeout)
	defer cancel()
	keys, err := k.fetch(ctx)
	k.mu.Lock()
	k.attempted, k.lastErr = k.now(), err
	if err == nil {
		k.keys, k.fetched = keys, k.attempted
	}
	held := len(k.keys)
	k.mu.Unlock()
	if err != nil {
		k.log.Warn("cannot fetch the signing keys of the OAuth identity provider; tokens signed with keys fetched before still work, others get 503 until it answers",
			"issuer", k.issuer, "keys_held", held, "err", err)
		return nil, err
	}
	k.log.Debug("fetched the signing keys of the OAuth identity provider", "issuer", k.issuer, "keys", len(keys))
	return nil, nil
}

func (k *keySource) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	uri, err := k.discover(ctx)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := getJSON(ctx, k.client, uri, &set); err != nil {
		return nil, fmt.Errorf("fetching the key set: %w", err)
	}
	return usableKeys(set.Keys), nil
}

// discover finds the jwks_uri of the issuer, by OpenID Connect discovery or
// else RFC 8414 authorization server metadata, and keeps it once found.
func (k *keySource) discover(ctx context.Context) (string, error) {
	k.mu.Lock()
	uri := k.jwksURI
	k.mu.Unlock()
	if uri != "" {
		return uri, nil
	}
	var errs []error
	for _, u := range metadataURLs(k.issuer) {
		var m struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := getJSON(ctx, k.client, u, &m); err != nil {
			errs = append(errs, err)
			continue
		}
		if m.Issuer != k.issuer {
			return "", fmt.Errorf("%s names the issuer %q, not %q: set IONOS_MCP_OAUTH_ISSUER to exactly the identity provider's issuer", u, m.Issuer, k.issuer)
		}
		if err := checkFetchURL(m.JWKSURI); err != nil {
			return "", fmt.Errorf("%s: jwks_uri: %w", u, err)
		}
		k.mu.Lock()
		k.jwksURI = m.JWKSURI
		k.mu.Unlock()
		return m.JWKSURI, nil
	}
	return "", fmt.Errorf("discovering the identity provider %s: %w", k.issuer, errors.Join(errs...))
}

// metadataURLs are where the issuer's metadata may be: OpenID Connect
// discovery (the path appended) and RFC 8414 (the well-known path inserted).
func metadataURLs(issuer string) []string {
	oidc := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	u, err := url.Parse(issuer)
	if err != nil {
		return []string{oidc}
	}
	rfc8414 := u.Scheme + "://" + u.Host + "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/")
	return []string{oidc, rfc8414}
}

// getJSON fetches one JSON document under ctx's deadline.
func getJSON(ctx context.Context, c *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxMetadataBytes))
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxMetadataBytes)).Decode(v); err != nil {
		return fmt.Errorf("GET %s: reading the JSON answer: %w", u, err)
	}
	return nil
}

// usableKeys keeps the public signing keys of a key set. Keys of a type
// go-jose does not know, encryption keys and private or symmetric keys are
// skipped rather than failing the whole set: an identity provider may
// publish keys for other purposes next to its signing keys.
func usableKeys(raw []json.RawMessage) []jose.JSONWebKey {
	var keys []jose.JSONWebKey
	for _, r := range raw {
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON(r); err != nil {
			continue
		}
		if !key.Valid() || !key.IsPublic() || (key.Use != "" && key.Use != "sig") {
			continue
		}
		keys = append(keys, key)
	}
	return keys
}

// matchKeys picks the keys that may have signed a token: those with its key
// id (all, when it names none) and an algorithm that does not contradict it.
func matchKeys(keys []jose.JSONWebKey, kid, alg string) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, key := range keys {
		if (kid == "" || key.KeyID == kid) && (key.Algorithm == "" || key.Algorithm == alg) {
			out = append(out, key)
		}
	}
	return out
}
