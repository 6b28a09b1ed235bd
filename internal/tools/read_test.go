package tools_test

import (
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

func TestListDatacenters(t *testing.T) {
	e := newEnv(t)
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			cs := e.session(era, nil)
			var out tools.ListDatacentersOutput
			mustCall(t, cs, "list_datacenters", nil, &out)
			got := map[string]string{}
			for _, d := range out.Datacenters {
				got[d.Name] = d.Location
				if !cloud.IsUUID(d.ID) {
					t.Errorf("data center %q has id %q", d.Name, d.ID)
				}
			}
			want := map[string]string{"production": "de/fra", "staging": "de/txl", "analytics": "us/las"}
			for name, loc := range want {
				if got[name] != loc {
					t.Errorf("data center %s: location %q, want %q", name, got[name], loc)
				}
			}
			if out.Total != 3 || out.Next != "" {
				t.Errorf("total %d next %v, want 3 and none", out.Total, out.Next)
			}
		})
	}
}

func TestListDatacentersDepthRaw(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var out tools.ListDatacentersOutput
	mustCall(t, cs, "list_datacenters", map[string]any{"depth": 3, "limit": 1}, &out)
	if len(out.Raw) != 1 || len(out.Datacenters) != 1 || out.Next == "" {
		t.Fatalf("got %d raw, %d summaries, next %q; want 1, 1 and a cursor", len(out.Raw), len(out.Datacenters), out.Next)
	}
	// The next pages, by cursor, hold the other two, each with its object.
	seen := []string{out.Datacenters[0].ID}
	for cursor := out.Next; cursor != ""; {
		var page tools.ListDatacentersOutput
		mustCall(t, cs, "list_datacenters", map[string]any{"depth": 3, "limit": 1, "cursor": cursor}, &page)
		if len(page.Raw) != 1 || page.Raw[0]["id"] != page.Datacenters[0].ID {
			t.Fatalf("page %+v", page)
		}
		seen, cursor = append(seen, page.Datacenters[0].ID), page.Next
	}
	if len(seen) != 3 || seen[0] == seen[1] || seen[1] == seen[2] {
		t.Fatalf("walked %v", seen)
	}
	msg := mustFail(t, cs, "list_datacenters", map[string]any{"limit": 1, "cursor": out.Next})
	if !strings.Contains(msg, "other arguments") {
		t.Fatalf("a depth-3 cursor without depth: %s", msg)
	}
	ents, _ := out.Raw[0]["entities"].(map[string]any)
	servers, _ := ents["servers"].(map[string]any)
	if items, _ := servers["items"].([]any); len(items) == 0 {
		t.Fatalf("depth 3 raw object has no inlined servers: %v", out.Raw[0])
	}
}

// The first example prompt: one call, every data center, every server, with power state.
func TestListServersWholeAccountInOneCall(t *testing.T) {
	e := newEnv(t)
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			cs := e.session(era, nil)
			var out tools.ListServersOutput
			text := mustCallText(t, cs, "list_servers", nil, &out)
			if out.Total != 13 || countServers(out) != 13 || out.Next != "" || out.DatacenterTotal != 3 {
				t.Fatalf("total %d, %d servers, next %q, %d data centers; want all 13 of 3 in one page", out.Total, countServers(out), out.Next, out.DatacenterTotal)
			}
			if len(out.Datacenters) != 3 {
				t.Fatalf("%d data centers, want 3", len(out.Datacenters))
			}
			for _, dc := range out.Datacenters {
				if dc.Name == "" || dc.Location == "" || dc.ServerCount != len(dc.Servers) || sum(dc.VMStates) != dc.ServerCount {
					t.Errorf("data center %+v: want name, location, and counts that add up", dc)
				}
				for _, s := range dc.Servers {
					if s.VMState == "" || s.Type == "" || s.Name == "" || !cloud.IsUUID(s.ID) {
						t.Errorf("server lacks power state, type, name or id: %+v", s)
					}
				}
			}
			// The text is a line per data center and per server, not JSON.
			if strings.HasPrefix(text, "{") || strings.Count(text, "\n") != 1+3+13 ||
				!strings.Contains(text, "staging (de/txl) ") || !strings.Contains(text, "  build-runner ") {
				t.Fatalf("text content:\n%s", text)
			}
		})
	}
}

