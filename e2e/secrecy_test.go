package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/oauthtest"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate/redistest"
)

// capture tees every HTTP response (status line, headers, body) a client
// receives into a buffer.
type capture struct {
	token string
	out   *lockedBuffer
}

func (c capture) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if c.token != "" {
		r.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(c.out, "%s %v\n", resp.Status, resp.Header)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, c.out), resp.Body}
	return resp, nil
}

// exercise calls every tool, on success and error paths, including both
// confirmation flows.
func exercise(t *testing.T, cs *mcp.ClientSession, elicits bool) {
	t.Helper()
	ctx := context.Background()
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"list_datacenters", nil},
		{"list_datacenters", map[string]any{"depth": 2}},
		{"list_servers", nil},
		{"list_servers", map[string]any{"datacenter": "nowhere"}},
		{"get_server", map[string]any{"server": "etl-1", "depth": 3}},
		{"get_server", map[string]any{"server": "web-1"}},
		{"get_server", map[string]any{"server": "../../x?depth=1"}},
		{"start_server", map[string]any{"server": "batch-worker"}},
		{"start_server", map[string]any{"server": "cache-cube"}},
		{"resume_server", map[string]any{"server": "dev-cube", "wait": false}},
		{"get_request_status", map[string]any{"request_id": "00000000-0000-4000-8000-000000000000"}},
		{"get_request_status", map[string]any{"request_id": "https://evil.example/requests/x/status"}},
	}
	for _, c := range calls {
		if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args}); err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "reboot_server", Arguments: map[string]any{"server": "db-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if !elicits && !res.IsError {
		out, _ := res.StructuredContent.(map[string]any)
		tok, _ := out["confirmationToken"].(string)
		for range 2 { // use, then replay
			if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "reboot_server", Arguments: map[string]any{"server": "db-1", "confirmation_token": tok}}); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = cs.CallTool(ctx, &mcp.CallToolParams{Name: "reboot_server", Arguments: map[string]any{"server": "db-1", "confirmation_token": tok + "x"}})
	}
}

// forms are the spellings of a secret to look for: as is, and in base64.
func forms(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)))
	}
	return out
}

