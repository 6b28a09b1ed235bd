package cloud

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// FuzzLenientPages checks what the client makes of the lenient shapes
// (internal/cloud/lenient fuzzes the shapes themselves): every item becomes
// one data center or server with the values the shape read, a page keeps
// its links, a server keeps its data center, and a request status keeps
// its targets and a sanitized message.
func FuzzLenientPages(f *testing.F) {
	for _, d := range []string{
		`{"items":[{"id":"a","metadata":{"etag":"e","state":"AVAILABLE"},"properties":{"name":"web-1","cores":99999999999,"ram":"8192","vmState":"RUNNING","type":"future-thing","location":"de/fra"}}],"_links":{"next":"x"}}`,
		`{"items":[{"id":"x","properties":{"cores":"abc","type":5}},{"id":"y","metadata":"gone"}],"_links":{"self":"s"}}`,
		`{"items":[null,{}]}`,
		`{"id":"a","metadata":{"etag":"e","state":"BUSY"},"properties":{"name":"n","vmState":"HIBERNATED"}}`,
		`{"metadata":{"status":"RUNNING","message":"\u0000\u001b[2J\u202e","targets":[{"target":{"id":"t","type":"future-thing"},"status":"RUNNING"},{"target":5}]}}`,
		`null`, `[]`, `{`, ``,
	} {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var col lenient.Collection
		if json.Unmarshal(data, &col) == nil {
			checkLenientPages(t, data, col)
		}
		var st lenient.Status
		if json.Unmarshal(data, &st) == nil {
			checkLenientStatus(t, st)
		}
	})
}

// checkLenientPages streams data as a page of data centers and as a page
// of servers, and compares with what decoding it whole gave: a streamed
// page is the same page, or an error when an item has no id.
func checkLenientPages(t *testing.T, data []byte, col lenient.Collection) {
	dc := Datacenter{ID: "6555a419-dfea-5e7e-a304-5a25af9434af", Name: "production"}
	var dcs page[Datacenter]
	var servers page[Server]
	dlinks, derr := lenient.Stream(bytes.NewReader(data), readDatacenters(&dcs))
	slinks, serr := lenient.Stream(bytes.NewReader(data), readServers(&servers, dc))
	if (derr == nil) != (serr == nil) {
		t.Fatalf("data centers: %v; servers: %v", derr, serr)
	}
	noID := false
	for _, r := range col.Items {
		noID = noID || r.ID == ""
	}
	if derr != nil {
		// Streaming also refuses two items arrays, which decoding whole
		// reads as the last one.
		twoArrays := strings.Count(strings.ToLower(string(data)), `"items"`) > 1
		if !noID && col.Items != nil && !twoArrays {
			t.Fatalf("a page that decodes whole did not stream: %v", derr)
		}
		return
	}
	if noID {
		t.Fatal("a page with an item without id was accepted")
	}
	if len(dcs.items) != len(col.Items) || len(servers.items) != len(col.Items) {
		t.Fatalf("%d items became %d data centers and %d servers", len(col.Items), len(dcs.items), len(servers.items))
	}
	for _, l := range []lenient.Links{dlinks, slinks} {
		if l != col.Links {
			t.Fatalf("streamed links %+v, decoded whole %+v", l, col.Links)
		}
	}
	for i, r := range col.Items {
		m, p := r.Metadata, r.Properties
		wantDC := Datacenter{ID: r.ID, Name: string(p.Name), Location: string(p.Location), Description: string(p.Description), State: string(m.State)}
		if dcs.items[i] != wantDC {
			t.Fatalf("item %d: data center %+v, want %+v", i, dcs.items[i], wantDC)
		}
		want := Server{ID: r.ID, Name: string(p.Name), DatacenterID: dc.ID, DatacenterName: dc.Name,
			Type: string(p.Type), VMState: string(p.VMState), State: string(m.State), Cores: p.Cores.Int(), RAM: p.RAM.Int(),
			CPUFamily: string(p.CPUFamily), AvailabilityZone: string(p.AvailabilityZone), Etag: string(m.Etag)}
		if servers.items[i] != want {
			t.Fatalf("item %d: server %+v, want %+v", i, servers.items[i], want)
		}
	}
}

func checkLenientStatus(t *testing.T, st lenient.Status) {
	const id = "9451b7c3-e28a-54e3-9197-51054f1f5553"
	rs, dcs := statusFromLenient(st, id)
	m := st.Metadata
	if len(dcs) != len(rs.Targets) {
		t.Fatalf("%d data centers for %d targets", len(dcs), len(rs.Targets))
	}
	if rs.RequestID != id || rs.Status != string(m.Status) || rs.Message != apierror.Sanitize(string(m.Message), 500) {
		t.Fatalf("request status %+v from %+v", rs, m)
	}
	if len(rs.Targets) != len(m.Targets) {
		t.Fatalf("%d targets became %d", len(m.Targets), len(rs.Targets))
	}
	for i, tg := range m.Targets {
		want := RequestTarget{ID: string(tg.Target.ID), Type: string(tg.Target.Type), Status: string(tg.Status)}
		if rs.Targets[i] != want {
			t.Fatalf("target %d: %+v, want %+v", i, rs.Targets[i], want)
		}
	}
}
