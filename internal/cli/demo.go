package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/server"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

const (
	promptInventory    = "List my IONOS Cloud virtual data centers and the servers inside each, with their power state."
	promptInventoryOne = "List the servers of my IONOS Cloud data center %s, with their power state."
	promptStop         = "Find the IONOS server I name and stop it after confirming with me."
)

// demoOptions are the flags of demo.
type demoOptions struct {
	server     string
	serverSet  bool // --server was given; else the demo picks one
	datacenter string
	yes        bool
	scale      float64
}

func newDemoCmd(a *app) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Play the two example prompts end to end on the embedded simulator",
		Long: "Starts the embedded IONOS Cloud API simulator (no account, no network) and plays the two example prompts\n" +
			"through a real MCP client session: the inventory in one list_servers call, then one stop_server call by name\n" +
			"that asks you to confirm, shows the request's progress and ends when the server is SHUTOFF.\n" +
			"With --datacenter, both prompts are about that one data center of the demo data.",
		Example: "  ionos-mcp demo\n" +
			"  ionos-mcp demo --datacenter staging\n" +
			"  ionos-mcp demo --yes --time-scale 0.05",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.serverSet = cmd.Flags().Changed("server")
			return a.demo(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.server, "server", "etl-1", "the server to stop (with --datacenter: default the first running server there that stop_server can stop)")
	cmd.Flags().StringVar(&o.datacenter, "datacenter", "", "play the demo in this data center of the demo data: "+strings.Join(demoDatacenters(), ", "))
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "answer yes to the confirmation (for non-interactive runs)")
	cmd.Flags().Float64Var(&o.scale, "time-scale", embeddedPace, timeScaleHelp)
	return cmd
}

// demoDatacenters are the names of the demo data's data centers.
func demoDatacenters() []string {
	var names []string
	for _, dc := range sim.DefaultDataset().Datacenters {
		names = append(names, dc.Name)
	}
	return names
}

// checkDemoDatacenter refuses a data center the demo data does not have,
// before a simulator is started for nothing.
func checkDemoDatacenter(name string) error {
	if name == "" || slices.ContainsFunc(demoDatacenters(), func(n string) bool { return strings.EqualFold(n, name) }) {
		return nil
	}
	return &cliError{msg: fmt.Sprintf("demo --datacenter %q: the demo data has no such data center", name), code: codeUsage,
		hint: "use one of " + strings.Join(demoDatacenters(), ", ")}
}

func (a *app) demo(ctx context.Context, o demoOptions) error {
	if err := checkTimeScale("--time-scale", o.scale); err != nil {
		return err
	}
	if err := checkDemoDatacenter(o.datacenter); err != nil {
		return err
	}
	w, width := a.s.Out, outputWidth()
	cfg := config.Config{Confirm: "auto", LogLevel: 8, CLI: true} // the demo prints its own story; logs only on errors
	log := a.logger(cfg)
	simSrv, err := startSim(&cfg, o.scale, log)
	if err != nil {
		return err
	}
	defer simSrv.Close()
	srv, err := server.New(server.Options{Config: cfg, Version: Version(), Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	progress := &progressPrinter{w: w, prefix: "  … "}
	cs, err := connect(ctx, srv, &mcp.ClientOptions{
		ElicitationHandler:          terminalConfirm(a.s.In, w, o.yes, width),
		ProgressNotificationHandler: progress.handle,
	})
	if err != nil {
		return err
	}
	defer cs.Close()

	printWrapped(w, width, "ionos-mcp demo: the embedded IONOS Cloud API v6 simulator at %s, a real MCP session, no account.\n", simSrv.URL)
	inv, err := a.demoInventory(ctx, cs, simSrv, o.datacenter, width)
	if err != nil {
		return err
	}
	name, err := demoServer(o, inv)
	if err != nil {
		return err
	}
	printWrapped(w, width, "Prompt 2: %q (server: %s)", promptStop, name)
	args := map[string]any{"server": name}
	if o.datacenter != "" {
		args["datacenter"] = o.datacenter
	}
	start := time.Now()
	res, err := a.demoCall(ctx, cs, "stop_server", args)
	if err != nil {
		return err
	}
	return a.demoOutcome(w, res, time.Since(start), width)
}

// demoInventory plays the first prompt: the whole account, or with a data
// center the servers of that one.
func (a *app) demoInventory(ctx context.Context, cs *mcp.ClientSession, simSrv *sim.Server, dc string, width int) (inventory, error) {
	w := a.s.Out
	prompt, args := promptInventory, map[string]any{}
	if dc != "" {
		prompt, args = fmt.Sprintf(promptInventoryOne, dc), map[string]any{"datacenter": dc}
	}
	printWrapped(w, width, "Prompt 1: %q", prompt)
	before := simSrv.Stats().Requests
	res, err := a.demoCall(ctx, cs, "list_servers", args)
	if err != nil {
		return inventory{}, err
	}
	raw, _ := json.Marshal(res.StructuredContent)
	fmt.Fprintln(w)
	if err := printInventory(w, raw, "", width); err != nil {
		return inventory{}, err
	}
	var inv inventory
	_ = json.Unmarshal(raw, &inv)
	printWrapped(w, width, "\n%s, %s: 1 tool call, %s.\n", plural(int64(inv.DatacenterTotal), "data center"), plural(int64(inv.Total), "server"),
		plural(simSrv.Stats().Requests-before, "API request"))
	return inv, nil
}

// demoServer is the server the second prompt stops: the one named, else in
// a data center of its own the first that stop_server can stop there (the
// default etl-1 lives in analytics only).
func demoServer(o demoOptions, inv inventory) (string, error) {
	if o.serverSet || o.datacenter == "" {
		return o.server, nil
	}
	for _, dc := range inv.Datacenters {
		for _, s := range dc.Servers {
			if s.VMState == "RUNNING" && (s.Type == "ENTERPRISE" || s.Type == "VCPU") {
				return s.Name, nil
			}
		}
	}
	return "", &cliError{msg: fmt.Sprintf("demo --datacenter %s: no running server there that stop_server can stop", o.datacenter),
		code: codeUsage, hint: "name one with --server"}
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

func (a *app) demoOutcome(w io.Writer, res *mcp.CallToolResult, took time.Duration, width int) error {
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
	printWrapped(w, width, "\n← %s", out.Message)
	if out.Status != "DONE" || out.Server == nil {
		printWrapped(w, width, "\nThe stop did not run (status %s): nothing was changed.", out.Status)
		return nil
	}
	printWrapped(w, width, "\nDone in one tool call and %s: %q in %q was confirmed by you, stopped by request %s (DONE), and is now %s (%s).",
		took.Round(100*time.Millisecond), out.Server.Name, out.Server.DatacenterName, out.RequestID, out.Server.VMState, out.Server.State)
	return nil
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
