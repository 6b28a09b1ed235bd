package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

func newToolsCmd(a *app) *cobra.Command {
	var (
		f      serverFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "tools",
		Short: "List the tools with their descriptions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.newCLIRuntime(cmd, &f, false)
			if err != nil {
				return err
			}
			defer r.Close()
			cs, err := connect(cmd.Context(), r.srv, nil)
			if err != nil {
				return err
			}
			defer cs.Close()
			res, err := cs.ListTools(cmd.Context(), nil)
			if err != nil {
				return err
			}
			if asJSON {
				b, err := json.MarshalIndent(res.Tools, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.s.Out, string(b))
				return err
			}
			width := outputWidth()
			for _, t := range res.Tools {
				printTool(a.s.Out, t, width)
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the tools/list answer as JSON")
	return cmd
}

func printTool(w io.Writer, t *mcp.Tool, width int) {
	kind := "read"
	if a := t.Annotations; a != nil && !a.ReadOnlyHint {
		kind = "write"
		if a.DestructiveHint != nil && *a.DestructiveHint {
			kind = "destructive, asks for confirmation"
		}
	}
	fmt.Fprintf(w, "%s (%s)\n", t.Name, kind)
	// Indented, so that each wrapped line stays under the tool's name.
	fmt.Fprintln(w, wrapText("  "+strings.ReplaceAll(t.Description, "\n", "\n  "), width))
	if args := argNames(t.InputSchema); len(args) > 0 {
		fmt.Fprintln(w, wrapText("  arguments: "+strings.Join(args, ", "), width))
	}
	fmt.Fprintln(w)
}

// argNames lists the properties of an input schema as the client received it.
func argNames(schema any) []string {
	m, _ := schema.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
