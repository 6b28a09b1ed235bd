//go:build oauth

package e2e

// A real MCP client signs in to a real OAuth deployment: the official MCP
// TypeScript SDK (e2e/oauth/client.mjs, its client-credentials provider)
// against `ionos-mcp serve --http --auth oauth --sim`, with an OpenID
// provider (zitadel/oidc, in this process) as the authorization server.
// The client is told only the endpoint and its credentials; it finds
// everything else by discovery.
//
//	(cd e2e/oauth && npm ci)
//	go test -tags oauth -count=1 -run OAuth ./e2e/

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/oauthtest"
)

// clientRun is what client.mjs prints.
type clientRun struct {
	Tools []string `json:"tools"`
	Call  *struct {
		IsError bool   `json:"isError"`
		Text    string `json:"text"`
	} `json:"call"`
	Scope    string `json:"scope"`
	Requests []struct {
		Method string `json:"method"`
		URL    string `json:"url"`
		Status int    `json:"status"`
	} `json:"requests"`
}

func TestOAuthTypeScriptClient(t *testing.T) {
	if _, err := os.Stat(filepath.Join("oauth", "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Fatal("the MCP TypeScript SDK is not installed: run (cd e2e/oauth && npm ci) first")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: install Node 20 or newer")
	}
	port := freePort(t)
	audience := fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
	op := oauthtest.Start(t, oauthtest.Options{Audience: audience, Clients: []oauthtest.Client{
		{ID: "reader", Secret: "reader-secret-0123", Scopes: []string{"ionos-mcp:read"}},
		{ID: "operator", Secret: "operator-secret-0123", Scopes: []string{"ionos-mcp:read", "ionos-mcp:power"}},
	}})
	startOAuthServer(t, port, "--oauth-issuer", op.URL, "--oauth-audience", audience, "--confirm", "none")

	t.Run("read scope", func(t *testing.T) {
		run, err := runClient(t, clientEnv{audience, op.URL, "reader", "reader-secret-0123", "ionos-mcp:read"}, "stop_server", `{"server":"etl-1"}`)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(run.Tools, "list_servers") || slices.Contains(run.Tools, "stop_server") {
			t.Errorf("a reader's tools: %v, want list_servers and no stop_server", run.Tools)
		}
		if run.Call == nil || !run.Call.IsError {
			t.Errorf("a reader's stop_server: %+v, want an error", run.Call)
		}
		checkDiscovery(t, run, audience, op)
		last := op.TokenRequests()[len(op.TokenRequests())-1]
		if last.Get("grant_type") != "client_credentials" || last.Get("resource") != audience ||
			last.Get("scope") != "ionos-mcp:read" || last.Get("basic_auth_client") != "reader" {
			t.Errorf("token request %v, want client_credentials, resource %s, scope ionos-mcp:read, basic auth as reader", last, audience)
		}
	})
	t.Run("power scope", func(t *testing.T) {
		run, err := runClient(t, clientEnv{audience, op.URL, "operator", "operator-secret-0123", "ionos-mcp:power"}, "stop_server", `{"server":"etl-1"}`)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(run.Tools, "stop_server") {
			t.Fatalf("an operator's tools %v lack stop_server", run.Tools)
		}
		if run.Call == nil || run.Call.IsError {
			t.Fatalf("an operator's stop_server: %+v", run.Call)
		}
		checkDiscovery(t, run, audience, op)
	})
	// A client that asks for no scope gets a token without one: 403
	// insufficient_scope, which the SDK answers by asking again (step-up),
	// and then gives up: its client-credentials grant asks only for the
	// scope it was configured with.
	t.Run("no scope", func(t *testing.T) {
		_, err := runClient(t, clientEnv{audience, op.URL, "reader", "reader-secret-0123", ""}, "", "")
		if err == nil || !strings.Contains(err.Error(), "403") {
			t.Fatalf("a client without scope: %v, want it to fail on 403", err)
		}
	})
}

// checkDiscovery checks that the client went the whole way of the MCP
// authorization specification, in order.
func checkDiscovery(t *testing.T, run clientRun, audience string, op *oauthtest.Provider) {
	t.Helper()
	prm := strings.Replace(audience, "/mcp", "/.well-known/oauth-protected-resource/mcp", 1)
	steps := []struct {
		method, url string
		status      int
	}{
		{"POST", audience, 401},
		{"GET", prm, 200},
		{"GET", op.URL + "/.well-known/openid-configuration", 200},
		{"POST", op.URL + "/oauth/token", 200},
		{"POST", audience, 200},
	}
	i := 0
	for _, r := range run.Requests {
		if i < len(steps) && r.Method == steps[i].method && r.URL == steps[i].url && r.Status == steps[i].status {
			i++
		}
	}
	if i < len(steps) {
		t.Errorf("the client's requests %+v lack step %d of discovery: %+v", run.Requests, i+1, steps[i])
	}
}

// clientEnv is what client.mjs is told: the endpoint, the issuer it may
// send its secret to, its credentials and the scope it asks for.
type clientEnv struct {
	mcpURL, issuer, id, secret, scope string
}

// runClient runs client.mjs, and calls tool with args after tools/list
// unless tool is "". A failure of the client is returned, with its stderr.
func runClient(t *testing.T, c clientEnv, tool, args string) (clientRun, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("oauth", "client.mjs"))
	cmd.Env = append(os.Environ(), "MCP_URL="+c.mcpURL, "OAUTH_ISSUER="+c.issuer, "OAUTH_CLIENT_ID="+c.id,
		"OAUTH_CLIENT_SECRET="+c.secret, "OAUTH_SCOPE="+c.scope, "CALL_TOOL="+tool, "CALL_ARGS="+args)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if strings.Contains(string(out)+stderr.String(), c.secret) {
		t.Error("the client's output holds its secret")
	}
	if err != nil {
		return clientRun{}, fmt.Errorf("client.mjs: %v\n%s", err, stderr.String())
	}
	var run clientRun
	if err := json.Unmarshal(out, &run); err != nil {
		t.Fatalf("client.mjs printed %q: %v", out, err)
	}
	return run, nil
}

// startOAuthServer runs `ionos-mcp serve --http 127.0.0.1:PORT --auth oauth
// --sim` until the test ends. The port is fixed in advance: the audience,
// which the identity provider writes into tokens, names it.
func startOAuthServer(t *testing.T, port int, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--http", addr, "--auth", "oauth", "--sim",
		"--sim-time-scale", "0.01", "--log-level", "debug"}, args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		for _, secret := range []string{"reader-secret-0123", "operator-secret-0123", "eyJ"} {
			if strings.Contains(stderr.String(), secret) {
				t.Errorf("the server's log holds a secret or token (%.3s...)", secret)
			}
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve --auth oauth did not answer /healthz: %s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
