// Package tools defines the MCP tools of ionos-mcp: their names,
// descriptions, annotations, typed inputs and outputs, and the confirmation
// of destructive actions. Handlers turn a tool call into calls of the domain
// client (internal/cloud); they never build URLs.
//
// One file per area: datacenters.go, servers.go, power.go, requests.go;
// confirm.go holds the confirmation flow and errors.go the translation of
// errors into text that tells a model what to do next.
package tools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/guard"
	"github.com/ionos-mcp/ionos-mcp/internal/paging"
)

// ClientFunc returns the domain client that serves one tool call: a shared
// client with server-held credentials, or one built from the caller's own
// token in pass-through mode.
type ClientFunc func(ctx context.Context, req *mcp.CallToolRequest) (*cloud.Client, error)

// Options configure the tools.
type Options struct {
	Client   ClientFunc
	ReadOnly bool // register the read tools only
	Confirm  confirm.Policy
	Signer   *confirm.Signer // required unless ReadOnly or Confirm is None
	Guard    *guard.Guard    // nil = no protected servers, every data center
	Audit    audit.Recorder  // nil = no audit trail
	Logger   *slog.Logger
	// Cursors seals the cursors of list pages; nil = a random key (cursors
	// then verify only in this process). Replicas share one key.
	Cursors *paging.Codec
	// TextJSON makes the text content of list_servers the JSON of its
	// structuredContent instead of the compact lines (IONOS_MCP_TEXT=json).
	TextJSON bool

	// WaitTimeout is the default bound of a write's wait (timeout_seconds). Default 40s.
	WaitTimeout time.Duration
	// MaxTimeout caps timeout_seconds. Default 300s.
	MaxTimeout time.Duration
	// ReadTimeout bounds every read tool call. Default 60s.
	ReadTimeout time.Duration
}

type toolset struct {
	Options
	log     *slog.Logger
	cursors *paging.Codec
	walks   *paging.Store[cloud.Inventory] // snapshots of list_servers walks in progress
}

// Walk snapshots: how long they are kept, and how much. A walk of 10,000
// servers in pages of 500 takes 20 calls, a few seconds apart; 200,000
// servers held is about 60 MB at worst.
const (
	walkTTL        = 10 * time.Minute
	maxWalkItems   = 200_000
	walksPerCaller = 3
)

// Register adds the tools to srv: the read tools always, the write tools
// unless ReadOnly.
func Register(srv *mcp.Server, o Options) error {
	if o.Client == nil {
		return errors.New("tools: no client")
	}
	if !o.ReadOnly && o.Confirm != confirm.None && o.Signer == nil {
		return errors.New("tools: confirmation needs a signer")
	}
	if o.Confirm == "" {
		o.Confirm = confirm.Auto
	}
	t := &toolset{Options: o, log: o.Logger, cursors: o.Cursors, walks: paging.NewStore[cloud.Inventory](walkTTL, maxWalkItems, walksPerCaller, nil)}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	if t.cursors == nil {
		t.cursors = paging.NewCodec(confirm.RandomSecret(), walkTTL, nil)
	}
	t.WaitTimeout = orDefault(t.WaitTimeout, 40*time.Second)
	t.MaxTimeout = orDefault(t.MaxTimeout, 300*time.Second)
	t.ReadTimeout = orDefault(t.ReadTimeout, 60*time.Second)

	add(srv, t, listDatacentersTool, t.listDatacenters)
	add(srv, t, listServersTool, t.listServers)
	add(srv, t, getServerTool, t.getServer)
	add(srv, t, getRequestStatusTool, t.getRequestStatus)
	if o.ReadOnly {
		return nil
	}
	for _, p := range powerTools {
		if p.confirm {
			add(srv, t, p.tool(), t.confirmedPower(p))
		} else {
			add(srv, t, p.tool(), t.power(p))
		}
	}
	return nil
}

// add registers a typed tool behind a panic guard: the SDK does not recover
// panics in handlers, and one would end the whole process.
func add[In, Out any](srv *mcp.Server, t *toolset, def *mcp.Tool, h mcp.ToolHandlerFor[In, Out]) {
	tool := *def // the definitions are shared; a server gets its own copy
	tool.InputSchema, tool.OutputSchema = schemaFor[In](), schemaFor[Out]()
	mcp.AddTool(srv, &tool, func(ctx context.Context, req *mcp.CallToolRequest, in In) (res *mcp.CallToolResult, out Out, err error) {
		defer func() {
			if r := recover(); r != nil {
				t.log.Error("tool panicked", "tool", tool.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				var zero Out
				res, out, err = nil, zero, fmt.Errorf("internal error in %s; nothing more is known here and the server log has the details. Reads are safe to retry; for a power action, check the server's state with get_server before retrying", tool.Name)
			}
		}()
		return h(ctx, req, in)
	})
}

func (t *toolset) client(ctx context.Context, req *mcp.CallToolRequest) (*cloud.Client, error) {
	c, err := t.Client(ctx, req)
	if err != nil {
		return nil, explain(err)
	}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// readAnnotations are those of every read tool.
func readAnnotations(title string) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, DestructiveHint: ptr(false), IdempotentHint: true, OpenWorldHint: ptr(true)}
}
