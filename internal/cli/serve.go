package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func newServeCmd(a *app) *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve MCP over stdio (the default command)",
		Long: "Serve the IONOS Cloud tools over MCP on stdin/stdout, for clients such as Claude Desktop, Claude Code, VS Code and Cursor.\n" +
			"Credentials come from IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD); with --sim, from the embedded simulator.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd, &f)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) serve(cmd *cobra.Command, f *serverFlags) error {
	r, err := a.newRuntime(cmd, f)
	if err != nil {
		return err
	}
	defer r.Close()
	if r.cfg.HTTP.Addr != "" {
		return errors.New("serve --http is not available yet")
	}
	r.log.Info("serving MCP over stdio", "version", Version(), "config", r.cfg)
	return r.srv.RunStdio(cmd.Context(), nil)
}
