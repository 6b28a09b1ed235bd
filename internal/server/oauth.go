package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
)

// In OAuth mode (--auth oauth) the endpoint is an OAuth 2.1 resource server
// as the MCP authorization specification (2025-11-25) describes: clients
// present access tokens of one identity provider, JWTs as RFC 9068 defines
// them, and find that provider through the protected resource metadata of
// RFC 9728. The IONOS side stays a server-held token; the access token
// decides who the caller is and whether it may use the write tools.

// prmPath is the well-known path of protected resource metadata (RFC 9728).
const prmPath = "/.well-known/oauth-protected-resource"

// tokenLeeway is the clock skew allowed on exp, nbf and iat.
const tokenLeeway = 30 * time.Second

// checkOAuth validates the settings of --auth oauth.
func checkOAuth(c config.HTTP) error {
	if c.OAuthIssuer == "" || c.OAuthAudience == "" {
		return errors.New("--auth oauth needs the identity provider and this endpoint's public URL: set IONOS_MCP_OAUTH_ISSUER (or --oauth-issuer), " +
			"e.g. https://login.example.com/realms/team, and IONOS_MCP_OAUTH_AUDIENCE (or --oauth-audience), e.g. https://mcp.example.com/mcp")
	}
	if _, err := checkOAuthURL("IONOS_MCP_OAUTH_ISSUER", c.OAuthIssuer); err != nil {
		return err
	}
	aud, err := checkOAuthURL("IONOS_MCP_OAUTH_AUDIENCE", c.OAuthAudience)
	if err != nil {
		return err
	}
	if strings.ContainsFunc(aud.Path, func(r rune) bool { return !pathChar(r) }) {
		return fmt.Errorf("IONOS_MCP_OAUTH_AUDIENCE %q: its path may hold only letters, digits and - . _ ~ /", c.OAuthAudience)
	}
	for _, sc := range []struct{ name, v string }{
		{"IONOS_MCP_OAUTH_READ_SCOPE", c.OAuthReadScope},
		{"IONOS_MCP_OAUTH_POWER_SCOPE", c.OAuthPowerScope},
	} {
		if sc.v == "" || strings.ContainsAny(sc.v, " \t\"\\") {
			return fmt.Errorf("%s %q: want one scope name, without spaces or quotes (default %s and %s)", sc.name, sc.v,
				config.DefaultOAuthReadScope, config.DefaultOAuthPowerScope)
		}
	}
	if c.OAuthReadScope == c.OAuthPowerScope {
		return fmt.Errorf("IONOS_MCP_OAUTH_READ_SCOPE and IONOS_MCP_OAUTH_POWER_SCOPE are both %q: the power scope must differ from the read scope", c.OAuthReadScope)
	}
	return nil
}

// checkOAuthURL accepts an absolute https URL, or http for a loopback host
// (a local identity provider in development and tests).
func checkOAuthURL(name, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%s: want an absolute URL such as https://login.example.com", name)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// Redacted: a password in the URL must not reach the error.
		return nil, fmt.Errorf("%s %q: want a URL without user name, password, query or fragment", name, u.Redacted())
	}
	if err := checkFetchURL(raw); err != nil {
		return nil, fmt.Errorf("%s %q: %w", name, raw, err)
	}
	return u, nil
}

// checkFetchURL refuses plain http except on loopback, where nothing can
// listen in.
func checkFetchURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return errors.New("want https (http only for a loopback host such as 127.0.0.1)")
}

func pathChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/", r)
}

// resourceServer authenticates the callers of OAuth mode and picks the MCP
// server that serves each: the read-only one unless the token carries the
// power scope.
type resourceServer struct {
	s          *Server
	issuer     string
	audience   string
	readScope  string
	powerScope string
	// metadataURL is where clients find the protected resource metadata. It
	// is derived from the audience, never from a request's Host, which a
	// caller controls.
	metadataURL string
	metadata    *oauthex.ProtectedResourceMetadata
	keys        *keySource
	readOnly    *mcp.Server
	full        *mcp.Server
}

