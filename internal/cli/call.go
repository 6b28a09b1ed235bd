package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// callExamples are the examples of `call --help` and of the usage that a
// bare `call` prints.
const callExamples = `  ionos-mcp call list_servers datacenter=staging
  ionos-mcp call get_server server=web-1 datacenter=staging
  ionos-mcp call power_servers action=reboot labels=role=web dry_run=true
  ionos-mcp call get_server '{"server":"etl-1","depth":1}'
  ionos-mcp call --sim stop_server server=etl-1 --yes`

func newCallCmd(a *app) *cobra.Command {
	var (
		f      serverFlags
		asJSON bool
		yes    bool
	)
	cmd := &cobra.Command{
		Use:   "call TOOL [key=value ... | JSON]",
		Short: "Call one tool and print its result",
		Long: "Call one tool through a real in-process MCP session and print the result: a table or indented JSON,\n" +
			"or with --json the structured result as one JSON document (and a failure as {\"error\": {...}}).\n" +
			"Arguments are key=value words, typed by the tool's input schema (lists: servers=a,b or servers=a servers=b;\n" +
			"objects: filter.type=CUBE), or one JSON object. A tool or argument that does not exist is refused before\n" +
			"anything is sent. Confirmations of stop, reboot and suspend are asked on the terminal (y/N); --yes answers yes.\n" +
			"Exit status 1 when the call fails or the tool reports an error, 2 when no tool is named.",
		Example: callExamples,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				printCallUsage(a.s.Err)
				return usageError("call: name the tool to call, e.g. ionos-mcp call list_servers")
			}
			return a.call(cmd, &f, args[0], args[1:], asJSON, yes)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the structured result as JSON, and a failure as {\"error\": {...}}")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "answer yes to confirmation prompts")
	return cmd
}

// printCallUsage is what a bare `call` prints: how to write a call, not
// the whole flag list.
func printCallUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  ionos-mcp call TOOL [key=value ...]\n  ionos-mcp call TOOL '{\"key\":\"value\"}'\n\n"+
		"Examples:\n%s\n\n"+
		"Values take the type the tool's schema gives them; list several values as\n"+
		"servers=a,b or servers=a servers=b.\n"+
		"The tools and their arguments: ionos-mcp tools\n"+
		"Every flag: ionos-mcp call --help\n\n", callExamples)
}

func (a *app) call(cmd *cobra.Command, f *serverFlags, name string, words []string, asJSON, yes bool) error {
	r, err := a.newCLIRuntime(cmd, f, true)
	if err != nil {
		return err
	}
	defer r.Close()
	ctx := cmd.Context()
	width := outputWidth()
	progress := &progressPrinter{w: a.s.Err, prefix: "… "}
	cs, err := connect(ctx, r.srv, &mcp.ClientOptions{
		ElicitationHandler:          terminalConfirm(a.s.In, a.s.Err, yes, width),
		ProgressNotificationHandler: progress.handle,
	})
	if err != nil {
		return err
	}
	defer cs.Close()
	tool, err := findTool(ctx, cs, name, r.cfg.ReadOnly)
	if err != nil {
		return err
	}
	args, err := callArguments(tool, words)
	if err != nil {
		return err
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args, Meta: mcp.Meta{"progressToken": "cli"}})
	if err != nil {
		return err
	}
	return a.printResult(name, args, res, asJSON, width)
}

// findTool finds the tool in tools/list, which costs no API request, so
// that a mistyped name is refused with the names meant before anything is
// sent. A write tool that read-only mode leaves out comes back nil: the
// server itself says why it is not offered.
func findTool(ctx context.Context, cs *mcp.ClientSession, name string, readOnly bool) (*mcp.Tool, error) {
	var names []string
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if t.Name == name {
			return t, nil
		}
		if !appOnly(t) {
			names = append(names, t.Name)
		}
	}
	if readOnly && tools.IsWriteTool(name) {
		return nil, nil
	}
	msg := fmt.Sprintf("unknown tool %q", name)
	if near := closest(name, names); len(near) > 0 {
		msg += didYouMean(near)
	} else {
		msg += "; the tools are " + strings.Join(names, ", ")
	}
	return nil, &cliError{msg: msg, code: codeUnknownTool, hint: "`ionos-mcp tools` lists the tools with their arguments. Nothing was sent."}
}

// appOnly reports whether a tool is one that only a view calls, with a
// grant the view was given (MCP Apps visibility ["app"]): no name to offer
// a person at a shell.
func appOnly(t *mcp.Tool) bool {
	ui, _ := t.Meta["ui"].(map[string]any)
	vis, _ := ui["visibility"].([]any)
	return len(vis) > 0 && !slices.Contains(vis, any("model"))
}

// progressPrinter prints the progress notifications of a session, each
// message once: a wait that polls reports the same state more than once.
type progressPrinter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	last   string
}

func (p *progressPrinter) handle(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
	p.mu.Lock()
	defer p.mu.Unlock()
	msg := req.Params.Message
	if msg == "" || msg == p.last {
		return
	}
	p.last = msg
	fmt.Fprintf(p.w, "%s%s\n", p.prefix, msg)
}

// printResult prints a tool result; a tool error becomes exit status 1.
func (a *app) printResult(tool string, args map[string]any, res *mcp.CallToolResult, asJSON bool, width int) error {
	if res.IsError {
		return &exitError{code: 1, err: &cliError{msg: textOf(res), code: codeToolError}}
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
		return printInventory(a.s.Out, raw, filterText(args), width)
	case tool == "list_datacenters":
		return printDatacenters(a.s.Out, raw, width)
	case tool == "power_servers" || tool == "apply_set_decision":
		return printSet(a.s.Out, raw, width)
	}
	var msg struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &msg) == nil && msg.Message != "" {
		printWrapped(a.s.Out, width, "%s", msg.Message)
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
func terminalConfirm(in io.Reader, out io.Writer, yes bool, width int) func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	var mu sync.Mutex
	lines := bufio.NewReader(in)
	return func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, "\n%s\n", wrapText(req.Params.Message, width))
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
