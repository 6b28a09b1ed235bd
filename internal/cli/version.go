package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/buildinfo"
)

// Version is the version serverInfo and the User-Agent carry.
func Version() string { return buildinfo.Version() }

func newVersionCmd(s Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(buildinfo.Get())
			}
			_, err := fmt.Fprintln(s.Out, buildinfo.Get())
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
