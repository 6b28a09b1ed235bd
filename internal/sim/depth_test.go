package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
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
	if vm := path(t, d3, "items", 0, "entities", "servers", "items", 0, "properties", "vmState"); vm != dataset.VMRunning {
		t.Errorf("depth=3: first server vmState %v", vm)
	}
	if !isRef(path(t, d3, "items", 0, "entities", "servers", "items", 0, "entities", "nics")) {
		t.Errorf("depth=3: a server's nics should be a collection reference")
	}
	d4 := get(t, s, base+"?depth=4")
	nics := path(t, d4, "items", 0, "entities", "servers", "items", 0, "entities", "nics", "items").([]any)
	if len(nics) != 2 || !isRef(nics[0]) {
		t.Errorf("depth=4: web-1's nics items %v, want 2 references", nics)
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

// TestDepthServerDevices: a server's boot device is a reference at every
// depth; its volumes, CD-ROMs and NICs follow the depth rules, and NICs
// have their own (empty) firewall rules and flow logs.
func TestDepthServerDevices(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	bootID := dataset.NameUUID("default-dataset", "production", "web-1", "volume", "boot")

	d0 := get(t, s, srv)
	boot := path(t, d0, "properties", "bootVolume")
	want := map[string]any{"id": bootID, "type": "volume", "href": "http://example.com/cloudapi/v6/datacenters/" + dcID + "/volumes/" + bootID}
	if diff := cmp.Diff(want, boot); diff != "" {
		t.Errorf("bootVolume (-want +got):\n%s", diff)
	}
	for _, e := range []string{"volumes", "cdroms", "nics"} {
		if !isRef(path(t, d0, "entities", e)) {
			t.Errorf("depth=0: %s is not a collection reference", e)
		}
	}
	d1 := get(t, s, srv+"?depth=1")
	if vols := path(t, d1, "entities", "volumes", "items").([]any); len(vols) != 1 || !isRef(vols[0]) {
		t.Errorf("depth=1: volumes %v, want one reference", vols)
	}
	if cds := path(t, d1, "entities", "cdroms", "items").([]any); len(cds) != 0 {
		t.Errorf("depth=1: cdroms %v, want none", cds)
	}
	d2 := get(t, s, srv+"?depth=2")
	vol := path(t, d2, "entities", "volumes", "items", 0)
	if path(t, vol, "properties", "bootServer") != srvID || path(t, vol, "properties", "bootOrder") != "PRIMARY" ||
		path(t, vol, "properties", "deviceNumber") != float64(1) {
		t.Errorf("depth=2: boot volume %v", path(t, vol, "properties"))
	}
	if _, ok := vol.(map[string]any)["entities"]; ok {
		t.Error("a volume has entities")
	}
	nic := path(t, d2, "entities", "nics", "items", 0)
	if path(t, nic, "properties", "lan") != float64(1) || !isRef(path(t, nic, "entities", "firewallrules")) {
		t.Errorf("depth=2: NIC %v", nic)
	}
	d3 := get(t, s, srv+"?depth=3")
	for _, e := range []string{"firewallrules", "flowlogs"} {
		if items := path(t, d3, "entities", "nics", "items", 0, "entities", e, "items").([]any); len(items) != 0 {
			t.Errorf("depth=3: %s %v, want none", e, items)
		}
	}

	stagingID, batchID := defaultIDs(t, "staging", "batch-worker")
	batch := get(t, s, "/cloudapi/v6/datacenters/"+stagingID+"/servers/"+batchID+"?depth=2")
	props := path(t, batch, "properties").(map[string]any)
	cdID := dataset.NameUUID("default-dataset", "staging", "batch-worker", "cdrom", "debian-12.8.0-amd64-netinst.iso")
	if _, ok := props["bootVolume"]; ok || path(t, props, "bootCdrom", "href") != "http://example.com/cloudapi/v6/images/"+cdID {
		t.Errorf("batch-worker boots from %v", props)
	}
	if cd := path(t, batch, "entities", "cdroms", "items", 0); path(t, cd, "type") != "image" || path(t, cd, "properties", "imageType") != "CDROM" {
		t.Errorf("CD-ROM %v", cd)
	}
}

// TestDepthLANsAndLoadbalancers: a LAN lists its NICs, a load balancer its
// balanced NICs, both with the NIC's own (server) href.
func TestDepthLANsAndLoadbalancers(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	dc := "/cloudapi/v6/datacenters/" + dcID
	lan0 := get(t, s, dc+"/lans/1")
	if path(t, lan0, "properties", "public") != true || path(t, lan0, "properties", "ipv4CidrBlock") != nil || !isRef(path(t, lan0, "entities", "nics")) {
		t.Errorf("LAN 1 at depth 0: %v", lan0)
	}
	lan1 := get(t, s, dc+"/lans/1?depth=1")
	nics := path(t, lan1, "entities", "nics", "items").([]any)
	if len(nics) != 2 || !isRef(nics[0]) { // web-1's and web-2's first NICs
		t.Errorf("public LAN NICs: %v, want two references", nics)
	}
	if !strings.Contains(path(t, nics[0], "href").(string), "/servers/"+srvID+"/nics/") {
		t.Errorf("LAN NIC href %v is not the server's", path(t, nics[0], "href"))
	}
	private := get(t, s, dc+"/lans/2?depth=2")
	if n := len(path(t, private, "entities", "nics", "items").([]any)); n != 5 {
		t.Errorf("private LAN has %d NICs, want 5 (every production server)", n)
	}
	lbs := get(t, s, dc+"/loadbalancers?depth=2")
	balanced := path(t, lbs, "items", 0, "entities", "balancednics", "items").([]any)
	if len(balanced) != 2 || !isRef(balanced[0]) {
		t.Errorf("balanced NICs %v, want two references", balanced)
	}
}

// TestDepthDatacentersInlinesDevices: at depth 3 every data center inlines
// its servers (entities as references) and its volumes, LANs and load
// balancers with their properties, as a real depth-3 answer does.
func TestDepthDatacentersInlinesDevices(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	m := get(t, s, "/cloudapi/v6/datacenters?depth=3")
	wantVolumes := []int{8, 5, 8} // attached and unattached
	for i, dc := range path(t, m, "items").([]any) {
		ents := path(t, dc, "entities")
		srv := path(t, ents, "servers", "items", 0)
		if _, ok := path(t, srv, "properties").(map[string]any)["name"]; !ok || !isRef(path(t, srv, "entities", "volumes")) {
			t.Errorf("dc %d: server %v", i, srv)
		}
		vols := path(t, ents, "volumes", "items").([]any)
		if len(vols) != wantVolumes[i] || path(t, vols[0], "properties", "size") == nil {
			t.Errorf("dc %d: %d volumes (want %d), first %v", i, len(vols), wantVolumes[i], vols[0])
		}
		lans := path(t, ents, "lans", "items").([]any)
		if len(lans) != 2 || path(t, lans[1], "properties", "name") != "backend" || !isRef(path(t, lans[1], "entities", "nics")) {
			t.Errorf("dc %d: LANs %v", i, lans)
		}
		for _, e := range []string{"networkloadbalancers", "natgateways"} {
			if items := path(t, ents, e, "items").([]any); len(items) != 0 {
				t.Errorf("dc %d: %s %v", i, e, items)
			}
		}
	}
	if lb := path(t, m, "items", 0, "entities", "loadbalancers", "items", 0); path(t, lb, "properties", "name") != "web-lb" {
		t.Errorf("production's load balancer %v", lb)
	}
}
