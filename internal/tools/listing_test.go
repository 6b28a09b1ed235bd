package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/guard"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// allowOnly restricts the tools to the data centers matching patterns.
func allowOnly(t *testing.T, patterns ...string) envOption {
	t.Helper()
	g, err := guard.New(nil, patterns)
	if err != nil {
		t.Fatal(err)
	}
	return withTools(func(o *tools.Options) { o.Guard = g })
}

// An allow-list that matches none of the account's data centers is said
// to, by both listings: else they look like an empty account.
func TestAllowListMatchingNoneIsSaid(t *testing.T) {
	e := newEnv(t, allowOnly(t, "prod-*"))
	cs := e.session(eras[0], nil)
	var dcs tools.ListDatacentersOutput
	mustCall(t, cs, "list_datacenters", nil, &dcs)
	var inv tools.ListServersOutput
	text := mustCallText(t, cs, "list_servers", nil, &inv)
	for what, note := range map[string]string{"list_datacenters": dcs.Note, "list_servers": inv.Note, "list_servers text": text} {
		if !strings.Contains(note, "IONOS_MCP_DATACENTERS") || !strings.Contains(note, "matches none of this account's data centers") {
			t.Errorf("%s: note %q does not say that the allow-list matched nothing", what, note)
		}
	}
	if dcs.Total != 0 || inv.Total != 0 || inv.DatacenterTotal != 0 {
		t.Fatalf("totals %d, %d, %d; want nothing listed", dcs.Total, inv.Total, inv.DatacenterTotal)
	}

	// An allow-list that matches, and no allow-list, add no note.
	for _, o := range []envOption{allowOnly(t, "staging"), withTools(func(*tools.Options) {})} {
		e := newEnv(t, o)
		cs := e.session(eras[0], nil)
		var dcs tools.ListDatacentersOutput
		var inv tools.ListServersOutput
		mustCall(t, cs, "list_datacenters", nil, &dcs)
		mustCall(t, cs, "list_servers", nil, &inv)
		if dcs.Note != "" || inv.Note != "" || dcs.Total == 0 {
			t.Errorf("notes %q, %q with %d data centers listed", dcs.Note, inv.Note, dcs.Total)
		}
	}
}

// In read-only mode a write tool is refused by name, saying that the mode
// is on and how to turn it off; nothing reaches the API, and the refusal
// is audited. A tool that does not exist at all is still unknown.
func TestReadOnlyRefusalNamesTheMode(t *testing.T) {
	for _, tt := range []struct {
		front tools.Front
		fix   string
	}{
		{tools.FrontMCP, "then restart the client"},
		{tools.FrontCLI, "then run the command again"},
		{tools.FrontHosted, "in the environment of the ionos-mcp server, then restart it"},
	} {
		e := newEnv(t, withTools(func(o *tools.Options) { o.ReadOnly, o.Creds.Front = true, tt.front }))
		cs := e.session(eras[0], nil)
		before := e.sim.Stats().Requests
		_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "stop_server", Arguments: map[string]any{"server": "etl-1"}})
		if err == nil {
			t.Fatal("stop_server in read-only mode succeeded")
		}
		for _, want := range []string{"stop_server is not available", "read-only mode", "IONOS_MCP_READ_ONLY", "--read-only", "Nothing was sent", tt.fix} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("front %d: error %q lacks %q", tt.front, err, want)
			}
		}
		if strings.Contains(err.Error(), "unknown tool") {
			t.Errorf("error %q still calls stop_server unknown", err)
		}
		if n := e.sim.Stats().Requests - before; n != 0 || e.writes() != 0 {
			t.Fatalf("the refusal made %d API requests, %d writes", n, e.writes())
		}
		if ev := e.audit.last(t); ev.Tool != "stop_server" || ev.Status != "REFUSED" || ev.ServerRef != "etl-1" || !strings.Contains(ev.Error, "read-only mode") {
			t.Fatalf("audit event %+v", ev)
		}
		_, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "format_disk"})
		if err == nil || !strings.Contains(err.Error(), "unknown tool") {
			t.Fatalf("format_disk: %v, want unknown tool", err)
		}
	}
}
