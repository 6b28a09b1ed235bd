package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/oauthtest"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// The clients of the test identity provider.
var oauthClients = []oauthtest.Client{
	{ID: "reader", Secret: "reader-secret", Scopes: []string{"ionos-mcp:read"}},
	{ID: "operator", Secret: "operator-secret", Scopes: []string{"ionos-mcp:read", "ionos-mcp:power"}},
	{ID: "scp-reader", Secret: "scp-secret", Scopes: []string{"ionos-mcp:read"}, SCP: true},
	{ID: "nobody", Secret: "nobody-secret", Scopes: []string{"openid"}},
	{ID: "expired", Secret: "expired-secret", Scopes: []string{"ionos-mcp:read"}, Lifetime: -10 * time.Minute},
	{ID: "elsewhere", Secret: "elsewhere-secret", Scopes: []string{"ionos-mcp:read"}, Audience: []string{"https://other.example/mcp"}},
}

// oauthEnv is an identity provider, a simulator and an OAuth-mode endpoint.
type oauthEnv struct {
	op       *oauthtest.Provider
	sim      *sim.Server
	ts       *httptest.Server
	audience string
	logs     *oauthLogs
}

// startOAuth starts the endpoint with the audience of its own URL. With
// idpDown the identity provider is down while the endpoint starts.
func startOAuth(t *testing.T, idpDown bool, edit func(*config.Config)) *oauthEnv {
	t.Helper()
	// The endpoint's address must be known before the identity provider
	// and the configuration, which name it as the audience.
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	e := &oauthEnv{ts: ts, audience: "http://" + ts.Listener.Addr().String() + "/mcp", logs: &oauthLogs{}}
	e.op = oauthtest.Start(t, oauthtest.Options{Audience: e.audience, Clients: oauthClients})
	e.op.SetDown(idpDown)
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e.sim = s
	cfg := config.Config{Token: s.Token(), APIURL: s.URL, Confirm: "auto",
		HTTP: config.HTTP{Addr: ts.Listener.Addr().String(), Auth: AuthOAuth, OAuthIssuer: e.op.URL, OAuthAudience: e.audience,
			OAuthReadScope: config.DefaultOAuthReadScope, OAuthPowerScope: config.DefaultOAuthPowerScope}}
	if edit != nil {
		edit(&cfg)
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Options{Config: cfg, Version: "test", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h, err := srv.Handler(HTTPOptions{RatePerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	return e
}

func (e *oauthEnv) token(t *testing.T, client string, scopes ...string) string {
	t.Helper()
	for _, c := range oauthClients {
		if c.ID == client {
			return e.op.Token(t, c.ID, c.Secret, scopes...)
		}
	}
	t.Fatalf("no client %s", client)
	return ""
}

// metadataURL is where the endpoint says its metadata is: derived from the
// audience.
func (e *oauthEnv) metadataURL() string {
	return strings.Replace(e.audience, "/mcp", "/.well-known/oauth-protected-resource/mcp", 1)
}

// withBearer adds a bearer token to every request.
type withBearer struct{ token string }

func (b withBearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func (e *oauthEnv) session(t *testing.T, token, era string) *mcp.ClientSession {
	t.Helper()
	tr := &mcp.StreamableClientTransport{Endpoint: e.ts.URL + "/mcp", HTTPClient: &http.Client{Transport: withBearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "oauth-test", Version: "1"}, nil).
		Connect(context.Background(), tr, &mcp.ClientSessionOptions{ProtocolVersion: era})
	if err != nil {
		t.Fatalf("connect (%s): %v", era, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// initialize posts an initialize request with token ("" = none) and
// returns the answer.
func (e *oauthEnv) initialize(t *testing.T, token string, hdr map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/mcp", strings.NewReader(
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// challenge parses the Bearer challenge of a response, with the go-sdk's
// own parser (the one its OAuth client uses).
func challenge(t *testing.T, resp *http.Response) map[string]string {
	t.Helper()
	cs, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
	if err != nil || len(cs) != 1 || !strings.EqualFold(cs[0].Scheme, "Bearer") {
		t.Fatalf("WWW-Authenticate %q: %v %+v", resp.Header.Values("WWW-Authenticate"), err, cs)
	}
	return cs[0].Params
}

func TestOAuthMetadata(t *testing.T) {
	e := startOAuth(t, false, nil)
	for _, u := range []string{e.metadataURL(), e.ts.URL + "/.well-known/oauth-protected-resource"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		var m oauthex.ProtectedResourceMetadata
		err = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", u, resp.StatusCode, err)
		}
		want := oauthex.ProtectedResourceMetadata{Resource: e.audience, AuthorizationServers: []string{e.op.URL},
			ScopesSupported: []string{"ionos-mcp:read", "ionos-mcp:power"}, BearerMethodsSupported: []string{"header"},
			ResourceName: "ionos-mcp: IONOS Cloud compute"}
		if b1, b2 := mustJSON(m), mustJSON(want); b1 != b2 {
			t.Errorf("%s:\n got %s\nwant %s", u, b1, b2)
		}
	}
	// The metadata is served without contacting the identity provider.
	if n := e.op.Hits("/.well-known/openid-configuration"); n != 0 {
		t.Errorf("discovery ran %d times before any token arrived", n)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestOAuthRefusals(t *testing.T) {
	e := startOAuth(t, false, nil)
	good := e.token(t, "reader", "ionos-mcp:read")
	claims := payloadOf(t, good)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	wrongIssuer, err := e.op.TokenAt(strings.Replace(e.op.URL, "127.0.0.1", "localhost", 1), "reader", "reader-secret", "ionos-mcp:read")
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&other.PublicKey)
	tests := []struct {
		name   string
		token  string
		status int
		code   string // error= of the challenge
		reason string // in the body
	}{
		{"no token", "", 401, "", "missing bearer token"},
		{"not a JWT", "not-a-jwt-at-all", 401, "invalid_token", "not a JWT signed with"},
		{"expired", e.token(t, "expired", "ionos-mcp:read"), 401, "invalid_token", "expired"},
		{"wrong audience", e.token(t, "elsewhere", "ionos-mcp:read"), 401, "invalid_token", "not meant for this server"},
		{"wrong issuer", wrongIssuer, 401, "invalid_token", "issued by http://localhost:"},
		{"unsigned (alg none)", unsigned(claims), 401, "invalid_token", "unsigned and HMAC-signed tokens are refused"},
		{"HMAC with a public key as secret", sign(t, jose.HS256, pubDER, e.op.KeyID(), claims), 401, "invalid_token", "unsigned and HMAC-signed tokens are refused"},
		{"signed by another key, same kid", sign(t, jose.RS256, other, e.op.KeyID(), claims), 401, "invalid_token", "signature does not verify"},
		{"signed by another key, unknown kid", sign(t, jose.RS256, other, "made-up", claims), 401, "invalid_token", "signature does not verify"},
		{"a logout token", signTyp(t, jose.RS256, other, e.op.KeyID(), "logout+jwt", claims), 401, "invalid_token", "not that of an access token"},
		{"no scope", e.token(t, "nobody", "openid"), 403, "insufficient_scope", "grants neither"},
		{"good", good, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.initialize(t, tt.token, nil)
			if resp.StatusCode != tt.status {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			body, _ := io.ReadAll(resp.Body)
			if tt.status == 200 {
				return
			}
			if !strings.Contains(string(body), tt.reason) {
				t.Errorf("body %q, want it to say %q", body, tt.reason)
			}
			p := challenge(t, resp)
			if p["resource_metadata"] != e.metadataURL() || p["scope"] != "ionos-mcp:read" || p["error"] != tt.code {
				t.Errorf("challenge %v, want resource_metadata=%s scope=ionos-mcp:read error=%q", p, e.metadataURL(), tt.code)
			}
			if tt.token != "" && strings.Contains(string(body), tt.token) {
				t.Error("the answer repeats the token")
			}
		})
	}
	// The metadata URL comes from the audience, not from the Host a caller sends.
	_, port, _ := net.SplitHostPort(e.ts.Listener.Addr().String())
	resp := e.initialize(t, "", map[string]string{"Host": "localhost:" + port})
	if p := challenge(t, resp); p["resource_metadata"] != e.metadataURL() {
		t.Errorf("with Host localhost the challenge names %s", p["resource_metadata"])
	}
	if strings.Contains(e.logs.String(), good) {
		t.Error("a token appears in the log")
	}
}

// payloadOf decodes the claims of a JWT without verifying it.
func payloadOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func unsigned(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return h + "." + base64.RawURLEncoding.EncodeToString([]byte(mustJSON(claims))) + "."
}

func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	return signTyp(t, alg, key, kid, "JWT", claims)
}

func signTyp(t *testing.T, alg jose.SignatureAlgorithm, key any, kid, typ string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, (&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign([]byte(mustJSON(claims)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// oauthCall calls a tool and returns the text of a tool error, "" on success.
func oauthCall(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		return res.Content[0].(*mcp.TextContent).Text
	}
	return ""
}

var writeTools = []string{"start_server", "stop_server", "reboot_server", "suspend_server", "resume_server"}

func TestOAuthReadScopeGetsNoWriteTools(t *testing.T) {
	e := startOAuth(t, false, func(c *config.Config) { c.Confirm = "none" })
	for _, tc := range []struct{ client, era string }{{"reader", "2025-11-25"}, {"scp-reader", "2026-07-28"}} {
		t.Run(tc.client+"@"+tc.era, func(t *testing.T) {
			cs := e.session(t, e.token(t, tc.client, "ionos-mcp:read"), tc.era)
			names := toolNames(t, cs)
			if !slices.Contains(names, "list_servers") {
				t.Fatalf("tools %v lack list_servers", names)
			}
			for _, w := range writeTools {
				if slices.Contains(names, w) {
					t.Errorf("a read-only caller sees %s", w)
				}
			}
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "stop_server", Arguments: map[string]any{"server": "etl-1"}})
			if err == nil && !res.IsError {
				t.Fatal("a read-only caller stopped a server")
			}
			if msg := oauthCall(t, cs, "list_servers", nil); msg != "" {
				t.Fatal(msg)
			}
		})
	}
	if w := e.sim.Stats().Writes; len(w) != 0 {
		t.Fatalf("the simulator executed %v", w)
	}
}

func TestOAuthPowerScopeStopsAServer(t *testing.T) {
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	e := startOAuth(t, false, func(c *config.Config) { c.Confirm = "none"; c.AuditLog = auditPath })
	tok := e.token(t, "operator", "ionos-mcp:power")
	cs := e.session(t, tok, "2025-11-25")
	if names := toolNames(t, cs); !slices.Contains(names, "stop_server") {
		t.Fatalf("a power caller's tools %v lack stop_server", names)
	}
	if msg := oauthCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}); msg != "" {
		t.Fatal(msg)
	}
	if w := e.sim.Stats().Writes; len(w) != 1 {
		t.Fatalf("writes %v, want one stop", w)
	}
	raw, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"oidc:operator"`) {
		t.Errorf("the audit line does not name the caller oidc:operator: %s", raw)
	}
	if strings.Contains(string(raw), tok) || strings.Contains(e.logs.String(), tok) {
		t.Error("the access token appears in the audit log or the log")
	}
}

// A stateful session belongs to the user who opened it: another user's
// token cannot ride on it, even one with more scope.
func TestOAuthStatefulSessionKeepsItsUser(t *testing.T) {
	e := startOAuth(t, false, func(c *config.Config) { c.HTTP.Stateful = true })
	resp := e.initialize(t, e.token(t, "reader", "ionos-mcp:read"), nil)
	id := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != 200 || id == "" {
		t.Fatalf("initialize: %d, session %q", resp.StatusCode, id)
	}
	list := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", id)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := list(e.token(t, "reader", "ionos-mcp:read")); got != 200 {
		t.Fatalf("the reader's own session: %d", got)
	}
	if got := list(e.token(t, "operator", "ionos-mcp:power")); got != http.StatusForbidden {
		t.Fatalf("another user's token on the reader's session: %d, want 403", got)
	}
}

// An operator's read-only setting holds for power callers too.
func TestOAuthOperatorReadOnlyWins(t *testing.T) {
	e := startOAuth(t, false, func(c *config.Config) { c.ReadOnly = true })
	cs := e.session(t, e.token(t, "operator", "ionos-mcp:read", "ionos-mcp:power"), "2025-11-25")
	if names := toolNames(t, cs); slices.Contains(names, "stop_server") {
		t.Fatalf("IONOS_MCP_READ_ONLY is set, yet a power caller sees %v", names)
	}
}

// The identity provider is down while the endpoint starts: it starts, says
// 503 (not 401) while no key can be had, and serves once the provider is
// back. Keys fetched before keep working while it is down again.
func TestOAuthIdentityProviderDown(t *testing.T) {
	e := startOAuth(t, true, nil)
	e.op.SetDown(false)
	tok := e.token(t, "reader", "ionos-mcp:read")
	e.op.SetDown(true)
	resp := e.initialize(t, tok, nil)
	if resp.StatusCode != 503 || resp.Header.Get("WWW-Authenticate") != "" {
		t.Fatalf("IdP down, no keys: %d %q, want 503 without a challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if body, _ := io.ReadAll(resp.Body); !strings.Contains(string(body), "signing keys of the identity provider") {
		t.Errorf("503 body %q", body)
	}
	e.op.SetDown(false)
	deadline := time.Now().Add(10 * time.Second)
	for e.initialize(t, tok, nil).StatusCode != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the endpoint did not recover after the identity provider came back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.op.SetDown(true)
	if got := e.initialize(t, tok, nil).StatusCode; got != 200 {
		t.Fatalf("keys fetched before: %d with the IdP down, want 200", got)
	}
}

// The key cache, on a clock of its own.
func TestKeySourceWhileIdentityProviderIsDown(t *testing.T) {
	op := oauthtest.Start(t, oauthtest.Options{Audience: "http://127.0.0.1:1/mcp", Clients: oauthClients})
	ks := newKeySource(op.URL, slog.New(slog.DiscardHandler))
	now := time.Now()
	var mu sync.Mutex
	ks.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ctx := context.Background()

	keys, err := ks.lookup(ctx, op.KeyID(), "RS256")
	if err != nil || len(keys) != 1 {
		t.Fatalf("first lookup: %v %v", keys, err)
	}
	// An unknown kid soon after a fetch is refused without a fetch.
	jwks := op.Hits("/keys")
	if keys, err := ks.lookup(ctx, "made-up", "RS256"); err != nil || len(keys) != 0 {
		t.Fatalf("unknown kid: %v %v", keys, err)
	}
	if op.Hits("/keys") != jwks {
		t.Error("an unknown kid made a fetch within keysMinInterval")
	}
	// Down, and the keys stale: still served from the cache.
	op.SetDown(true)
	advance(2 * keysMaxAge)
	if keys, err := ks.lookup(ctx, op.KeyID(), "RS256"); err != nil || len(keys) != 1 {
		t.Fatalf("stale keys with the IdP down: %v %v", keys, err)
	}
	waitFlight(t, ks)
	// An unknown kid while the IdP is down cannot be decided: unavailable.
	advance(keysMinInterval)
	if _, err := ks.lookup(ctx, "rotated", "RS256"); !errors.Is(err, errKeysUnavailable) {
		t.Fatalf("unknown kid with the IdP down: %v, want errKeysUnavailable", err)
	}
	// A key of another algorithm than the token's does not fit.
	op.SetDown(false)
	advance(keysMinInterval)
	if keys, _ := ks.lookup(ctx, op.KeyID(), "ES256"); len(keys) != 0 {
		t.Errorf("an RS256 key offered for an ES256 token")
	}
}

// waitFlight waits for a background refresh to end.
func waitFlight(t *testing.T, ks *keySource) {
	t.Helper()
	before := ks.state().attempted
	deadline := time.Now().Add(5 * time.Second)
	for ks.state().attempted.Equal(before) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCheckHTTPOAuth(t *testing.T) {
	ok := config.HTTP{Addr: "0.0.0.0:8080", Auth: AuthOAuth, OAuthIssuer: "https://login.example.com/realms/team",
		OAuthAudience: "https://mcp.example.com/mcp", OAuthReadScope: "ionos-mcp:read", OAuthPowerScope: "ionos-mcp:power"}
	if err := CheckHTTP(ok); err != nil {
		t.Fatalf("valid settings refused: %v", err)
	}
	local := ok
	local.OAuthIssuer, local.OAuthAudience = "http://127.0.0.1:9000", "http://localhost:8080/mcp"
	if err := CheckHTTP(local); err != nil {
		t.Fatalf("loopback http refused: %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(*config.HTTP)
		want string
	}{
		{"no issuer", func(c *config.HTTP) { c.OAuthIssuer = "" }, "IONOS_MCP_OAUTH_ISSUER"},
		{"no audience", func(c *config.HTTP) { c.OAuthAudience = "" }, "IONOS_MCP_OAUTH_AUDIENCE"},
		{"http issuer", func(c *config.HTTP) { c.OAuthIssuer = "http://login.example.com" }, "want https"},
		{"relative audience", func(c *config.HTTP) { c.OAuthAudience = "/mcp" }, "absolute URL"},
		{"audience with query", func(c *config.HTTP) { c.OAuthAudience = "https://mcp.example.com/mcp?x=1" }, "without user name, password, query or fragment"},
		{"issuer with password", func(c *config.HTTP) { c.OAuthIssuer = "https://u:p@login.example.com" }, "without user name"},
		{"empty scope", func(c *config.HTTP) { c.OAuthReadScope = "" }, "IONOS_MCP_OAUTH_READ_SCOPE"},
		{"same scopes", func(c *config.HTTP) { c.OAuthPowerScope = c.OAuthReadScope }, "must differ"},
		{"scope with space", func(c *config.HTTP) { c.OAuthPowerScope = "a b" }, "one scope name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := CheckHTTP(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "u:p@") {
				t.Error("the error repeats a password")
			}
		})
	}
}

func TestOAuthNeedsServerHeldCredentials(t *testing.T) {
	cfg := config.Config{HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthOAuth, OAuthIssuer: "https://login.example.com",
		OAuthAudience: "https://mcp.example.com/mcp", OAuthReadScope: "r", OAuthPowerScope: "p"}}
	srv, err := New(Options{Config: cfg, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, err = srv.Handler(HTTPOptions{})
	if err == nil || !strings.Contains(err.Error(), "IONOS_TOKEN") || !strings.Contains(err.Error(), "--sim") {
		t.Fatalf("error %v, want one asking for IONOS_TOKEN or --sim", err)
	}
}

func TestAccessTokenScopes(t *testing.T) {
	for _, tt := range []struct {
		claims string
		want   []string
	}{
		{`{"scope":"a b"}`, []string{"a", "b"}},
		{`{"scp":["b","c"]}`, []string{"b", "c"}},
		{`{"scp":"c d"}`, []string{"c", "d"}},
		{`{"scope":"a","scp":["a","z"]}`, []string{"a", "z"}},
		{`{"scope":42}`, nil},
		{`{}`, nil},
	} {
		var c accessClaims
		if err := json.Unmarshal([]byte(tt.claims), &c); err != nil {
			t.Fatal(err)
		}
		if got := c.scopes(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.claims, got, tt.want)
		}
	}
}

// oauthLogs collects logs written from several goroutines.
type oauthLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *oauthLogs) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *oauthLogs) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
