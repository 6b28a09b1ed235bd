// Package oauthtest runs a real OpenID provider in-process, for the tests of
// OAuth mode (serve --http --auth oauth): the provider of
// github.com/zitadel/oidc/v3 (pkg/op) on an httptest server, issuing JWT
// access tokens by the client-credentials grant. It serves OpenID Connect
// discovery, its key set and the token endpoint, and nothing else.
//
// Only tests import it.
package oauthtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Client is a client registered with the provider.
type Client struct {
	ID, Secret string
	// Scopes are those it may be granted. A token request gets the ones it
	// asks for among them.
	Scopes []string
	// Audience is the aud of its tokens; empty = the provider's audience.
	Audience []string
	// Lifetime of its tokens; 0 = 5 minutes; negative = issued expired.
	Lifetime time.Duration
	// SCP puts the scopes in an scp array instead of the scope string.
	SCP bool
}

// Options configure a provider.
type Options struct {
	Audience string // aud of the tokens, unless the client says otherwise
	Clients  []Client
}

// Provider is a running OpenID provider.
type Provider struct {
	URL string // the issuer: http://127.0.0.1:PORT
	ts  *httptest.Server

	key   *rsa.PrivateKey
	keyID string

	mu       sync.Mutex
	down     bool
	hits     map[string]int
	requests []url.Values
}

// Start runs a provider until the test ends. Its issuer follows the Host
// the provider is reached by (op.IssuerFromHost): a token asked for at
// http://localhost:PORT carries another iss than one asked for at
// http://127.0.0.1:PORT, with the same signing key.
func Start(t testing.TB, o Options) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{key: key, keyID: "test-key-1", hits: map[string]int{}}
	st := &storage{p: p, audience: o.Audience, clients: map[string]Client{}}
	for _, c := range o.Clients {
		st.clients[c.ID] = c
	}
	cfg := &op.Config{CryptoKey: [32]byte{1, 2, 3}, SupportedScopes: []string{"openid"}}
	provider, err := op.NewProvider(cfg, st, op.IssuerFromHost(""), op.WithAllowInsecure(),
		op.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	p.ts = httptest.NewServer(p.record(provider))
	t.Cleanup(p.ts.Close)
	p.URL = p.ts.URL
	return p
}

// record counts requests by path, keeps the token requests (without the
// client secret) and answers 503 while the provider is down.
func (p *Provider) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		down := p.down
		p.hits[r.URL.Path]++
		p.mu.Unlock()
		if down {
			http.Error(w, "the identity provider is down (test)", http.StatusServiceUnavailable)
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			form, _ := url.ParseQuery(string(body))
			form.Del("client_secret")
			if id, _, ok := r.BasicAuth(); ok {
				form.Set("basic_auth_client", id)
			}
			p.mu.Lock()
			p.requests = append(p.requests, form)
			p.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// SetDown makes every request answer 503 (down) or be served again.
func (p *Provider) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// Hits is how many requests reached path.
func (p *Provider) Hits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// TokenRequests are the forms of the token requests so far, client secret
// removed; basic_auth_client names the client of HTTP basic auth.
func (p *Provider) TokenRequests() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.requests)
}

// KeyID is the key id of the provider's signing key.
func (p *Provider) KeyID() string { return p.keyID }

// Token asks the provider for an access token by the client-credentials
// grant, with HTTP basic client authentication.
func (p *Provider) Token(t testing.TB, clientID, secret string, scopes ...string) string {
	t.Helper()
	tok, err := p.TokenAt(p.URL, clientID, secret, scopes...)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TokenAt is Token with the provider reached at base (its URL, or the same
// port under another host name).
func (p *Provider) TokenAt(base, clientID, secret string, scopes ...string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	req, err := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token request: %s: %s", resp.Status, body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("token response %s: %v", body, err)
	}
	return out.AccessToken, nil
}

// storage is the part of op.Storage that discovery, the key set and the
// client-credentials grant use. The embedded interface is nil: any other
// method panics, which no test reaches.
type storage struct {
	op.Storage
	p        *Provider
	audience string
	clients  map[string]Client
}

var (
	_ op.ClientCredentialsStorage       = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
)

func (s *storage) Health(context.Context) error { return nil }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{id: s.p.keyID, key: s.p.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{id: s.p.keyID, key: &s.p.key.PublicKey}}, nil
}

func (s *storage) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok || c.Secret != secret {
		return nil, errors.New("unknown client or wrong secret")
	}
	return client{c: c}, nil
}

func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, errors.New("unknown client")
	}
	var granted []string
	for _, sc := range scopes {
		if slices.Contains(c.Scopes, sc) {
			granted = append(granted, sc)
		}
	}
	aud := c.Audience
	if len(aud) == 0 {
		aud = []string{s.audience}
	}
	return &tokenRequest{c: c, audience: aud, scopes: granted}, nil
}

func (s *storage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	life := 5 * time.Minute
	if tr, ok := r.(*tokenRequest); ok && tr.c.Lifetime != 0 {
		life = tr.c.Lifetime
	}
	return fmt.Sprintf("at-%d", time.Now().UnixNano()), time.Now().Add(life), nil
}

// GetPrivateClaimsFromRequest writes the granted scopes into the token, as
// scope (a string) or scp (an array).
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, r op.TokenRequest, _ []string) (map[string]any, error) {
	tr, ok := r.(*tokenRequest)
	if !ok || len(tr.scopes) == 0 {
		return nil, nil
	}
	if tr.c.SCP {
		return map[string]any{"scp": tr.scopes}, nil
	}
	return map[string]any{"scope": strings.Join(tr.scopes, " ")}, nil
}

type tokenRequest struct {
	c        Client
	audience []string
	scopes   []string
}

func (r *tokenRequest) GetSubject() string    { return r.c.ID }
func (r *tokenRequest) GetAudience() []string { return r.audience }
func (r *tokenRequest) GetScopes() []string   { return r.scopes }

// client is the part of op.Client the client-credentials grant uses.
type client struct {
	op.Client
	c Client
}

func (c client) GetID() string { return c.c.ID }
func (c client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
func (c client) ClockSkew() time.Duration            { return 0 }
func (c client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c client) IsScopeAllowed(s string) bool        { return slices.Contains(c.c.Scopes, s) }
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct {
	id  string
	key *rsa.PublicKey
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }
