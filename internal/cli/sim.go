package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSimCmd serves the simulated IONOS Cloud API. Placeholder until internal/sim lands.
func newSimCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "sim",
		Short: "Serve a simulated IONOS Cloud API v6 at http://ADDR/cloudapi/v6",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("sim: not built yet")
		},
	}
}
