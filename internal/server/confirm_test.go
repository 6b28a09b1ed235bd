package server

import (
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// A confirmation token works only for the caller it was issued to. The two
// accounts hold the same dataset, so the token's server, data center and
// etag all match in B's account: only the caller binding refuses it.
func TestTokenBoundToCaller(t *testing.T) {
	const tokenB = "token-of-account-b-8910"
	h := startHosted(t, sim.Options{Accounts: []sim.Account{{Token: tokenB}}}, func(c *config.Config) {
		c.HTTP.Auth, c.HTTP.Token = AuthPassthrough, ""
		c.Confirm = "token"
	}, HTTPOptions{})
	a := h.session(t, h.sim.Token(), eras[0], nil)
	b := h.session(t, tokenB, eras[0], nil)
	preview, msg := callTool(t, a, "stop_server", map[string]any{"server": "etl-1"})
	token, _ := preview["confirmationToken"].(string)
	if msg != "" || token == "" {
		t.Fatalf("A's preview: %v %q", preview, msg)
	}
	_, msg = callTool(t, b, "stop_server", map[string]any{"server": "etl-1", "confirmation_token": token})
	if !strings.Contains(msg, "issued to another caller") {
		t.Fatalf("B with A's token: %q, want a refusal naming the caller", msg)
	}
	if w := h.sim.Stats().Writes; len(w) != 0 {
		t.Fatalf("B's call ran %v", w)
	}
	// The token still works for A: B's attempt did not spend it.
	if out, msg := callTool(t, a, "stop_server", map[string]any{"server": "etl-1", "confirmation_token": token}); msg != "" || out["status"] != "DONE" {
		t.Fatalf("A with its own token: %v %q", out, msg)
	}
}