func TestListServersFilters(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	tests := []struct {
		name  string
		args  map[string]any
		total int
	}{
		{"by data center name", map[string]any{"datacenter": "staging"}, 4},
		{"by data center name, any case", map[string]any{"datacenter": "STAGING"}, 4},
		{"by vm_state", map[string]any{"vm_state": "shutoff"}, 2},
		{"by name part", map[string]any{"name": "CUBE"}, 3},
		{"by type", map[string]any{"filter": map[string]any{"type": "cube"}}, 3},
		{"by type and zone", map[string]any{"filter": map[string]any{"type": "ENTERPRISE", "availabilityZone": "zone_1"}}, 2},
		{"by cores", map[string]any{"filter": map[string]any{"cores": "8"}, "vm_state": "RUNNING"}, 2},
		{"by CPU family, the key in any case", map[string]any{"filter": map[string]any{"CPUFAMILY": "intel"}}, 5},
		{"nothing matches", map[string]any{"vm_state": "CRASHED"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out tools.ListServersOutput
			text := mustCallText(t, cs, "list_servers", tt.args, &out)
			if out.Total != tt.total || countServers(out) != tt.total {
				t.Fatalf("total %d, %d on the page; want %d", out.Total, countServers(out), tt.total)
			}
			// Every data center is listed on the first page, with what matched in it.
			if _, ok := tt.args["datacenter"]; !ok && len(out.Datacenters) != 3 {
				t.Fatalf("%d data centers listed, want every one", len(out.Datacenters))
			}
			if tt.total == 0 && !strings.Contains(text, "no matching servers") {
				t.Fatalf("text says nothing of the empty result:\n%s", text)
			}
		})
	}
}

func TestListServersOffset(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	for _, tt := range []struct {
		offset, limit, page int
		next                bool
	}{{0, 5, 5, true}, {10, 5, 3, false}, {50, 0, 0, false}} {
		args := map[string]any{"offset": tt.offset}
		if tt.limit > 0 {
			args["limit"] = tt.limit
		}
		var out tools.ListServersOutput
		mustCall(t, cs, "list_servers", args, &out)
		if countServers(out) != tt.page || (out.Next != "") != tt.next || out.Total != 13 {
			t.Errorf("offset %d limit %d: %d servers, next %q; want %d, %v", tt.offset, tt.limit, countServers(out), out.Next, tt.page, tt.next)
		}
	}
}

func TestListServersByDatacenterID(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	dc := e.sim.Snapshot().Datacenters[2]
	var out tools.ListServersOutput
	mustCall(t, cs, "list_servers", map[string]any{"datacenter": dc.ID}, &out)
	if out.Total != len(dc.Servers) || len(out.Datacenters) != 1 || out.Datacenters[0].Name != dc.Name {
		t.Fatalf("got %d servers in %+v, want %d of %q", out.Total, out.Datacenters, len(dc.Servers), dc.Name)
	}
}

func countServers(out tools.ListServersOutput) int {
	n := 0
	for _, dc := range out.Datacenters {
		n += len(dc.Servers)
	}
	return n
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestGetServer(t *testing.T) {
	e := newEnv(t)
	etl := e.server("analytics", "etl-1")
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			cs := e.session(era, nil)
			for _, ref := range []string{"etl-1", "ETL-1", etl.ID, strings.ToUpper(etl.ID)} {
				var out tools.GetServerOutput
				mustCall(t, cs, "get_server", map[string]any{"server": ref}, &out)
				if out.Server.ID != etl.ID || out.Server.VMState != "RUNNING" || out.Server.DatacenterName != "analytics" || out.Raw != nil {
					t.Errorf("get_server(%q) = %+v", ref, out)
				}
			}
		})
	}
}

func TestGetServerDepth(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	var out tools.GetServerOutput
	mustCall(t, cs, "get_server", map[string]any{"server": "db-1", "depth": 2}, &out)
	if out.Raw == nil || out.Raw["properties"] == nil || out.Raw["entities"] == nil {
		t.Fatalf("depth 2 gave no full API object: %v", out.Raw)
	}
}