// authGuard is a middleware that lets only authenticated requests through.
type authGuard interface {
	wrap(http.Handler) http.Handler
}

// mcpServers returns the getServer of the streamable HTTP handler and, in
// OAuth mode, the resource server that authenticates the callers (nil in
// the other modes).
func (s *Server) mcpServers() (func(*http.Request) *mcp.Server, *resourceServer, error) {
	if s.cfg.HTTP.Auth == AuthOAuth {
		rs, err := s.newResourceServer()
		if err != nil {
			return nil, nil, err
		}
		return rs.server, rs, nil
	}
	srv, err := s.MCPServer(s.callerClient)
	if err != nil {
		return nil, nil, err
	}
	return func(*http.Request) *mcp.Server { return srv }, nil, nil
}

func (s *Server) newResourceServer() (*resourceServer, error) {
	c := s.cfg.HTTP
	if s.shared == nil {
		return nil, errors.New("--auth oauth acts on IONOS with the server's own credentials, and there are none: " +
			"set IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD), or try it with --sim; " +
			"to act with each user's own IONOS token instead, use --auth passthrough")
	}
	aud, err := url.Parse(c.OAuthAudience)
	if err != nil {
		return nil, fmt.Errorf("IONOS_MCP_OAUTH_AUDIENCE: %w", err)
	}
	rs := &resourceServer{
		s: s, issuer: c.OAuthIssuer, audience: c.OAuthAudience, readScope: c.OAuthReadScope, powerScope: c.OAuthPowerScope,
		metadataURL: aud.Scheme + "://" + aud.Host + prmPath + strings.TrimSuffix(aud.Path, "/"),
		keys:        newKeySource(c.OAuthIssuer, s.log),
	}
	rs.metadata = &oauthex.ProtectedResourceMetadata{
		Resource:               rs.audience,
		AuthorizationServers:   []string{rs.issuer},
		ScopesSupported:        []string{rs.readScope, rs.powerScope},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "ionos-mcp: IONOS Cloud compute",
	}
	// Both servers are built once: a request only chooses between them.
	if rs.readOnly, err = s.mcpServer(s.callerClient, true); err != nil {
		return nil, err
	}
	if rs.full, err = s.mcpServer(s.callerClient, s.cfg.ReadOnly); err != nil {
		return nil, err
	}
	if c.Token != "" {
		s.log.Warn("IONOS_MCP_HTTP_TOKEN is ignored with --auth oauth: clients present access tokens of the identity provider")
	}
	s.log.Info("OAuth resource server: accepting access tokens of the identity provider for this audience",
		"issuer", rs.issuer, "audience", rs.audience, "metadata", rs.metadataURL,
		"read_scope", rs.readScope, "power_scope", rs.powerScope)
	return rs, nil
}

// mount serves the protected resource metadata, at the root well-known URL
// and at the one with the audience's path inserted (RFC 9728 section 3.1),
// which is the one the WWW-Authenticate header names.
func (rs *resourceServer) mount(mux *http.ServeMux) {
	h := auth.ProtectedResourceMetadataHandler(rs.metadata)
	mux.Handle(prmPath, h)
	if u, err := url.Parse(rs.metadataURL); err == nil && u.Path != prmPath {
		mux.Handle(u.Path, h)
	}
}

// server is the getServer of the streamable HTTP handler.
func (rs *resourceServer) server(r *http.Request) *mcp.Server {
	if ti := auth.TokenInfoFromContext(r.Context()); ti != nil && slices.Contains(ti.Scopes, rs.powerScope) {
		return rs.full
	}
	return rs.readOnly
}

// oauthRefusal is why a request was not let through. msg is safe to show
// the caller: it holds no token and no secret.
type oauthRefusal struct {
	status int    // 401, 403 or 503
	code   string // the RFC 6750 error code; "" for a request without a token
	msg    string
}

