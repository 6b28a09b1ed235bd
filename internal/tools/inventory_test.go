package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/paging"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// walkAll follows next from the first page to the last and returns every
// page.
func walkAll(t *testing.T, cs *mcp.ClientSession, args map[string]any) []tools.ListServersOutput {
	t.Helper()
	var pages []tools.ListServersOutput
	for cursor := ""; ; {
		a := map[string]any{}
		for k, v := range args {
			a[k] = v
		}
		if cursor != "" {
			a["cursor"] = cursor
		}
		var out tools.ListServersOutput
		mustCall(t, cs, "list_servers", a, &out)
		pages = append(pages, out)
		if out.Next == "" {
			return pages
		}
		if len(pages) > 1000 {
			t.Fatal("the walk does not end")
		}
		cursor = out.Next
	}
}

// ids lists the servers of a walk in the order they came, with the data
// center each was listed under.
func ids(pages []tools.ListServersOutput) []string {
	var out []string
	for _, p := range pages {
		for _, dc := range p.Datacenters {
			for _, s := range dc.Servers {
				out = append(out, dc.ID+"/"+s.ID)
			}
		}
	}
	return out
}

func datasetIDs(d *sim.Dataset) []string {
	var out []string
	for _, dc := range d.Datacenters {
		for _, s := range dc.Servers {
			out = append(out, dc.ID+"/"+s.ID)
		}
	}
	return out
}

// Walking every page lists every server exactly once, in the account's
// order, and costs the API one listing: the pages after the first come
// from the walk's snapshot.
func TestListServersWalkCostsOneListing(t *testing.T) {
	data := sim.Generate(sim.GenerateOptions{Datacenters: 40, ServersPerDatacenter: 30, Seed: 7})
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data }))
	cs := e.session(eras[0], nil)

	var first tools.ListServersOutput
	mustCall(t, cs, "list_servers", map[string]any{"limit": 100}, &first)
	oneListing := e.sim.Stats().Requests
	e.sim.ResetStats()
	rest := walkAll(t, cs, map[string]any{"limit": 100, "cursor": first.Next})
	if got := e.sim.Stats().Requests; got != 0 {
		t.Errorf("pages 2..%d sent %d API requests; the first page's listing (%d requests) should serve them all", len(rest)+1, got, oneListing)
	}
	pages := append([]tools.ListServersOutput{first}, rest...)
	if got, want := ids(pages), datasetIDs(data); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("the walk listed %d servers, want the account's %d exactly once, in order", len(got), len(want))
	}
	if len(pages) != 12 {
		t.Errorf("%d pages of 100 for 1,200 servers", len(pages))
	}
	// The first page counts every data center; later ones list only their own.
	if len(first.Datacenters) != 40 || sum(first.Datacenters[39].VMStates) != 30 {
		t.Errorf("first page: %d data centers, the last with counts %v", len(first.Datacenters), first.Datacenters[39].VMStates)
	}
	for _, p := range pages[1:] {
		if len(p.Datacenters) > 5 || p.Datacenters[0].VMStates != nil {
			t.Fatalf("a later page lists %d data centers, with counts %v", len(p.Datacenters), p.Datacenters[0].VMStates)
		}
	}
}

// Filters hold through the walk, and a cursor does not continue a listing
// with other filters.
func TestListServersWalkWithFilter(t *testing.T) {
	data := sim.Generate(sim.GenerateOptions{Datacenters: 10, ServersPerDatacenter: 50, Seed: 3})
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data }))
	cs := e.session(eras[0], nil)
	pages := walkAll(t, cs, map[string]any{"vm_state": "RUNNING", "limit": 60})
	want := 0
	for _, dc := range data.Datacenters {
		for _, s := range dc.Servers {
			if s.VMState == "RUNNING" {
				want++
			}
		}
	}
	if got := len(ids(pages)); got != want || pages[0].Total != want {
		t.Fatalf("walked %d RUNNING servers (total %d), want %d", got, pages[0].Total, want)
	}
	msg := mustFail(t, cs, "list_servers", map[string]any{"vm_state": "SHUTOFF", "cursor": pages[0].Next})
	if !strings.Contains(msg, "other arguments") {
		t.Fatalf("a cursor with other filters: %s", msg)
	}
}

