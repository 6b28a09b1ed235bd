package sim

import (
	"fmt"
	"testing"
)

// isRef reports whether v is a bare reference {id,type,href}.
func isRef(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 3 {
		return false
	}
	_, id := m["id"]
	_, typ := m["type"]
	_, href := m["href"]
	return id && typ && href
}

func TestDepthDatacenters(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	base := "/cloudapi/v6/datacenters"

	d0 := get(t, s, base+"?depth=0")
	if !isRef(path(t, d0, "items", 0)) {
		t.Errorf("depth=0: items are not references: %v", path(t, d0, "items", 0))
	}

	d1 := get(t, s, base+"?depth=1")
	if name := path(t, d1, "items", 0, "properties", "name"); name != "production" {
		t.Errorf("depth=1: first name %v", name)
	}
	servers := path(t, d1, "items", 0, "entities", "servers")
	if !isRef(servers) {
		t.Errorf("depth=1: servers is not a collection reference: %v", servers)
	}

	d2 := get(t, s, base+"?depth=2")
	if !isRef(path(t, d2, "items", 0, "entities", "servers", "items", 0)) {
		t.Errorf("depth=2: servers are not references")
	}

	d3 := get(t, s, base+"?depth=3")
	if vm := path(t, d3, "items", 0, "entities", "servers", "items", 0, "properties", "vmState"); vm != VMRunning {
		t.Errorf("depth=3: first server vmState %v", vm)
	}
	if !isRef(path(t, d3, "items", 0, "entities", "servers", "items", 0, "entities", "nics")) {
		t.Errorf("depth=3: a server's nics should be a collection reference")
	}
	d4 := get(t, s, base+"?depth=4")
	if items := path(t, d4, "items", 0, "entities", "servers", "items", 0, "entities", "nics", "items"); len(items.([]any)) != 0 {
		t.Errorf("depth=4: nics items %v, want []", items)
	}
}

func TestDepthServers(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	list := "/cloudapi/v6/datacenters/" + dcID + "/servers"

	if first := path(t, get(t, s, list+"?depth=0"), "items", 0); !isRef(first) {
		t.Errorf("depth=0: items are not references: %v", first)
	}
	d1 := get(t, s, list+"?depth=1")
	if name := path(t, d1, "items", 0, "properties", "name"); name != "web-1" {
		t.Errorf("depth=1: first server %v", name)
	}
	if !isRef(path(t, d1, "items", 0, "entities", "volumes")) {
		t.Errorf("depth=1: volumes is not a collection reference")
	}

	one := get(t, s, list+"/"+srvID) // default depth 0: still a full object
	if path(t, one, "properties", "cores") != float64(4) || path(t, one, "properties", "cpuFamily") != "INTEL_ICELAKE" {
		t.Errorf("server: %v", path(t, one, "properties"))
	}
	if !isRef(path(t, one, "entities", "cdroms")) {
		t.Errorf("depth=0 server: cdroms is not a collection reference")
	}
}

// CUBE and VCPU servers have no cpuFamily; template-based ones name their template.
func TestServerPropertiesByType(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	for _, c := range []struct {
		dc, name      string
		cpu, template bool
	}{
		{"production", "web-1", true, false},
		{"production", "cache-cube", false, true},
		{"production", "gpu-train", true, true},
		{"staging", "web-1", false, false},
	} {
		dcID, srvID := defaultIDs(t, c.dc, c.name)
		props := path(t, get(t, s, "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID), "properties").(map[string]any)
		_, cpu := props["cpuFamily"]
		_, tmpl := props["templateUuid"]
		if cpu != c.cpu || tmpl != c.template {
			t.Errorf("%s/%s: cpuFamily %v templateUuid %v; want %v %v", c.dc, c.name, cpu, tmpl, c.cpu, c.template)
		}
	}
}

func TestDepthEveryLevelIsWellFormed(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	for depth := range maxDepth + 1 {
		m := get(t, s, fmt.Sprintf("/cloudapi/v6/datacenters?depth=%d&pretty=false", depth))
		if len(path(t, m, "items").([]any)) != 3 {
			t.Fatalf("depth=%d: want 3 items", depth)
		}
	}
}

func TestPrettyAndCompact(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	pretty := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "").Body.String()
	compact := do(t, s, "GET", "/cloudapi/v6/datacenters?pretty=false", testToken, "").Body.String()
	if pretty[:4] != "{\n  " || compact[:2] != `{"` || len(compact) >= len(pretty) {
		t.Errorf("pretty starts %q, compact starts %q", pretty[:4], compact[:2])
	}
}

func TestETagHeader(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	target := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	rec := do(t, s, "GET", target, testToken, "")
	etag := path(t, decodeMap(t, rec.Body.Bytes()), "metadata", "etag")
	if rec.Header().Get("ETag") != etag {
		t.Errorf("ETag %q, metadata.etag %v", rec.Header().Get("ETag"), etag)
	}
	if h := do(t, s, "GET", target+"?depth=1", testToken, "").Header().Get("ETag"); h != "" {
		t.Errorf("ETag %q sent with depth", h)
	}
}
