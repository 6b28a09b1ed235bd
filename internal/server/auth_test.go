package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// A pass-through caller whose token the API stops accepting after it was
// let in is told to send another token, not to fix the server's IONOS_TOKEN:
// the server has none. The token is checked at depth 0; every later read
// is rejected, as a token revoked in between is.
func TestPassthroughRevokedTokenIsToldToSignInAgain(t *testing.T) {
	h := startHosted(t, sim.Options{Faults: []sim.Fault{{Kind: sim.FaultStatus, Status: http.StatusUnauthorized, MinDepth: 1}}},
		func(c *config.Config) { c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, "" }, HTTPOptions{})
	for _, era := range eras {
		_, msg := callTool(t, h.session(t, h.sim.Token(), era, nil), "list_datacenters", nil)
		for _, want := range []string{"401", "Authorization header", "Sign in again", "nothing needs to change on it"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", era, msg, want)
			}
		}
		if strings.Contains(msg, "IONOS_TOKEN") || strings.Contains(msg, "restart") {
			t.Errorf("%s: %q sends the caller to the server's settings", era, msg)
		}
	}
}

// The endpoint's own answers to a missing or rejected bearer token say
// what to send.
func TestHTTPAuthAnswersSayWhatToSend(t *testing.T) {
	pass := startHosted(t, sim.Options{}, func(c *config.Config) { c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, "" }, HTTPOptions{})
	tok := startHosted(t, sim.Options{}, nil, HTTPOptions{})
	for _, tt := range []struct {
		h      *hosted
		bearer string
		want   []string
	}{
		{pass, "", []string{"missing bearer token", "your IONOS token", "Authorization: Bearer"}},
		{pass, "not-an-ionos-token", []string{"rejected this bearer token", "Sign in again", "Authorization: Bearer", "Token Manager"}},
		{tok, "", []string{"missing bearer token", "IONOS_MCP_HTTP_TOKEN"}},
		{tok, "wrong-endpoint-token", []string{"invalid bearer token", "IONOS_MCP_HTTP_TOKEN"}},
	} {
		req, _ := http.NewRequest(http.MethodPost, tt.h.ts.URL+"/mcp", strings.NewReader(initBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if tt.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tt.bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("bearer %q: status %d, want 401", tt.bearer, resp.StatusCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("bearer %q: answer %q lacks %q", tt.bearer, body, w)
			}
		}
	}
}