func (rs *resourceServer) wrap(next http.Handler) http.Handler {
	// The go-sdk reads the caller from a TokenInfo that only its own
	// middleware can place; it takes the one authenticate made.
	next = auth.RequireBearerToken(tokenFromGuard, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: rs.metadataURL, ClockSkew: tokenLeeway,
	})(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ti, no := rs.authenticate(r)
		if no != nil {
			rs.refuse(w, no)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenInfoKey{}, ti)))
	})
}

func (rs *resourceServer) authenticate(r *http.Request) (*auth.TokenInfo, *oauthRefusal) {
	raw, ok := bearer(r)
	if !ok {
		return nil, &oauthRefusal{status: http.StatusUnauthorized, msg: "missing bearer token: this endpoint accepts access tokens of the identity provider " +
			rs.issuer + "; sign in there (your MCP client finds it through " + rs.metadataURL + ") and send the token as Authorization: Bearer <token>"}
	}
	claims, err := rs.verify(r.Context(), raw)
	if err != nil {
		return nil, rs.refusalOf(err)
	}
	scopes := claims.scopes()
	if !slices.Contains(scopes, rs.readScope) && !slices.Contains(scopes, rs.powerScope) {
		return nil, &oauthRefusal{status: http.StatusForbidden, code: "insufficient_scope",
			msg: fmt.Sprintf("the access token grants neither %s nor %s: ask the identity provider for a token with scope %s (read tools) or %s (every tool)",
				rs.readScope, rs.powerScope, rs.readScope, rs.powerScope)}
	}
	return &auth.TokenInfo{
		Scopes:     scopes,
		Expiration: claims.Expiry.Time(),
		// The audit log and confirmations name the caller by this; it
		// is the identity provider's subject, never the token.
		UserID: "oidc:" + claims.Subject,
		Extra:  map[string]any{clientKey: rs.s.shared},
	}, nil
}

func (rs *resourceServer) refusalOf(err error) *oauthRefusal {
	var bad *invalidToken
	if errors.As(err, &bad) {
		rs.s.log.Debug("refused an access token", "reason", bad.reason)
		return &oauthRefusal{status: http.StatusUnauthorized, code: "invalid_token", msg: "invalid access token: " + bad.reason}
	}
	// Debug: keySource warns once per failed fetch, not once per request.
	rs.s.log.Debug("cannot verify an access token", "issuer", rs.issuer, "err", err)
	return &oauthRefusal{status: http.StatusServiceUnavailable,
		msg: "cannot verify access tokens right now: the signing keys of the identity provider " + rs.issuer + " cannot be fetched; retry shortly"}
}

// refuse answers a refused request. 401 and 403 carry the challenge of RFC
// 6750 section 3 with the metadata URL and scope of the MCP authorization
// specification; 503 carries none, so that clients keep their token.
func (rs *resourceServer) refuse(w http.ResponseWriter, no *oauthRefusal) {
	if no.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	} else {
		w.Header().Set("WWW-Authenticate", rs.challenge(no))
	}
	http.Error(w, no.msg, no.status)
}

func (rs *resourceServer) challenge(no *oauthRefusal) string {
	params := []string{
		`resource_metadata="` + rs.metadataURL + `"`,
		`scope="` + rs.readScope + `"`,
	}
	if no.code != "" {
		params = append(params, `error="`+no.code+`"`, `error_description="`+quotable(no.msg)+`"`)
	}
	return "Bearer " + strings.Join(params, ", ")
}

// quotable keeps the characters RFC 6750 allows in error_description.
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"' || r == '\\':
			return '\''
		case r < 0x20 || r > 0x7e:
			return -1
		}
		return r
	}, s)
}

// shown is a value from a token, fit to be quoted back to its sender.
func shown(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return quotable(s)
}

