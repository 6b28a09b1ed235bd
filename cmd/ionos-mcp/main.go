// Command ionos-mcp is an MCP server and command-line front for IONOS Cloud
// compute: data centers, servers, power actions and the requests they create.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ionos-mcp/ionos-mcp/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
