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
			if out.Total != 3 || out.Next != nil {
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
	if len(out.Raw) != 1 || len(out.Datacenters) != 1 || out.Next == nil || *out.Next != 1 {
		t.Fatalf("got %d raw, %d summaries, next %v; want 1, 1, 1", len(out.Raw), len(out.Datacenters), out.Next)
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
			mustCall(t, cs, "list_servers", nil, &out)
			if out.Total != 13 || len(out.Servers) != 13 || out.Next != nil {
				t.Fatalf("total %d, %d servers, next %v; want all 13 in one page", out.Total, len(out.Servers), out.Next)
			}
			if len(out.Datacenters) != 3 {
				t.Fatalf("%d data centers, want 3", len(out.Datacenters))
			}
			for _, s := range out.Servers {
				if s.VMState == "" || s.DatacenterName == "" || s.Type == "" || s.Name == "" {
					t.Errorf("server lacks power state, type, name or data center: %+v", s)
				}
			}
		})
	}
}

func TestListServersFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	tests := []struct {
		name  string
		args  map[string]any
		total int
		page  int
		next  *int
	}{
		{"by data center name", map[string]any{"datacenter": "staging"}, 4, 4, nil},
		{"by data center name, any case", map[string]any{"datacenter": "STAGING"}, 4, 4, nil},
		{"by vm_state", map[string]any{"vm_state": "shutoff"}, 2, 2, nil},
		{"by name part", map[string]any{"name": "CUBE"}, 3, 3, nil},
		{"first page", map[string]any{"limit": 5}, 13, 5, ptr(5)},
		{"last page", map[string]any{"limit": 5, "offset": 10}, 13, 3, nil},
		{"beyond the end", map[string]any{"offset": 50}, 13, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out tools.ListServersOutput
			mustCall(t, cs, "list_servers", tt.args, &out)
			if out.Total != tt.total || len(out.Servers) != tt.page || !sameNext(out.Next, tt.next) {
				t.Fatalf("total %d, page %d, next %v; want %d, %d, %v", out.Total, len(out.Servers), deref(out.Next), tt.total, tt.page, deref(tt.next))
			}
		})
	}
}

func TestListServersByDatacenterID(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	dc := e.sim.Snapshot().Datacenters[2]
	var out tools.ListServersOutput
	mustCall(t, cs, "list_servers", map[string]any{"datacenter": dc.ID}, &out)
	if out.Total != len(dc.Servers) || out.Datacenters[0].Name != dc.Name {
		t.Fatalf("got %d servers of %q, want %d of %q", out.Total, out.Datacenters[0].Name, len(dc.Servers), dc.Name)
	}
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
		{"list_servers", map[string]any{"offset": -1}, "offset -1 is negative"},
		{"list_servers", map[string]any{"datacenter": "../x"}, `no data center named "../x"`},
		{"list_datacenters", map[string]any{"depth": 11}, "depth 11 is out of range"},
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

func sameNext(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

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
