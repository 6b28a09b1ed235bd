// Package server builds the MCP server of ionos-mcp from a Config and runs
// it over stdio or streamable HTTP.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/audit"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/guard"
	"github.com/ionos-mcp/ionos-mcp/internal/paging"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// Options are what New needs besides the Config.
type Options struct {
	Config  config.Config
	Version string
	Logger  *slog.Logger // nil = discard
	// HTTPClient replaces the API client's own HTTP stack (tests, benchmarks).
	HTTPClient *http.Client
	// Poll paces waits; zero = cloud.DefaultPoll.
	Poll cloud.Poll
}

// Server is a configured MCP server.
type Server struct {
	cfg     config.Config
	version string
	log     *slog.Logger
	guard   *guard.Guard
	audit   *audit.Log
	signer  *confirm.Signer
	cursors *paging.Codec
	opts    Options
	shared  *cloud.Client  // server-held credentials; nil when there are none
	learner *cloud.Learner // what waits took, shared by every client of the process
	credErr error          // why there is no shared client
	cache   *mcp.SchemaCache
	// state is what replicas share: spent confirmations, rate budgets.
	// In memory unless hosted mode has IONOS_MCP_REDIS_URL.
	state sharedstate.Store
}

const instructions = "IONOS Cloud compute: data centers, servers, power actions and the asynchronous requests they create. " +
	"Servers and data centers can be named by name or id. list_servers without a datacenter covers the whole account in one call. " +
	"Power actions wait until done and return a requestId; stop, reboot and suspend need a person's decision first: " +
	"the client's prompt or the confirmation view asks them where the client can, else the result asks you to get their agreement."

// New validates the configuration and prepares the server. It makes no API call.
func New(o Options) (*Server, error) {
	s := &Server{cfg: o.Config, version: o.Version, log: o.Logger, opts: o, cache: mcp.NewSchemaCache(), learner: cloud.NewLearner()}
	if s.opts.HTTPClient == nil {
		// One connection pool for every client this server builds, the
		// per-caller clients of pass-through mode included.
		s.opts.HTTPClient = cloud.NewHTTPClient(s.cfg.PinnedCert)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.guard, err = guard.New(s.cfg.Protect, s.cfg.Datacenters); err != nil {
		return nil, err
	}
	if s.state, err = s.openState(); err != nil {
		return nil, err
	}
	secret := []byte(s.cfg.ConfirmKey)
	if len(secret) == 0 {
		secret = confirm.RandomSecret()
	}
	if s.signer, err = confirm.NewSigner(secret, 5*time.Minute, confirm.WithLedger(s.state)); err != nil {
		return nil, err
	}
	// Cursors of list pages verify on every replica that shares the key.
	s.cursors = paging.NewCodec(secret, 10*time.Minute, nil)
	if s.cfg.AuditLog != "" {
		if s.audit, err = audit.Open(s.cfg.AuditLog); err != nil {
			return nil, err
		}
	}
	if s.cfg.Confirm == confirm.None && !s.cfg.ReadOnly {
		s.log.Warn("IONOS_MCP_CONFIRM=none: stop, reboot and suspend run without asking anyone")
	}
	if s.cfg.HTTP.Auth == AuthPassthrough && s.cfg.HTTP.Addr != "" {
		if s.cfg.HasCredentials() {
			s.log.Warn("pass-through mode: IONOS_TOKEN / IONOS_USERNAME are ignored; each caller's own token is used")
		}
		s.cfg.Token, s.cfg.Username, s.cfg.Password = "", "", ""
	}
	s.shared, s.credErr = s.newClient(s.cfg.Token, s.cfg.Username, s.cfg.Password)
	if s.credErr != nil && !errors.Is(s.credErr, cloud.ErrNoCredentials) {
		return nil, s.credErr
	}
	return s, nil
}

// openState connects to the Redis of a hosted deployment, or keeps the
// state in memory. A Redis that does not answer yet is not fatal: the
// replica starts, refuses confirmed actions and paces alone until it does.
func (s *Server) openState() (sharedstate.Store, error) {
	url := s.cfg.HTTP.RedisURL
	if url == "" {
		return sharedstate.NewMemory(), nil
	}
	if s.cfg.HTTP.Addr == "" {
		s.log.Warn("IONOS_MCP_REDIS_URL is ignored over stdio: one process needs no shared state")
		return sharedstate.NewMemory(), nil
	}
	r, err := sharedstate.OpenRedis(context.Background(), url)
	if r == nil {
		return nil, err
	}
	if err != nil {
		s.log.Warn("cannot use Redis (IONOS_MCP_REDIS_URL) yet: confirmed actions are refused and limits are per replica until it answers; check its address and password", "err", err)
	}
	return sharedstate.NewResilient(r, s.log), nil
}

// budget is the API rate budget that clients share with other replicas,
// or nil when this process is alone.
func (s *Server) budget() transport.Budget {
	if !s.state.Shared() {
		return nil
	}
	return s.state
}

// newClient builds a domain client for one set of credentials.
func (s *Server) newClient(token, user, pass string) (*cloud.Client, error) {
	return cloud.New(cloud.Config{
		Token: token, Username: user, Password: pass,
		APIURL: s.cfg.APIURL, ContractNumber: s.cfg.ContractNumber, PinnedCert: s.cfg.PinnedCert,
		UserAgent:  "ionos-mcp/" + s.version,
		HTTPClient: s.opts.HTTPClient,
		Poll:       s.opts.Poll,
		Scope:      s.guard.DatacenterAllowed,
		Learner:    s.learner,
		Logger:     s.log,
		Budget:     s.budget(),
	})
}

// Client is the shared domain client, or the reason there is none.
func (s *Server) Client() (*cloud.Client, error) {
	if s.shared == nil {
		return nil, s.credErr
	}
	return s.shared, nil
}

// MCPServer builds an *mcp.Server with the tools registered. clients
// decides which domain client serves a call.
func (s *Server) MCPServer(clients tools.ClientFunc) (*mcp.Server, error) {
	return s.mcpServer(clients, s.cfg.ReadOnly)
}

// mcpServer is MCPServer with the read-only choice made by the caller:
// hosted OAuth mode serves callers without the power scope a server that
// has no write tool at all, whatever the operator's setting.
func (s *Server) mcpServer(clients tools.ClientFunc, readOnly bool) (*mcp.Server, error) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "ionos-mcp", Title: "IONOS Cloud compute", Version: s.version}, &mcp.ServerOptions{
		Logger:       s.sdkLog(),
		Instructions: instructions,
		// Tools, and the views of MCP Apps as resources; no logging
		// capability (deprecated in 2026-07-28), no prompts.
		Capabilities: &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{}, Resources: &mcp.ResourceCapabilities{}},
		SchemaCache:  s.cache,
	})
	srv.AddReceivingMiddleware(declaredOnly)
	srv.AddReceivingMiddleware(s.callLog)
	var rec audit.Recorder
	if s.audit != nil {
		rec = s.audit
	}
	err := tools.Register(srv, tools.Options{
		Client:      clients,
		ReadOnly:    readOnly,
		Confirm:     s.cfg.Confirm,
		Signer:      s.signer,
		Guard:       s.guard,
		Audit:       rec,
		Logger:      s.log,
		WaitTimeout: s.cfg.WaitTimeout,
		Cursors:     s.cursors,
		TextJSON:    s.cfg.TextJSON,
		Creds:       tools.CredsOf(s.cfg),
		MaxSetSize:  s.cfg.MaxSetSize,
		Plans:       s.state,
	})
	if err != nil {
		return nil, err
	}
	if err := views.Register(srv); err != nil {
		return nil, err
	}
	return srv, nil
}

