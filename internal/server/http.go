package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
)

// HTTP limits. They bound what one request can cost the server.
const (
	maxBodyBytes   = 1 << 20
	maxHeaderBytes = 32 << 10
	// writeTimeout must outlast the longest tool call (a write waiting for
	// up to 300 s) plus the confirmation round trip.
	writeTimeout  = 6 * time.Minute
	shutdownGrace = 60 * time.Second
)

// The auth modes of serve --http.
const (
	AuthToken       = "token"       // server-held IONOS credentials; clients present IONOS_MCP_HTTP_TOKEN
	AuthPassthrough = "passthrough" // each client's bearer token is its own IONOS token
	AuthOAuth       = "oauth"       // server-held IONOS credentials; clients present access tokens of an OAuth identity provider
)

// HTTPOptions tune the hosted endpoint beyond the Config.
type HTTPOptions struct {
	RatePerSecond float64 // calls per second per caller (each call of a batch counts); 0 = 10
	MaxInFlight   int     // calls served at once (each call of a batch counts); 0 = 64
}

// CheckHTTP validates the hosted-mode settings before anything listens.
func CheckHTTP(c config.HTTP) error {
	if c.Auth != AuthToken && c.Auth != AuthPassthrough && c.Auth != AuthOAuth {
		return fmt.Errorf("--auth %q: want %s, %s or %s", c.Auth, AuthToken, AuthPassthrough, AuthOAuth)
	}
	if c.Auth == AuthOAuth {
		if err := checkOAuth(c); err != nil {
			return err
		}
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--http %q: want HOST:PORT, e.g. 127.0.0.1:8080: %w", c.Addr, err)
	}
	open := c.Auth == AuthToken && c.Token == ""
	if open && !isLoopback(host) && !c.InsecureNoAuth {
		return fmt.Errorf("refusing to serve %s without authentication: set IONOS_MCP_HTTP_TOKEN (clients then send it as a bearer token), "+
			"use --auth passthrough, or bind to 127.0.0.1; --insecure-no-auth-on-public-interface overrides this", c.Addr)
	}
	if c.Token != "" && len(c.Token) < 16 {
		return errors.New("IONOS_MCP_HTTP_TOKEN must be at least 16 characters (for example: openssl rand -hex 32)")
	}
	if _, err := newSources(c.TrustedProxies); err != nil {
		return err
	}
	return nil
}

// Handler returns the hosted endpoint: /mcp (streamable HTTP) and /healthz,
// and in OAuth mode the protected resource metadata.
func (s *Server) Handler(o HTTPOptions) (http.Handler, error) {
	c := s.cfg.HTTP
	if err := CheckHTTP(c); err != nil {
		return nil, err
	}
	servers, rs, err := s.mcpServers()
	if err != nil {
		return nil, err
	}
	mcpHandler := mcp.NewStreamableHTTPHandler(servers, &mcp.StreamableHTTPOptions{
		Stateless:           !c.Stateful,
		Logger:              s.sdkLog(),
		MaxRequestBodyBytes: maxBodyBytes,
		// Host and Origin are checked below, with the operator's allow-lists.
		DisableLocalhostProtection: true,
	})
	src, err := newSources(c.TrustedProxies)
	if err != nil {
		return nil, err
	}
	var authn authGuard = newAuthenticator(s, c, src)
	if rs != nil {
		authn = rs
	}
	lim := newLimiter(o.RatePerSecond, o.MaxInFlight, src, s.state)
	// Outside in: Host and Origin, then who is calling, then how much.
	h := newOriginGuard(c).wrap(authn.wrap(lim.wrap(mcpHandler)))

	mux := http.NewServeMux()
	if rs != nil {
		rs.mount(mux) // the protected resource metadata: public, like /healthz
	}
	mux.Handle("/mcp", h)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	return mux, nil
}

// ServeHTTP listens on the configured address until ctx ends, then lets
// calls in flight finish (up to a minute) before returning.
func (s *Server) ServeHTTP(ctx context.Context, o HTTPOptions, ready func(addr string)) error {
	h, err := s.Handler(o)
	if err != nil {
		return err
	}
	if s.cfg.ConfirmKey == "" && !s.cfg.ReadOnly && s.cfg.Confirm != confirm.None {
		s.log.Warn("IONOS_MCP_CONFIRM_KEY is unset: confirmation tokens are signed with a random key, so with several replicas a token from one is refused by the others")
	}
	if s.cfg.ConfirmKey != "" && !s.state.Shared() && !s.cfg.ReadOnly && s.cfg.Confirm != confirm.None {
		s.log.Warn("IONOS_MCP_CONFIRM_KEY is set, so other replicas may accept this one's confirmations, but without IONOS_MCP_REDIS_URL a confirmation is single-use per replica only: " +
			"the same one sent to two replicas can run twice. Set IONOS_MCP_REDIS_URL when you run more than one replica")
	}
	if s.cfg.HTTP.Auth == AuthToken && s.cfg.HTTP.Token == "" {
		s.log.Warn("serving without authentication on a loopback address: any local process can use the server's IONOS credentials")
	}
	ln, err := net.Listen("tcp", s.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.cfg.HTTP.Addr, err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          nil,
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	s.log.Info("serving MCP over streamable HTTP", "url", "http://"+ln.Addr().String()+"/mcp",
		"stateless", !s.cfg.HTTP.Stateful, "auth", s.cfg.HTTP.Auth)
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-done:
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: letting calls in flight finish", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return nil
}

// callerClient serves a call with the client the authenticator chose for
// the caller; stdio and in-process calls carry no token info and use the
// shared client.
func (s *Server) callerClient(_ context.Context, req *mcp.CallToolRequest) (*cloud.Client, error) {
	if req != nil && req.Extra != nil && req.Extra.TokenInfo != nil {
		if c, ok := req.Extra.TokenInfo.Extra[clientKey].(*cloud.Client); ok {
			return c, nil
		}
	}
	return s.Client()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fingerprint is a stable, non-reversible name for a secret: the first 16
// hex digits of its SHA-256. It identifies callers in logs and the audit
// trail without revealing their token.
func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}

func constantTimeEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// bearer extracts the bearer token of a request.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
