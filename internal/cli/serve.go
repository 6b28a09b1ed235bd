package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/server"
)

// httpFlags are the flags of hosted mode.
type httpFlags struct {
	addr           string
	stateful       bool
	auth           string
	insecure       bool
	allowedHosts   []string
	allowedOrigins []string
	trustedProxies []string
	rate           float64
	maxInFlight    int
	oauth          oauthFlags
}

// oauthFlags are the flags of --auth oauth; each overrides its environment variable.
type oauthFlags struct {
	issuer, audience, readScope, powerScope string
}

func (f *httpFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.addr, "http", "", "serve streamable HTTP at http://ADDR/mcp instead of stdio, e.g. 127.0.0.1:8080")
	fs.BoolVar(&f.stateful, "stateful", false, "with --http: keep sessions in memory (default: stateless, so replicas need no sticky sessions)")
	fs.StringVar(&f.auth, "auth", "token", "with --http: token (the server holds IONOS_TOKEN; clients send IONOS_MCP_HTTP_TOKEN), passthrough (each client's bearer token is its own IONOS token) "+
		"or oauth (the server holds IONOS_TOKEN; clients send access tokens of the identity provider --oauth-issuer)")
	fs.BoolVar(&f.insecure, "insecure-no-auth-on-public-interface", false, "with --http: allow serving a non-loopback address without authentication")
	fs.StringSliceVar(&f.allowedHosts, "allowed-hosts", nil, "with --http: Host names to accept (IONOS_MCP_ALLOWED_HOSTS); default on loopback: localhost, 127.0.0.1, ::1")
	fs.StringSliceVar(&f.allowedOrigins, "allowed-origins", nil, "with --http: Origin values to accept from browsers (IONOS_MCP_ALLOWED_ORIGINS)")
	fs.StringSliceVar(&f.trustedProxies, "trusted-proxies", nil, "with --http: CIDRs of the load balancers in front (IONOS_MCP_TRUSTED_PROXIES); X-Forwarded-For is read only from them")
	fs.Float64Var(&f.rate, "rate-limit", 10, "with --http: calls per second per caller, each call of a batch counted (burst twice that)")
	fs.IntVar(&f.maxInFlight, "max-in-flight", 64, "with --http: calls served at once, each call of a batch counted")
	fs.StringVar(&f.oauth.issuer, "oauth-issuer", "", "with --auth oauth: issuer URL of the identity provider whose access tokens are accepted (IONOS_MCP_OAUTH_ISSUER)")
	fs.StringVar(&f.oauth.audience, "oauth-audience", "", "with --auth oauth: this endpoint's public URL, e.g. https://mcp.example.com/mcp; tokens must carry it in aud (IONOS_MCP_OAUTH_AUDIENCE)")
	fs.StringVar(&f.oauth.readScope, "oauth-read-scope", "", "with --auth oauth: scope that grants the read tools (IONOS_MCP_OAUTH_READ_SCOPE; default ionos-mcp:read)")
	fs.StringVar(&f.oauth.powerScope, "oauth-power-scope", "", "with --auth oauth: scope that grants every tool, power actions included (IONOS_MCP_OAUTH_POWER_SCOPE; default ionos-mcp:power)")
}

// applyOAuth lays the --oauth-* flags that were given over the environment's values.
func (f *httpFlags) applyOAuth(flags *pflag.FlagSet, c *config.HTTP) {
	for _, o := range []struct {
		flag string
		from string
		to   *string
	}{
		{"oauth-issuer", f.oauth.issuer, &c.OAuthIssuer},
		{"oauth-audience", f.oauth.audience, &c.OAuthAudience},
		{"oauth-read-scope", f.oauth.readScope, &c.OAuthReadScope},
		{"oauth-power-scope", f.oauth.powerScope, &c.OAuthPowerScope},
	} {
		if flags.Changed(o.flag) {
			*o.to = strings.TrimSpace(o.from)
		}
	}
}

func newServeCmd(a *app) *cobra.Command {
	var (
		f serverFlags
		h httpFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve MCP over stdio (the default command), or streamable HTTP with --http",
		Long: "Serve the IONOS Cloud tools over MCP on stdin/stdout, for clients such as Claude Desktop, Claude Code, VS Code and Cursor,\n" +
			"or with --http over streamable HTTP for a hosted endpoint (see docs/hosted.md).\n" +
			"Credentials come from IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD); with --sim, from the embedded simulator.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd, &f, &h)
		},
	}
	f.register(cmd.Flags())
	h.register(cmd.Flags())
	return cmd
}

func (a *app) serve(cmd *cobra.Command, f *serverFlags, h *httpFlags) error {
	r, err := a.newRuntime(cmd, f, h)
	if err != nil {
		return err
	}
	defer r.Close()
	if r.cfg.HTTP.Addr == "" {
		r.log.Info("serving MCP over stdio", "version", Version(), "config", r.cfg)
		// The command's own streams, which are stdin and stdout in the binary.
		return r.srv.RunStdio(cmd.Context(), r.srv.StdioTransport(a.s.In, a.s.Out))
	}
	return r.srv.ServeHTTP(cmd.Context(), server.HTTPOptions{RatePerSecond: h.rate, MaxInFlight: h.maxInFlight}, func(addr string) {
		r.log.Info("ready", "addr", addr)
	})
}
