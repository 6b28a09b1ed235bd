package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	rate           float64
	maxInFlight    int
}

func (f *httpFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.addr, "http", "", "serve streamable HTTP at http://ADDR/mcp instead of stdio, e.g. 127.0.0.1:8080")
	fs.BoolVar(&f.stateful, "stateful", false, "with --http: keep sessions in memory (default: stateless, so replicas need no sticky sessions)")
	fs.StringVar(&f.auth, "auth", "token", "with --http: token (the server holds IONOS_TOKEN; clients send IONOS_MCP_HTTP_TOKEN) or passthrough (each client's bearer token is its own IONOS token)")
	fs.BoolVar(&f.insecure, "insecure-no-auth-on-public-interface", false, "with --http: allow serving a non-loopback address without authentication")
	fs.StringSliceVar(&f.allowedHosts, "allowed-hosts", nil, "with --http: Host names to accept (IONOS_MCP_ALLOWED_HOSTS); default on loopback: localhost, 127.0.0.1, ::1")
	fs.StringSliceVar(&f.allowedOrigins, "allowed-origins", nil, "with --http: Origin values to accept from browsers (IONOS_MCP_ALLOWED_ORIGINS)")
	fs.Float64Var(&f.rate, "rate-limit", 10, "with --http: requests per second per caller (burst twice that)")
	fs.IntVar(&f.maxInFlight, "max-in-flight", 64, "with --http: requests served at once")
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