func TestAmbiguousNameListsCandidates(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	msg := mustFail(t, cs, "get_server", map[string]any{"server": "web-1"})
	for _, want := range []string{"2 servers are named \"web-1\"", "production", "staging", e.server("production", "web-1").ID, e.server("staging", "web-1").ID} {
		if !strings.Contains(msg, want) {
			t.Errorf("ambiguity error lacks %q:\n%s", want, msg)
		}
	}
	var out tools.GetServerOutput
	mustCall(t, cs, "get_server", map[string]any{"server": "web-1", "datacenter": "staging"}, &out)
	if out.Server.Type != "VCPU" {
		t.Fatalf("web-1 in staging is %s, want VCPU", out.Server.Type)
	}
}

// Bad input gets a clear tool error, and no request with such a path
// reaches the API.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	tests := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"get_server", map[string]any{"server": "no-such-server"}, `no server named "no-such-server"`},
		{"get_server", map[string]any{"server": "00000000-0000-4000-8000-000000000000"}, "no server with id"},
		{"get_server", map[string]any{"server": "../../x"}, `no server named "../../x"`},
		{"get_server", map[string]any{"server": "a?depth=10"}, `no server named "a?depth=10"`},
		{"get_server", map[string]any{"server": "%2e%2e%2fdatacenters"}, "no server named"},
		{"get_server", map[string]any{"server": "web\n1"}, "control characters"},
		{"get_server", map[string]any{"server": ""}, "server is empty"},
		{"get_server", map[string]any{"server": strings.Repeat("x", 300)}, "at most 255"},
		{"get_server", map[string]any{"server": "etl-1", "depth": 11}, "depth 11 is out of range"},
		{"get_server", map[string]any{"server": "etl-1", "depth": -1}, "depth -1 is out of range"},
		{"get_server", map[string]any{"server": "etl-1", "datacenter": "nowhere"}, `no data center named "nowhere"`},
		{"get_server", map[string]any{"server": "etl-1", "bogus": 1}, "unexpected additional properties"},
		{"list_servers", map[string]any{"limit": 5000}, "limit 5000 is out of range"},
		{"list_servers", map[string]any{"limit": -1}, "limit -1 is out of range: use 1 to 1000"},
		{"list_servers", map[string]any{"limit": 0}, "limit 0 is out of range: use 1 to 1000, or omit it for 500"},
		{"list_datacenters", map[string]any{"limit": 0}, "limit 0 is out of range: use 1 to 1000, or omit it for 100"},
		{"list_datacenters", map[string]any{"limit": -1}, "limit -1 is out of range: use 1 to 1000, or omit it for 100"},
		{"list_servers", map[string]any{"offset": -1}, "offset -1 is negative"},
		{"list_servers", map[string]any{"vm_state": "ON"}, `vm_state "ON" is not a vmState: use one of NOSTATE, RUNNING`},
		{"list_servers", map[string]any{"filter": map[string]any{"colour": "red"}}, `filter on "colour": servers have no such property here; use one of availabilityZone, cores`},
		{"list_servers", map[string]any{"filter": map[string]any{"vmState": "RUNNING"}}, "use the vm_state argument"},
		{"list_servers", map[string]any{"cursor": "480"}, "cursor refused"},
		{"list_servers", map[string]any{"cursor": "c1.x.y", "offset": 5}, "give cursor or offset, not both"},
		{"list_servers", map[string]any{"datacenter": "../x"}, `no data center named "../x"`},
		{"list_datacenters", map[string]any{"depth": 11}, "depth 11 is out of range"},
		{"list_datacenters", map[string]any{"offset": -2}, "offset -2 is negative"},
		{"list_datacenters", map[string]any{"cursor": "c1.forged.sig"}, "cursor refused"},
		{"get_request_status", map[string]any{"request_id": "../../datacenters"}, "neither a request id"},
		{"get_request_status", map[string]any{"request_id": "http://evil.example/cloudapi/v6/requests/00000000-0000-4000-8000-000000000000/status"}, "does not belong to the configured API"},
		{"get_request_status", map[string]any{"request_id": e.sim.URL + "/cloudapi/v6/requests/00000000-0000-4000-8000-000000000000/status?x=1"}, "must not have a query"},
		{"get_request_status", map[string]any{"request_id": "00000000-0000-4000-8000-000000000000"}, "no request with id"},
		{"stop_server", map[string]any{"server": "etl-1", "timeout_seconds": 0.5}, "validating"},
		{"stop_server", map[string]any{"server": "etl-1", "timeout_seconds": 301}, "timeout_seconds 301 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.tool+" "+tt.want, func(t *testing.T) {
			msg := mustFail(t, cs, tt.tool, tt.args)
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q lacks %q", msg, tt.want)
			}
		})
	}
	// Every request sent was a GET of a known path whose ids are UUIDs, with
	// only the client's own query parameters.
	for _, r := range e.paths.requests() {
		if !wellFormed(r) {
			t.Errorf("malformed request sent: %s", r)
		}
	}
	if e.writes() != 0 {
		t.Errorf("bad input caused %d writes", e.writes())
	}
}

