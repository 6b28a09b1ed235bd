package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

var plans = []cloud.Plan{cloud.PlanDeep, cloud.PlanFanOut, cloud.PlanAuto}

// checkInventory verifies that inv holds every server of want exactly
// once, with its data center, grouped in the order of the data centers.
func checkInventory(t *testing.T, inv cloud.Inventory, want *sim.Dataset) {
	t.Helper()
	if len(inv.Datacenters) != len(want.Datacenters) || len(inv.Servers) != want.ServerCount() {
		t.Fatalf("%d data centers, %d servers; want %d and %d", len(inv.Datacenters), len(inv.Servers), len(want.Datacenters), want.ServerCount())
	}
	i := 0
	for d, dc := range want.Datacenters {
		if inv.Datacenters[d].ID != dc.ID || inv.Datacenters[d].Name != dc.Name || inv.Datacenters[d].Location != dc.Location {
			t.Fatalf("data center %d is %+v, want %s %s", d, inv.Datacenters[d], dc.Name, dc.ID)
		}
		for _, s := range dc.Servers {
			got := inv.Servers[i]
			i++
			if got.ID != s.ID || got.Name != s.Name || got.VMState != s.VMState || got.Type != s.Type ||
				got.DatacenterID != dc.ID || got.DatacenterName != dc.Name || got.Etag == "" || got.State == "" {
				t.Fatalf("server %d is %+v, want %s in %s", i-1, got, s.Name, dc.Name)
			}
		}
	}
}

// Every server of a 2,500-server data center, and of an account with an
// empty data center, is found exactly once by every plan, in the fewest
// requests the plan allows.
func TestInventoryPlansFindEveryServerOnce(t *testing.T) {
	big := sim.Generate(sim.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 2500, Seed: 3})
	mixed := sim.Generate(sim.GenerateOptions{Datacenters: 7, ServersPerDatacenter: 30, Seed: 4})
	mixed.Datacenters[3].Servers = nil
	for _, tt := range []struct {
		name      string
		ds        *sim.Dataset
		deep, fan int64 // requests of each plan
	}{
		{"1x2500", big, 1, 1 + 3},
		{"7x30 with an empty one", mixed, 1, 1 + 7},
	} {
		for _, plan := range plans {
			t.Run(tt.name+"/"+plan.String(), func(t *testing.T) {
				c, s := newClient(t, sim.Options{Dataset: tt.ds})
				inv, err := c.InventoryPlan(context.Background(), plan)
				if err != nil {
					t.Fatal(err)
				}
				checkInventory(t, inv, tt.ds)
				want := tt.deep
				if plan == cloud.PlanFanOut {
					want = tt.fan
				}
				if n := s.Stats().Requests; n != want {
					t.Fatalf("%d requests, want %d", n, want)
				}
			})
		}
	}
}

// Deep pages follow each other to the end, the later ones sized from the
// servers per data center seen (10 servers aimed at, 4 per data center:
// pages of 3, then 2, 2, 2, 1).
func TestDeepInventoryFollowsEveryPage(t *testing.T) {
	defer cloud.SetDeepPaging(3, 10)()
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 10, ServersPerDatacenter: 4, Seed: 5})
	c, s := newClient(t, sim.Options{Dataset: ds})
	inv, err := c.InventoryPlan(context.Background(), cloud.PlanDeep)
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	if n := s.Stats().ByRoute["GET /datacenters"]; n != 5 {
		t.Fatalf("%d pages, want 5", n)
	}
}

// A data center whose nested servers the API did not give in full (no
// items, or a next link) is listed on its own; the others are not.
func TestDeepInventoryListsIncompleteDatacentersOnTheirOwn(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 4, ServersPerDatacenter: 6, Seed: 6})
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rw := &rewriter{next: http.DefaultTransport, edit: func(col map[string]any) {
		items := col["items"].([]any)
		servers := func(i int) map[string]any {
			return items[i].(map[string]any)["entities"].(map[string]any)["servers"].(map[string]any)
		}
		delete(servers(1), "items")
		servers(2)["_links"] = map[string]any{"next": "http://elsewhere/next"}
	}}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, HTTPClient: &http.Client{Transport: rw}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.InventoryPlan(context.Background(), cloud.PlanDeep)
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	st := s.Stats()
	if st.ByRoute["GET /datacenters"] != 1 || st.ByRoute["GET /datacenters/{id}/servers"] != 2 {
		t.Fatalf("requests %v, want one deep page and two data centers listed", st.ByRoute)
	}
}

// A deep page the SDK cannot decode (an unknown enum value) is read
// leniently, servers included.
func TestDeepInventoryLenient(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 2, ServersPerDatacenter: 3, Seed: 8})
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rw := &rewriter{next: http.DefaultTransport, edit: func(col map[string]any) {
		dc := col["items"].([]any)[0].(map[string]any)
		srv := dc["entities"].(map[string]any)["servers"].(map[string]any)["items"].([]any)[0].(map[string]any)
		srv["type"] = "server-of-the-future"
	}}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, HTTPClient: &http.Client{Transport: rw}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.InventoryPlan(context.Background(), cloud.PlanDeep)
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
}

// The scope applies to the deep plan: other data centers and their
// servers are left out, in one request.
func TestDeepInventoryKeepsTheScope(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 5, ServersPerDatacenter: 4, Seed: 9})
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keep := map[string]bool{"dc-0002": true, "dc-0004": true}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, Scope: func(d cloud.Datacenter) bool { return keep[d.Name] }})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &sim.Dataset{Datacenters: []sim.Datacenter{ds.Datacenters[1], ds.Datacenters[3]}}
	checkInventory(t, inv, want)
	if n := s.Stats().Requests; n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// rewriter edits the JSON of deep data-center pages on their way back.
type rewriter struct {
	next http.RoundTripper
	edit func(map[string]any)
}

func (rw *rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rw.next.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/datacenters") || r.URL.Query().Get("depth") != "3" {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var col map[string]any
	if err := json.Unmarshal(body, &col); err != nil {
		return nil, err
	}
	rw.edit(col)
	body, _ = json.Marshal(col)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// A server named by its id and its data center's id costs one request
// when the scope admits the data center by id (or there is no scope), and
// two when only the data center's name can tell.
func TestServerInByIDs(t *testing.T) {
	ds := sim.DefaultDataset()
	staging := ds.Datacenters[1]
	srv := staging.Servers[1]
	for _, tt := range []struct {
		name  string
		scope func(cloud.Datacenter) bool
		reqs  int64
		err   string
	}{
		{"no scope", nil, 1, ""},
		{"admits everything", func(cloud.Datacenter) bool { return true }, 1, ""},
		{"admits by id", func(d cloud.Datacenter) bool { return d.ID == staging.ID }, 1, ""},
		{"admits by name", func(d cloud.Datacenter) bool { return d.Name == "staging" }, 2, ""},
		{"refuses", func(d cloud.Datacenter) bool { return d.Name == "production" }, 1, "not available here"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sim.Start(sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, Scope: tt.scope})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := c.ServerIn(context.Background(), strings.ToUpper(staging.ID), srv.ID, 0)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ServerIn = %+v, %v; want %q", got, err, tt.err)
				}
			} else if err != nil || got.ID != srv.ID || got.DatacenterID != staging.ID {
				t.Fatalf("ServerIn = %+v, %v", got, err)
			}
			if n := s.Stats().Requests; n != tt.reqs {
				t.Fatalf("%d requests, want %d", n, tt.reqs)
			}
		})
	}
}
