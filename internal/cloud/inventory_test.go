package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

var plans = []cloud.Plan{cloud.PlanDeep, cloud.PlanPerDatacenter, cloud.PlanAuto}

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
				if plan == cloud.PlanPerDatacenter {
					want = tt.fan
				}
				if n := s.Stats().Requests; n != want {
					t.Fatalf("%d requests, want %d", n, want)
				}
			})
		}
	}
}

// A large account takes a first deep page, a count at depth 0, and the
// rest in pages sized from what the first cost; every server is found
// once, and the stats say what it took.
func TestDeepInventoryPagesTheRestAfterCounting(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 300, ServersPerDatacenter: 2, Seed: 5})
	c, s := newClient(t, sim.Options{Dataset: ds})
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	st := s.Stats()
	if n := st.ByRoute["GET /datacenters"]; n != 3 || st.Requests != 3 {
		t.Fatalf("%d requests (%v), want the first page, the count and one page of the rest", st.Requests, st.ByRoute)
	}
	if inv.Stats.Requests != 3 || inv.Stats.DeepPages != 2 || inv.Stats.Bytes <= 0 || inv.Stats.Fallback != "" {
		t.Fatalf("stats %+v", inv.Stats)
	}
	if pc := c.PlanCosts(); pc.BytesPerDatacenter <= 0 || pc.NextPage < 64 {
		t.Fatalf("learned %+v", pc)
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
		{"refuses", func(d cloud.Datacenter) bool { return d.Name == "production" }, 1, "no data center with id"},
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

// deepTrouble makes deep data-center pages hang until their deadline, or
// answer a status, from the page at the given offset on; other calls pass.
type deepTrouble struct {
	next   http.RoundTripper
	from   int // offset of the first page in trouble
	status int // 0 = hang
	seen   []string
	mu     sync.Mutex
}

func (d *deepTrouble) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	d.mu.Lock()
	d.seen = append(d.seen, r.URL.Path+"?"+r.URL.RawQuery)
	d.mu.Unlock()
	offset, _ := strconv.Atoi(q.Get("offset"))
	if !strings.HasSuffix(r.URL.Path, "/datacenters") || q.Get("depth") != "3" || offset < d.from {
		return d.next.RoundTrip(r)
	}
	if d.status == 0 {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	body := fmt.Sprintf(`{"httpStatus":%d,"messages":[{"errorCode":"%d","message":"injected"}]}`, d.status, d.status)
	return &http.Response{StatusCode: d.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

func (d *deepTrouble) deepRequests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, s := range d.seen {
		if strings.Contains(s, "depth=3") {
			n++
		}
	}
	return n
}

// When every deep page hangs, the inventory still answers, complete,
// well within its deadline, by listing each data center; and the next
// inventory does not try deep pages again.
func TestInventoryWhenDeepPagesHang(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 30, ServersPerDatacenter: 5, Seed: 11})
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hang := &deepTrouble{next: http.DefaultTransport}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, HTTPClient: &http.Client{Transport: hang}})
	if err != nil {
		t.Fatal(err)
	}
	// The deadline is the promise: past it the inventory fails. A deep
	// page gets a third of it.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	inv, err := c.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	if inv.Stats.PerDatacenter != 30 || !strings.Contains(inv.Stats.Fallback, "time budget") {
		t.Fatalf("stats %+v", inv.Stats)
	}
	inv, err = c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	if n := hang.deepRequests(); n != 1 || !strings.Contains(inv.Stats.Fallback, "avoided") {
		t.Fatalf("%d deep requests after a deep page hung (fallback %q); want the first only", n, inv.Stats.Fallback)
	}
}

// A deep page after the first that fails with a gateway error is replaced
// by listing its data centers; the other pages stay deep, and deep pages
// are not avoided afterwards for a server error.
func TestInventoryReplacesOneFailedPage(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 100, ServersPerDatacenter: 3, Seed: 12})
	s, err := sim.Start(sim.Options{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bad := &deepTrouble{next: http.DefaultTransport, from: 64, status: 504}
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, HTTPClient: &http.Client{Transport: bad},
		Backoff: cloud.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
	if inv.Stats.PerDatacenter != 36 || inv.Stats.DeepPages != 1 || !strings.Contains(inv.Stats.Fallback, "504") {
		t.Fatalf("stats %+v", inv.Stats)
	}
	if pc := c.PlanCosts(); !pc.AvoidDeepUntil.IsZero() {
		t.Fatalf("a 504 made deep pages avoided: %+v", pc)
	}
}

// An answer larger than the cap is refused as it streams in; a deep page
// so refused is replaced, a per-data-center page is an error that says so.
func TestInventoryAnswerCap(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 2, ServersPerDatacenter: 40, Seed: 13})
	c, _ := newClient(t, sim.Options{Dataset: ds})
	c.SetMaxAnswerBytes(20 << 10)
	_, err := c.Inventory(context.Background())
	if err == nil || !strings.Contains(err.Error(), "larger than this client accepts") {
		t.Fatalf("a 40-server page over a 20 KiB cap: %v", err)
	}
	c.SetMaxAnswerBytes(200 << 10)
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, inv, ds)
}

// An account of large data centers is listed deep once; from then on,
// while that is known, its data centers are listed one by one, which
// moves less than half the bytes.
func TestInventoryLearnsLargeDatacenters(t *testing.T) {
	ds := sim.Generate(sim.GenerateOptions{Datacenters: 2, ServersPerDatacenter: 700, Seed: 14})
	c, s := newClient(t, sim.Options{Dataset: ds, LatencyPerMB: -1})
	first, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, first, ds)
	if first.Stats.DeepPages != 1 {
		t.Fatalf("first inventory: %+v", first.Stats)
	}
	s.ResetStats()
	second, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkInventory(t, second, ds)
	if second.Stats.DeepPages != 0 || second.Stats.PerDatacenter != 2 || !strings.Contains(second.Stats.Fallback, "average") {
		t.Fatalf("second inventory: %+v", second.Stats)
	}
	if second.Stats.Bytes*2 > first.Stats.Bytes {
		t.Errorf("per data center moved %d bytes, deep %d", second.Stats.Bytes, first.Stats.Bytes)
	}
	if n := s.Stats().ByRoute["GET /datacenters/{id}/servers"]; n != 2 {
		t.Errorf("%d server listings, want one per data center", n)
	}
}