// invalidToken is a token refused for a reason the caller may read.
type invalidToken struct{ reason string }

func (e *invalidToken) Error() string { return "invalid access token: " + e.reason }

func invalid(format string, args ...any) error {
	return &invalidToken{reason: fmt.Sprintf(format, args...)}
}

// signingAlgs are the algorithms an access token may be signed with:
// asymmetric ones only. "none" and the HMAC algorithms are refused, so that
// neither an unsigned token nor one "signed" with a public key used as an
// HMAC secret can pass.
func signingAlgs() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}
}

// accessClaims are the claims of an RFC 9068 access token that matter here.
type accessClaims struct {
	jwt.Claims
	Scope json.RawMessage `json:"scope"` // space-delimited (RFC 9068, RFC 8693)
	Scp   json.RawMessage `json:"scp"`   // a string or an array, as some identity providers write it
}

// verify checks an access token: signature by a key of the issuer, iss,
// aud, exp, nbf and iat.
func (rs *resourceServer) verify(ctx context.Context, raw string) (*accessClaims, error) {
	jws, err := jose.ParseSignedCompact(raw, signingAlgs())
	if err != nil {
		return nil, invalid("it is not a JWT signed with an RS, PS, ES or EdDSA algorithm (unsigned and HMAC-signed tokens are refused)")
	}
	h := jws.Signatures[0].Header
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); !accessTokenType(typ) {
		return nil, invalid("its typ header is %s, not that of an access token (at+jwt)", shown(typ))
	}
	payload, err := rs.checkSignature(ctx, jws, h)
	if err != nil {
		return nil, err
	}
	var c accessClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, invalid("its claims are not a JSON object of the expected types")
	}
	if err := rs.checkClaims(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// accessTokenType accepts the typ of RFC 9068 and also "JWT" or none:
// many identity providers write those on access tokens. An ID token, which
// has the same typ, is refused by the audience check instead.
func accessTokenType(typ string) bool {
	switch strings.ToLower(typ) {
	case "", "jwt", "at+jwt", "application/at+jwt":
		return true
	}
	return false
}

func (rs *resourceServer) checkSignature(ctx context.Context, jws *jose.JSONWebSignature, h jose.Header) ([]byte, error) {
	keys, err := rs.keys.lookup(ctx, h.KeyID, h.Algorithm)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if payload, err := jws.Verify(&keys[i]); err == nil {
			return payload, nil
		}
	}
	return nil, invalid("its signature does not verify with the signing keys that %s publishes", rs.issuer)
}

func (rs *resourceServer) checkClaims(c *accessClaims) error {
	switch err := c.ValidateWithLeeway(jwt.Expected{Issuer: rs.issuer, AnyAudience: jwt.Audience{rs.audience}, Time: rs.keys.now()}, tokenLeeway); {
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return invalid("it was issued by %s, not by %s", shown(c.Issuer), rs.issuer)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return invalid("it is not meant for this server: its aud does not hold %s (ask for it with the resource parameter)", rs.audience)
	case errors.Is(err, jwt.ErrExpired):
		return invalid("it has expired; get a new one from the identity provider")
	case errors.Is(err, jwt.ErrNotValidYet):
		return invalid("it is not valid yet (nbf)")
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return invalid("it was issued in the future (iat); check the clocks")
	case err != nil:
		return invalid("its claims do not validate")
	}
	if c.Expiry == nil {
		return invalid("it has no exp claim")
	}
	if c.Subject == "" {
		return invalid("it has no sub claim")
	}
	return nil
}

// scopes are the token's scopes, from scope and scp together.
func (c *accessClaims) scopes() []string {
	var out []string
	for _, raw := range []json.RawMessage{c.Scope, c.Scp} {
		var s string
		var list []string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			out = append(out, strings.Fields(s)...)
		case json.Unmarshal(raw, &list) == nil:
			out = append(out, list...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
