// Package cli holds the commands of ionos-mcp: serve, sim, demo, call, tools,
// doctor and version. It parses flags and wires the other packages together;
// the work itself lives in those packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/buildinfo"
)

// Streams are the standard streams of one invocation. Tests pass buffers.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// exitError carries an exit code through cobra without printing twice.
// shown marks an error the command already explained on stderr.
type exitError struct {
	code  int
	shown bool
	err   error
}

func (e *exitError) Error() string { return e.err.Error() }

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
func (e *exitError) Unwrap() error { return e.err }

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, s Streams) int {
	// MCP notifications (progress) and confirmation prompts are handled on
	// the session's goroutines while a command prints its result.
	s.Out, s.Err = &lockedWriter{w: s.Out}, &lockedWriter{w: s.Err}
	root := newRootCmd(s)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	// With --json, stdout stays JSON for scripts, and stderr keeps the
	// human line for the person watching.
	if wantsJSON(cmd, args) {
		writeErrorJSON(s.Out, err)
	}
	var ee *exitError
	if !errors.As(err, &ee) || !ee.shown {
		fmt.Fprintf(s.Err, "ionos-mcp: %v\n", err)
	}
	if ee != nil {
		return ee.code
	}
	return 1
}

func newRootCmd(s Streams) *cobra.Command {
	a := &app{s: s}
	var (
		f serverFlags
		h httpFlags
	)
	root := &cobra.Command{
		Use:   "ionos-mcp",
		Short: "MCP server for IONOS Cloud compute: data centers, servers, power actions, requests",
		Long: "ionos-mcp gives AI agents IONOS Cloud compute through the Model Context Protocol: list data centers and servers,\n" +
			"read a server, start, stop, reboot, suspend and resume it, and follow the request each write creates.\n" +
			"Without a command it serves MCP over stdio (same as `ionos-mcp serve`).",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Get().String(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd, &f, &h)
		},
	}
	// --version prints the same line as `ionos-mcp version`.
	root.SetVersionTemplate("{{.Version}}\n")
	f.register(root.Flags())
	h.register(root.Flags())
	root.PersistentFlags().StringVar(&a.envFile, "env-file", ".env", "read settings from this file when they are not in the environment")
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "", "debug, info, warn or error (IONOS_MCP_LOG_LEVEL); logs go to stderr")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(
		newServeCmd(a),
		newSimCmd(s),
		newDemoCmd(a),
		newCallCmd(a),
		newToolsCmd(a),
		newDoctorCmd(a),
		newVersionCmd(s),
	)
	return root
}