// wellFormed reports whether a recorded request is a GET of /cloudapi/v6
// whose path segments are known words or UUIDs, with plain query values.
func wellFormed(r string) bool {
	method, rest, _ := strings.Cut(r, " ")
	p, q, _ := strings.Cut(rest, "?")
	if method != "GET" || !strings.HasPrefix(p, "/cloudapi/v6/") {
		return false
	}
	words := map[string]bool{"datacenters": true, "servers": true, "requests": true, "status": true}
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/cloudapi/v6/"), "/") {
		if !words[seg] && !cloud.IsUUID(seg) {
			return false
		}
	}
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "depth", "offset", "limit", "pretty", "":
		default:
			return false
		}
		if strings.ContainsAny(v, "%./") {
			return false
		}
	}
	return true
}

// get_server returns the boot device, as the brief asks: for every server
// of the default dataset, a volume with its name, size and type, or, for
// the one that boots from a CD-ROM, the CD-ROM with its name.
func TestGetServerBootDevice(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	cdroms := 0
	for _, dc := range e.sim.Snapshot().Datacenters {
		for _, srv := range dc.Servers {
			var out tools.GetServerOutput
			mustCall(t, cs, "get_server", map[string]any{"server": srv.ID, "datacenter": dc.ID}, &out)
			v, c := out.Server.BootVolume, out.Server.BootCdrom
			switch {
			case (v == nil) == (c == nil):
				t.Errorf("%s: boot volume %+v, boot CD-ROM %+v; want exactly one", srv.Name, v, c)
			case v != nil && (!cloud.IsUUID(v.ID) || v.Name == "" || v.Size <= 0 || v.Type == ""):
				t.Errorf("%s: boot volume %+v lacks its id, name, size or type", srv.Name, v)
			case c != nil && (!cloud.IsUUID(c.ID) || c.Name == ""):
				t.Errorf("%s: boot CD-ROM %+v lacks its id or name", srv.Name, c)
			case c != nil:
				cdroms++
			}
		}
	}
	if cdroms != 1 {
		t.Errorf("%d servers boot from a CD-ROM, want the default dataset's one", cdroms)
	}
	// By name, and with a raw object at a shallower depth, the boot device
	// still comes in full.
	var out tools.GetServerOutput
	mustCall(t, cs, "get_server", map[string]any{"server": "db-1", "depth": 0}, &out)
	vols, _ := out.Raw["entities"].(map[string]any)["volumes"].(map[string]any)
	if _, inlined := vols["items"]; out.Server.BootVolume == nil || out.Server.BootVolume.Name == "" || vols == nil || inlined {
		t.Fatalf("db-1 at depth 0: boot volume %+v, raw volumes %v (want a reference, as at depth 0)", out.Server.BootVolume, vols)
	}
}

// A server named by its id alone, once its data center is known, is read
// in one request: the read that finds it also brings its boot device.
func TestGetServerByIDOneRequest(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	mustCall(t, cs, "list_servers", nil, &tools.ListServersOutput{})
	db := e.server("production", "db-1")
	e.sim.ResetStats()
	var out tools.GetServerOutput
	mustCall(t, cs, "get_server", map[string]any{"server": db.ID}, &out)
	if out.Server.BootVolume == nil || out.Server.BootVolume.Name == "" {
		t.Fatalf("no boot volume: %+v", out.Server)
	}
	if n := e.sim.Stats().Requests; n != 1 {
		t.Fatalf("%d API requests, want 1", n)
	}
}