// sdkLog is the logger handed to the go-sdk. The SDK logs every session at
// info level, which in stateless HTTP mode means every request; its logs
// show from warn up unless debug logging was asked for.
func (s *Server) sdkLog() *slog.Logger {
	if s.cfg.LogLevel <= slog.LevelDebug {
		return s.log
	}
	return slog.New(minLevel{Handler: s.log.Handler(), min: slog.LevelWarn})
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{Handler: m.Handler.WithAttrs(a), min: m.min}
}

func (m minLevel) WithGroup(g string) slog.Handler {
	return minLevel{Handler: m.Handler.WithGroup(g), min: m.min}
}

// declaredOnly answers "method not found" for the features this server does
// not declare. The go-sdk serves prompts/list, resource subscriptions and
// logging/setLevel on every server, which contradicts the capabilities
// announced in initialize and server/discover (tools, and resources
// without subscriptions).
func declaredOnly(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		switch method {
		case "prompts/list", "prompts/get", "resources/subscribe", "resources/unsubscribe", "completion/complete", "logging/setLevel":
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "method not found: " + method}
		}
		return next(ctx, method, req)
	}
}

// sharedClient serves every call with the server-held credentials.
func (s *Server) sharedClient(context.Context, *mcp.CallToolRequest) (*cloud.Client, error) {
	return s.Client()
}

// RunStdio serves one MCP session over stdin and stdout (or t) until the
// client goes away or ctx ends. At the end of input it answers what it
// read before it returns (see StdioTransport).
func (s *Server) RunStdio(ctx context.Context, t mcp.Transport) error {
	if s.shared == nil {
		s.log.Warn("no IONOS credentials: tools will answer with instructions to set IONOS_TOKEN")
	}
	srv, err := s.MCPServer(s.sharedClient)
	if err != nil {
		return err
	}
	if t == nil {
		t = s.StdioTransport(nil, nil)
	}
	if err := srv.Run(ctx, t); err != nil && ctx.Err() == nil {
		return fmt.Errorf("serving MCP over stdio: %w", err)
	}
	return nil
}

// Connect serves one session on transport t and returns it, for in-process
// clients (the demo, `call`, tests).
func (s *Server) Connect(ctx context.Context, t mcp.Transport) (*mcp.ServerSession, error) {
	srv, err := s.MCPServer(s.sharedClient)
	if err != nil {
		return nil, err
	}
	return srv.Connect(ctx, t, nil)
}

// Close releases the audit log and the shared state's connections.
func (s *Server) Close() error {
	return errors.Join(s.audit.Close(), s.state.Close())
}
