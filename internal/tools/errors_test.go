package tools_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// clientFor points the tools at another API endpoint or token.
func clientFor(t *testing.T, cfg cloud.Config) envOption {
	t.Helper()
	return withTools(func(o *tools.Options) {
		o.Client = func(context.Context, *mcp.CallToolRequest) (*cloud.Client, error) {
			if cfg.Poll.First == 0 {
				cfg.Poll = fastPoll
			}
			return cloud.New(cfg)
		}
	})
}

func TestErrorsTellWhatToDo(t *testing.T) {
	closed := closedPort(t)
	tests := []struct {
		name string
		cfg  func(e *sim.Server) cloud.Config
		want []string
	}{
		{"missing token", func(*sim.Server) cloud.Config { return cloud.Config{} },
			[]string{"IONOS_TOKEN", "Token Manager"}},
		{"wrong token", func(s *sim.Server) cloud.Config { return cloud.Config{Token: "wrong", APIURL: s.URL} },
			[]string{"401", "IONOS_TOKEN is expired, revoked or mistyped", "Token Manager", "restart the client"}},
		{"unreachable API", func(*sim.Server) cloud.Config { return cloud.Config{Token: "t", APIURL: closed} },
			[]string{"cannot reach the IONOS API", "IONOS_API_URL"}},
		{"bad API URL", func(*sim.Server) cloud.Config { return cloud.Config{Token: "t", APIURL: "ftp://x"} },
			[]string{"IONOS_API_URL", "http or https"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cfg := tt.cfg(e.sim)
			e2 := newEnv(t, clientFor(t, cfg))
			cs := e2.session(eras[0], nil)
			calls := map[string]map[string]any{
				"list_datacenters": nil,
				"list_servers":     nil,
				"get_server":       {"server": "etl-1"},
				"start_server":     {"server": "build-runner"},
			}
			for tool, args := range calls {
				msg := mustFail(t, cs, tool, args)
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: error %q lacks %q", tool, msg, w)
					}
				}
				if strings.Contains(msg, e.sim.Token()) {
					t.Errorf("%s: error contains the token", tool)
				}
			}
		})
	}
}

// A rejection names the credentials actually in use and the fix that works
// where the tools run: basic auth is not told about a token it never set,
// a pass-through caller is told to send another token, not to configure
// the server, and the command line is told to run the command again.
func TestCredentialErrorsNameSourceAndFix(t *testing.T) {
	const user, pass = "ops@example.com", "right-password"
	tests := []struct {
		name   string
		creds  tools.Creds
		cfg    func(s *sim.Server) cloud.Config
		want   []string
		unwant []string
	}{
		{"basic auth, wrong password", tools.Creds{Source: tools.FromBasic},
			func(s *sim.Server) cloud.Config {
				return cloud.Config{Username: user, Password: "wrong-password", APIURL: s.URL}
			},
			[]string{"401", "IONOS_USERNAME and IONOS_PASSWORD is wrong", "two-factor", "restart the client"},
			[]string{"the token in IONOS_TOKEN", wrongPassword}},
		{"pass-through token revoked", tools.Creds{Source: tools.FromCaller, Front: tools.FrontHosted},
			func(s *sim.Server) cloud.Config { return cloud.Config{Token: "revoked", APIURL: s.URL} },
			[]string{"401", "Authorization header", "Sign in again", "Authorization: Bearer", "nothing needs to change on it"},
			[]string{"IONOS_TOKEN", "restart"}},
		{"token, command line", tools.Creds{Front: tools.FrontCLI},
			func(s *sim.Server) cloud.Config { return cloud.Config{Token: "wrong", APIURL: s.URL} },
			[]string{"401", "IONOS_TOKEN is expired", "then run the command again"},
			[]string{"MCP client", "restart"}},
		{"token, hosted server", tools.Creds{Front: tools.FrontHosted},
			func(s *sim.Server) cloud.Config { return cloud.Config{Token: "wrong", APIURL: s.URL} },
			[]string{"401", "IONOS_TOKEN is expired", "in the environment of the ionos-mcp server, then restart it"},
			[]string{"MCP client"}},
		{"no credentials, command line", tools.Creds{Front: tools.FrontCLI},
			func(*sim.Server) cloud.Config { return cloud.Config{} },
			[]string{"no IONOS credentials: set IONOS_TOKEN", "then run the command again"},
			[]string{"MCP client", "restart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withSim(func(o *sim.Options) { o.Username, o.Password = user, pass }))
			e2 := newEnv(t, clientFor(t, tt.cfg(e.sim)), withTools(func(o *tools.Options) { o.Creds = tt.creds }))
			cs := e2.session(eras[0], nil)
			for tool, args := range map[string]map[string]any{
				"list_datacenters": nil,
				"list_servers":     nil,
				"get_server":       {"server": "etl-1"},
				"stop_server":      {"server": "etl-1"},
			} {
				msg := mustFail(t, cs, tool, args)
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: error %q lacks %q", tool, msg, w)
					}
				}
				for _, w := range tt.unwant {
					if strings.Contains(msg, w) {
						t.Errorf("%s: error %q says %q", tool, msg, w)
					}
				}
			}
			if e.writes() != 0 {
				t.Fatalf("%d writes", e.writes())
			}
		})
	}
}

const wrongPassword = "wrong-password"

func TestRateLimitedSaysWhenToRetry(t *testing.T) {
	// The Retry-After of 7 s does not fit the 2 s deadline: the answer is
	// returned at once instead of a wait that cannot end in time.
	e := newEnv(t, withSim(func(o *sim.Options) {
		o.Faults = []sim.Fault{{Kind: sim.FaultStatus, Status: 429, RetryAfter: 7}}
	}), withTools(func(o *tools.Options) { o.ReadTimeout = 2 * time.Second }))
	cs := e.session(eras[0], nil)
	msg := mustFail(t, cs, "list_datacenters", nil)
	if !strings.Contains(msg, "429") || !strings.Contains(msg, "retry after 7 seconds") {
		t.Fatalf("429: %s", msg)
	}
}

func TestPanicBecomesToolError(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) {
		o.Client = func(context.Context, *mcp.CallToolRequest) (*cloud.Client, error) { panic("boom") }
	}))
	cs := e.session(eras[0], nil)
	msg := mustFail(t, cs, "list_servers", nil)
	if !strings.Contains(msg, "internal error in list_servers") || strings.Contains(msg, "boom") {
		t.Fatalf("panic result: %s", msg)
	}
	// The session survives.
	if msg := mustFail(t, cs, "get_server", map[string]any{"server": "x"}); !strings.Contains(msg, "internal error") {
		t.Fatalf("second call: %s", msg)
	}
}

// closedPort returns the URL of a loopback port nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
