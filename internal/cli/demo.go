package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/server"
)

const (
	promptInventory = "List my IONOS Cloud virtual data centers and the servers inside each, with their power state."
	promptStop      = "Find the IONOS server I name and stop it after confirming with me."
)

func newDemoCmd(a *app) *cobra.Command {
	var (
		name  string
		yes   bool
		scale float64
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Play the two example prompts end to end on the embedded simulator",
		Long: "Starts the embedded IONOS Cloud API simulator (no account, no network) and plays the two example prompts\n" +
			"through a real MCP client session: the inventory in one list_servers call, then one stop_server call by name\n" +
			"that asks you to confirm, shows the request's progress and ends when the server is SHUTOFF.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.demo(cmd.Context(), name, yes, scale)
		},
	}
	cmd.Flags().StringVar(&name, "server", "etl-1", "the server to stop")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "answer yes to the confirmation (for non-interactive runs)")
	cmd.Flags().Float64Var(&scale, "time-scale", 0.3, "multiply the simulator's action durations (1 = realistic pace)")
	return cmd
}

func (a *app) demo(ctx context.Context, name string, yes bool, scale float64) error {
	w := a.s.Out
	cfg := config.Config{Confirm: "auto", LogLevel: 8, CLI: true} // the demo prints its own story; logs only on errors
	log := a.logger(cfg)
	simSrv, err := startSim(&cfg, scale, log)
	if err != nil {
		return err
	}
	defer simSrv.Close()
	srv, err := server.New(server.Options{Config: cfg, Version: Version(), Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	cs, err := connect(ctx, srv, &mcp.ClientOptions{
		ElicitationHandler: terminalConfirm(a.s.In, w, yes),
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			fmt.Fprintf(w, "  … %s\n", req.Params.Message)
		},
	})
	if err != nil {
		return err
	}
	defer cs.Close()

	fmt.Fprintf(w, "ionos-mcp demo: the embedded IONOS Cloud API v6 simulator at %s, a real MCP session, no account.\n\n", simSrv.URL)
	fmt.Fprintf(w, "Prompt 1: %q\n", promptInventory)
	before := simSrv.Stats().Requests
	res, err := a.demoCall(ctx, cs, "list_servers", map[string]any{})
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(res.StructuredContent)
	fmt.Fprintln(w)
	if err := printInventory(w, raw, ""); err != nil {
		return err
	}
	var inv inventory
	_ = json.Unmarshal(raw, &inv)
	fmt.Fprintf(w, "\n%d data centers, %d servers: 1 tool call, %s.\n\n", inv.DatacenterTotal, inv.Total, plural(simSrv.Stats().Requests-before, "API request"))

	fmt.Fprintf(w, "Prompt 2: %q (server: %s)\n", promptStop, name)
	start := time.Now()
	res, err = a.demoCall(ctx, cs, "stop_server", map[string]any{"server": name})
	if err != nil {
		return err
	}
	return a.demoOutcome(w, res, time.Since(start))
}

// demoCall makes one tool call and prints it as an agent would make it.
func (a *app) demoCall(ctx context.Context, cs *mcp.ClientSession, tool string, args map[string]any) (*mcp.CallToolResult, error) {
	b, _ := json.Marshal(args)
	fmt.Fprintf(a.s.Out, "→ tool call: %s %s\n", tool, b)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args, Meta: mcp.Meta{"progressToken": tool}})
	if err != nil {
		return nil, err
	}
	if res.IsError {
		return nil, &exitError{code: 1, err: fmt.Errorf("%s failed: %s", tool, textOf(res))}
	}
	return res, nil
}

func (a *app) demoOutcome(w io.Writer, res *mcp.CallToolResult, took time.Duration) error {
	raw, _ := json.Marshal(res.StructuredContent)
	var out struct {
		Status    string `json:"status"`
		RequestID string `json:"requestId"`
		Message   string `json:"message"`
		Server    *struct {
			Name           string `json:"name"`
			VMState        string `json:"vmState"`
			State          string `json:"state"`
			DatacenterName string `json:"datacenterName"`
		} `json:"server"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n← %s\n", out.Message)
	if out.Status != "DONE" || out.Server == nil {
		fmt.Fprintf(w, "\nThe stop did not run (status %s): nothing was changed.\n", out.Status)
		return nil
	}
	fmt.Fprintf(w, "\nDone in one tool call and %s: %q in %q was confirmed by you, stopped by request %s (DONE), and is now %s (%s).\n",
		took.Round(100*time.Millisecond), out.Server.Name, out.Server.DatacenterName, out.RequestID, out.Server.VMState, out.Server.State)
	return nil
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
