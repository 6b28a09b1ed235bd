// Package tools defines the MCP tools of ionos-mcp: their names,
// descriptions, annotations, typed inputs and outputs, and the confirmation
// of destructive actions. Handlers turn a tool call into calls of the domain
// client (internal/cloud); they never build URLs.
//
// One file per area: datacenters.go, servers.go, inventory.go, power.go,
// requests.go; confirm.go holds the confirmation flow, view.go its MCP Apps
// view (the offer and the app-only apply_power_decision), and errors.go the
// translation of errors into text that tells a model what to do next.
package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/guard"
	"github.com/ionos-mcp/ionos-mcp/internal/paging"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
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
	// Creds says where the credentials come from and who runs the tools,
	// so that errors name the right fix (see CredsOf).
	Creds Creds

	// WaitTimeout is the default bound of a write's wait (timeout_seconds). Default 40s.
	WaitTimeout time.Duration
	// MaxTimeout caps timeout_seconds. Default 300s.
	MaxTimeout time.Duration
	// ReadTimeout bounds every read tool call. Default 60s.
	ReadTimeout time.Duration

	// MaxSetSize is the most servers one power_servers call plans.
	// Default DefaultMaxSetSize.
	MaxSetSize int
	// Plans keeps the plans of power_servers that wait for a person's
	// decision; replicas share one (sharedstate.Redis). nil = this
	// process's memory.
	Plans PlanStore
}

// PlanStore keeps values for a while; sharedstate.Store is one.
type PlanStore interface {
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Get(ctx context.Context, key string) ([]byte, bool, error)
}

type toolset struct {
	Options
	log     *slog.Logger
	cursors *paging.Codec
	walks   *paging.Store[cloud.Inventory] // snapshots of list_servers walks in progress
	plans   PlanStore
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
	if t.plans = o.Plans; t.plans == nil {
		t.plans = sharedstate.NewMemory()
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
		srv.AddReceivingMiddleware(t.refuseWrites)
		return nil
	}
	for _, p := range powerTools {
		if p.confirm {
			add(srv, t, p.tool(), t.confirmedPower(p))
		} else {
			add(srv, t, p.tool(), t.power(p))
		}
	}
	add(srv, t, setTool, t.powerServers)
	add(srv, t, applyDecisionTool, t.applyDecision)
	add(srv, t, applySetDecisionTool, t.applySetDecision)
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
		res, out, err = h(ctx, req, in)
		var ce *credentialsError
		if errors.As(err, &ce) {
			ce.creds = t.Creds
		}
		return res, out, err
	})
}

// refuseWrites answers a call of a write tool in read-only mode. The tool
// is not registered, and the SDK would call it an unknown tool: the caller
// is told instead that the operator turned writes off, and how to turn
// them on. It stays a protocol error with the SDK's code for an unknown
// tool, as a call of a tool that tools/list does not offer is. The refusal
// is audited like any refused write.
func (t *toolset) refuseWrites(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, r mcp.Request) (mcp.Result, error) {
		req, ok := r.(*mcp.CallToolRequest)
		if method != "tools/call" || !ok || req.Params == nil || !isWriteTool(req.Params.Name) {
			return next(ctx, method, r)
		}
		name := req.Params.Name
		msg := fmt.Sprintf("%s is not available: this server runs in read-only mode (IONOS_MCP_READ_ONLY or --read-only), which offers only the read tools. "+
			"Nothing was sent to the API. To power servers on and off, remove --read-only and unset IONOS_MCP_READ_ONLY (or set it to false)%s", name, t.Creds.apply())
		if t.Audit != nil {
			var args struct {
				Server string `json:"server"`
			}
			_ = json.Unmarshal(req.Params.Arguments, &args) // the server as named, if the arguments say
			ev := audit.Event{Time: time.Now().UTC(), Tool: name, ServerRef: truncate(args.Server, 255), Caller: callerOf(req), Client: clientOf(req),
				Confirmation: "none", Status: "REFUSED", Error: msg}
			if err := t.Audit.Record(ev); err != nil {
				t.log.Error("audit log write failed", "err", err)
			}
		}
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: msg}
	}
}

// IsWriteTool reports whether name is one of the write tools, which
// read-only mode leaves out of tools/list but still answers (refuseWrites).
func IsWriteTool(name string) bool { return isWriteTool(name) }

// isWriteTool reports whether name is one of the write tools.
func isWriteTool(name string) bool {
	if name == applyDecisionTool.Name || name == applySetDecisionTool.Name || name == setToolName {
		return true
	}
	for _, p := range powerTools {
		if p.name == name {
			return true
		}
	}
	return false
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