// With the SDK's trace logging and this program's debug logging on, no byte
// of any token reaches stdout, stderr, the audit log or an HTTP response:
// over stdio, HTTP with server-held credentials and a Redis with a
// password, HTTP pass-through, HTTP with OAuth access tokens, with a wrong
// token, with basic auth, and in the demo.
func TestNoSecretAnywhere(t *testing.T) {
	const (
		token    = "secrecy-ionos-token-9f8e7d6c5b"
		wrong    = "wrong-ionos-token-1a2b3c4d5e"
		user     = "user@example.com"
		password = "basic-auth-password-77aa"
	)
	const (
		redisPassword = "redis-password-secrecy-5e6f"
		oauthSecret   = "oauth-client-secret-secrecy-3c4d"
		audience      = "https://mcp.example.test/mcp"
	)
	simURL := startSim(t, token, "--time-scale", "0.002", "--username", user, "--password", password)
	redis := redistest.StartWithPassword(t, redisPassword)
	idp := oauthtest.Start(t, oauthtest.Options{Audience: audience, Clients: []oauthtest.Client{
		{ID: "operator", Secret: oauthSecret, Scopes: []string{"ionos-mcp:read", "ionos-mcp:power"}},
	}})
	accessToken := idp.Token(t, "operator", oauthSecret, "ionos-mcp:read", "ionos-mcp:power")
	dir := t.TempDir()
	auditPath := filepath.Join(dir, "audit.jsonl")
	verbose := []string{"IONOS_LOG_LEVEL=trace", "IONOS_MCP_LOG_LEVEL=debug", "IONOS_MCP_AUDIT_LOG=" + auditPath,
		"IONOS_MCP_CONFIRM_KEY=" + confirmKey, "IONOS_API_URL=" + simURL}
	var outputs []*lockedBuffer
	keep := func() *lockedBuffer { b := &lockedBuffer{}; outputs = append(outputs, b); return b }

	stdio := func(t *testing.T, env []string, elicits bool) {
		cmd := exec.Command(binary, "serve")
		cmd.Env = append(append(os.Environ(), verbose...), env...)
		cmd.Stderr = keep()
		var copts *mcp.ClientOptions
		if elicits {
			copts = &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
			}}
		}
		stdout := keep()
		tr := &mcp.LoggingTransport{Transport: &mcp.CommandTransport{Command: cmd}, Writer: stdout} // the whole wire, both ways
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "secrecy", Version: "1"}, copts).Connect(context.Background(), tr, nil)
		if err != nil {
			t.Fatal(err)
		}
		exercise(t, cs, elicits)
		cs.Close()
	}
	t.Run("stdio, elicitation", func(t *testing.T) { stdio(t, []string{"IONOS_TOKEN=" + token}, true) })
	t.Run("stdio, token flow", func(t *testing.T) { stdio(t, []string{"IONOS_TOKEN=" + token}, false) })
	t.Run("stdio, wrong token", func(t *testing.T) { stdio(t, []string{"IONOS_TOKEN=" + wrong}, false) })
	t.Run("stdio, basic auth", func(t *testing.T) {
		stdio(t, []string{"IONOS_TOKEN=", "IONOS_USERNAME=" + user, "IONOS_PASSWORD=" + password}, false)
	})

	hosted := func(t *testing.T, env []string, clientToken string, args ...string) {
		r := startReplica(t, append(verbose, env...), append(args, "--rate-limit", "1000")...)
		outputs = append(outputs, r.stderr)
		for _, era := range []string{"2026-07-28", "2025-11-25"} {
			tr := &mcp.StreamableClientTransport{Endpoint: r.url + "/mcp", HTTPClient: &http.Client{Transport: capture{token: clientToken, out: keep()}}}
			cs, err := mcp.NewClient(&mcp.Implementation{Name: "secrecy-http", Version: "1"}, nil).Connect(context.Background(), tr, &mcp.ClientSessionOptions{ProtocolVersion: era})
			if err != nil {
				t.Fatal(err)
			}
			exercise(t, cs, false)
			cs.Close()
		}
		for _, trouble := range []string{"cannot use Redis", "shared state unreachable"} {
			if strings.Contains(r.stderr.String(), trouble) {
				t.Errorf("the replica could not use its Redis: %s", r.stderr)
			}
		}
		// Failed authentication answers carry no secret either.
		for _, bad := range []string{"", wrong, endpointToken + "x"} {
			req, _ := http.NewRequest(http.MethodPost, r.url+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if bad != "" {
				req.Header.Set("Authorization", "Bearer "+bad)
			}
			resp, err := (&http.Client{Transport: capture{out: keep()}, Timeout: 10 * time.Second}).Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}
	t.Run("http, server-held token, Redis with a password", func(t *testing.T) {
		hosted(t, []string{"IONOS_TOKEN=" + token, "IONOS_MCP_HTTP_TOKEN=" + endpointToken, "IONOS_MCP_REDIS_URL=" + redis.URL}, endpointToken)
	})
	t.Run("http, oauth", func(t *testing.T) {
		hosted(t, []string{"IONOS_TOKEN=" + token, "IONOS_MCP_REDIS_URL=" + redis.URL, "IONOS_MCP_OAUTH_ISSUER=" + idp.URL,
			"IONOS_MCP_OAUTH_AUDIENCE=" + audience}, accessToken, "--auth", "oauth")
	})
	t.Run("http, pass-through", func(t *testing.T) {
		hosted(t, []string{"IONOS_TOKEN="}, token, "--auth", "passthrough")
	})

	t.Run("demo", func(t *testing.T) {
		cmd := exec.Command(binary, "demo", "--yes", "--time-scale", "0.002")
		cmd.Env = append(os.Environ(), verbose...)
		cmd.Stdout, cmd.Stderr = keep(), keep()
		if err := cmd.Run(); err != nil {
			t.Fatalf("demo: %v", err)
		}
	})

	audit, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) == 0 {
		t.Fatal("the audit log is empty")
	}
	all := string(audit)
	for _, b := range outputs {
		all += b.String()
	}
	if len(all) < 10000 {
		t.Fatalf("captured only %d bytes: the test did not exercise enough", len(all))
	}
	for _, secret := range forms(token, wrong, password, user+":"+password, endpointToken, confirmKey, redisPassword, oauthSecret, accessToken) {
		if i := strings.Index(all, secret); i >= 0 {
			t.Errorf("secret %q found in the captured output: …%s…", secret, all[max(0, i-80):min(len(all), i+40)])
		}
	}
	for _, leak := range []string{"Authorization: Basic", "Bearer " + token[:8], "Bearer " + wrong[:8], "IONOSLOG"} {
		if strings.Contains(all, leak) {
			i := strings.Index(all, leak)
			t.Errorf("%q found in the captured output: …%s…", leak, all[max(0, i-120):min(len(all), i+200)])
		}
	}
}
