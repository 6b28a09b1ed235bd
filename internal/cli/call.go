package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

func newCallCmd(a *app) *cobra.Command {
	var (
		f      serverFlags
		asJSON bool
		yes    bool
	)
	cmd := &cobra.Command{
		Use:   "call TOOL [JSON]",
		Short: "Call one tool and print its result",
		Long: "Call one tool through a real in-process MCP session and print the result: a table or indented JSON,\n" +
			"or with --json the structured result as one JSON document. Confirmations of stop, reboot and suspend are asked on\n" +
			"the terminal (y/N); --yes answers yes. Exit status 1 when the tool reports an error.",
		Example: "  ionos-mcp call list_servers\n" +
			"  ionos-mcp call get_server '{\"server\":\"web-1\",\"datacenter\":\"staging\"}'\n" +
			"  ionos-mcp call --sim stop_server '{\"server\":\"etl-1\"}' --yes",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var raw string
			if len(args) == 2 {
				raw = args[1]
			}
			return a.call(cmd, &f, args[0], raw, asJSON, yes)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the structured result as JSON")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "answer yes to confirmation prompts")
	return cmd
}

func (a *app) call(cmd *cobra.Command, f *serverFlags, tool, rawArgs string, asJSON, yes bool) error {
	args := map[string]any{}
	if strings.TrimSpace(rawArgs) != "" {
		if err := json.Unmarshal([]byte(rawArgs), &args); err != nil {
			return fmt.Errorf("arguments must be a JSON object, e.g. '{\"server\":\"web-1\"}': %w", err)
		}
	}
	r, err := a.newCLIRuntime(cmd, f, true)
	if err != nil {
		return err
	}
	defer r.Close()
	ctx := cmd.Context()
	cs, err := connect(ctx, r.srv, &mcp.ClientOptions{
		ElicitationHandler: terminalConfirm(a.s.In, a.s.Err, yes),
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			fmt.Fprintf(a.s.Err, "… %s\n", req.Params.Message)
		},
	})
	if err != nil {
		return err
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args, Meta: mcp.Meta{"progressToken": "cli"}})
	if err != nil {
		return err
	}
	return a.printResult(tool, args, res, asJSON)
}

// printResult prints a tool result; a tool error becomes exit status 1.
func (a *app) printResult(tool string, args map[string]any, res *mcp.CallToolResult, asJSON bool) error {
	if res.IsError {
		return &exitError{code: 1, err: errors.New(textOf(res))}
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if res.StructuredContent == nil {
		raw = []byte(textOf(res))
	}
	switch {
	case asJSON:
		_, err := fmt.Fprintln(a.s.Out, indentJSON(raw))
		return err
	case tool == "list_servers":
		return printInventory(a.s.Out, raw, filterText(args))
	case tool == "list_datacenters":
		return printDatacenters(a.s.Out, raw)
	case tool == "power_servers" || tool == "apply_set_decision":
		return printSet(a.s.Out, raw)
	}
	var msg struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &msg) == nil && msg.Message != "" {
		fmt.Fprintln(a.s.Out, msg.Message)
	}
	_, err := fmt.Fprintln(a.s.Out, indentJSON(raw))
	return err
}

// textOf joins the text blocks of a result.
func textOf(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// terminalConfirm answers the server's confirmation requests on a terminal:
// it shows the server's message and reads y or N. yes answers for the user
// in non-interactive runs; end of input counts as no.
func terminalConfirm(in io.Reader, out io.Writer, yes bool) func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	var mu sync.Mutex
	lines := bufio.NewReader(in)
	return func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, "\n%s\n", req.Params.Message)
		if yes {
			fmt.Fprintln(out, "Proceed? [y/N] y (--yes)")
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
		}
		fmt.Fprint(out, "Proceed? [y/N] ")
		line, err := lines.ReadString('\n')
		answer := strings.ToLower(strings.TrimSpace(line))
		if err != nil && answer == "" {
			fmt.Fprintln(out, "(no answer: no)")
			return &mcp.ElicitResult{Action: "decline"}, nil
		}
		if answer == "y" || answer == "yes" {
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
		}
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
}