// A cursor whose snapshot is not held where it lands (it expired, or
// another replica holds it) resumes after its last server in a fresh
// listing, says so, and the walk stays complete and exact.
func TestListServersWalkResumesElsewhere(t *testing.T) {
	data := sim.Generate(sim.GenerateOptions{Datacenters: 6, ServersPerDatacenter: 50, Seed: 5})
	codec := paging.NewCodec([]byte("a key both replicas share"), 10*time.Minute, nil)
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data }), withTools(func(o *tools.Options) { o.Cursors = codec }))
	a, b := e.session(eras[0], nil), e.session(eras[0], nil) // two servers: two stores, one key

	var first, second tools.ListServersOutput
	mustCall(t, a, "list_servers", map[string]any{"limit": 100}, &first)
	mustCall(t, b, "list_servers", map[string]any{"limit": 100, "cursor": first.Next}, &second)
	if !strings.Contains(second.Note, "read again") {
		t.Errorf("the page from another replica does not say it read the account again: %q", second.Note)
	}
	rest := walkAll(t, b, map[string]any{"limit": 100, "cursor": second.Next})
	pages := append([]tools.ListServersOutput{first, second}, rest...)
	if got, want := ids(pages), datasetIDs(data); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("walk across replicas: %d servers, want %d exactly once", len(got), len(want))
	}
}

func TestListServersCursorExpires(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	codec := paging.NewCodec([]byte("a key of sixteen bytes or more"), time.Minute, clock)
	e := newEnv(t, withTools(func(o *tools.Options) { o.Cursors = codec }))
	cs := e.session(eras[0], nil)
	var out tools.ListServersOutput
	mustCall(t, cs, "list_servers", map[string]any{"limit": 5}, &out)
	now = now.Add(2 * time.Minute)
	msg := mustFail(t, cs, "list_servers", map[string]any{"limit": 5, "cursor": out.Next})
	if !strings.Contains(msg, "expired") || !strings.Contains(msg, "without cursor") {
		t.Fatalf("expired cursor: %s", msg)
	}
}

// The text content stays within about 110 bytes a server over a walk of
// a large account, the data-center lines included.
func TestListServersTextBytes(t *testing.T) {
	data := sim.Generate(sim.GenerateOptions{Datacenters: 50, ServersPerDatacenter: 20, Seed: 1})
	e := newEnv(t, withSim(func(o *sim.Options) { o.Dataset = data }))
	cs := e.session(eras[0], nil)
	total, servers := 0, 0
	for cursor := ""; ; {
		args := map[string]any{}
		if cursor != "" {
			args["cursor"] = cursor
		}
		var out tools.ListServersOutput
		text := mustCallText(t, cs, "list_servers", args, &out)
		total += len(text)
		servers += countServers(out)
		if cursor = out.Next; cursor == "" {
			break
		}
	}
	if servers != 1000 || total > 110*servers {
		t.Fatalf("%d bytes of text for %d servers: %.0f a server, want at most 110", total, servers, float64(total)/float64(servers))
	}
}

// With IONOS_MCP_TEXT=json the text is the JSON of structuredContent.
func TestListServersTextJSON(t *testing.T) {
	e := newEnv(t, withTools(func(o *tools.Options) { o.TextJSON = true }))
	cs := e.session(eras[0], nil)
	var out tools.ListServersOutput
	text := mustCallText(t, cs, "list_servers", nil, &out)
	if !strings.HasPrefix(text, "{") || !strings.Contains(text, `"datacenters"`) {
		t.Fatalf("text is not the JSON: %.200s", text)
	}
}
