package cloud_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

func newClient(t *testing.T, o sim.Options) (*cloud.Client, *sim.Server) {
	t.Helper()
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL + "/", Poll: cloud.Poll{First: time.Millisecond, Max: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// Every page is fetched: a data center with 2,500 servers needs three pages
// of 1,000, and none is lost.
func TestListServersFollowsEveryPage(t *testing.T) {
	c, s := newClient(t, sim.Options{Dataset: sim.Generate(sim.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 2500, Seed: 3})})
	dc := s.Snapshot().Datacenters[0]
	servers, err := c.ListServers(context.Background(), cloud.Datacenter{ID: dc.ID, Name: dc.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 2500 {
		t.Fatalf("%d servers, want 2500", len(servers))
	}
	seen := map[string]bool{}
	for _, srv := range servers {
		if seen[srv.ID] {
			t.Fatalf("server %s listed twice", srv.ID)
		}
		seen[srv.ID] = true
		if srv.Name == "" || srv.VMState == "" || srv.DatacenterName != dc.Name || srv.Etag == "" {
			t.Fatalf("incomplete server %+v", srv)
		}
	}
	if got := s.Stats().ByRoute["GET /datacenters/{id}/servers"]; got != 3 {
		t.Fatalf("%d page requests, want 3", got)
	}
}

func TestInventoryCoversEveryDatacenter(t *testing.T) {
	c, _ := newClient(t, sim.Options{Dataset: sim.Generate(sim.GenerateOptions{Datacenters: 30, ServersPerDatacenter: 7, Seed: 1})})
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Datacenters) != 30 || len(inv.Servers) != 210 {
		t.Fatalf("%d data centers, %d servers; want 30 and 210", len(inv.Datacenters), len(inv.Servers))
	}
	for i := 1; i < len(inv.Servers); i++ {
		if inv.Servers[i].DatacenterID != inv.Servers[i-1].DatacenterID && inv.Servers[i].DatacenterID == inv.Servers[0].DatacenterID {
			t.Fatal("servers are not grouped by data center")
		}
	}
}

func TestResolveServer(t *testing.T) {
	c, s := newClient(t, sim.Options{})
	ctx := context.Background()
	snap := s.Snapshot()
	staging := snap.Datacenters[1]
	tests := []struct {
		ref, dc string
		want    string // name@datacenter, or an error fragment
	}{
		{"etl-1", "", "etl-1@analytics"},
		{"ETL-1", "", "etl-1@analytics"},
		{"web-1", "staging", "web-1@staging"},
		{"web-1", staging.ID, "web-1@staging"},
		{"web-1", "", "2 servers are named"},
		{"web", "", `no server named "web"`},
		{"etl-1", "staging", `no server named "etl-1" in data center "staging"`},
		{"etl-1", "nowhere", `no data center named "nowhere"`},
		{staging.Servers[1].ID, "", "build-runner@staging"},
		{strings.ToUpper(staging.Servers[1].ID), "staging", "build-runner@staging"},
	}
	for _, tt := range tests {
		got, err := c.ResolveServer(ctx, tt.ref, tt.dc)
		text := got.Name + "@" + got.DatacenterName
		if err != nil {
			text = err.Error()
		}
		if !strings.Contains(text, tt.want) {
			t.Errorf("ResolveServer(%q, %q) = %q, want %q", tt.ref, tt.dc, text, tt.want)
		}
	}
	var amb *cloud.AmbiguousError
	if _, err := c.ResolveServer(ctx, "web-1", ""); !errors.As(err, &amb) || len(amb.Candidates) != 2 {
		t.Fatalf("ambiguous name: %v", err)
	}
}

// After a listing, a server id alone costs one GET.
func TestServerIDIsRememberedAfterListing(t *testing.T) {
	c, s := newClient(t, sim.Options{})
	ctx := context.Background()
	if _, err := c.Inventory(ctx); err != nil {
		t.Fatal(err)
	}
	id := s.Snapshot().Datacenters[2].Servers[0].ID
	s.ResetStats()
	got, err := c.ResolveServer(ctx, id, "")
	if err != nil || got.Name != "etl-1" {
		t.Fatalf("ResolveServer(id) = %+v, %v", got, err)
	}
	if n := s.Stats().Requests; n != 1 {
		t.Fatalf("%d API requests, want 1", n)
	}
}

func TestPowerActionAndWait(t *testing.T) {
	c, _ := newClient(t, sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	ctx := context.Background()
	s, err := c.ResolveServer(ctx, "batch-worker", "staging")
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.PowerAction(ctx, s, cloud.Start)
	if err != nil || !cloud.IsUUID(id) {
		t.Fatalf("PowerAction = %q, %v", id, err)
	}
	var seen []string
	st, err := c.WaitRequest(ctx, id, func(st cloud.RequestStatus) { seen = append(seen, st.Status) })
	if err != nil || st.Status != cloud.StatusDone {
		t.Fatalf("WaitRequest = %+v, %v (saw %v)", st, err, seen)
	}
	final, err := c.WaitServer(ctx, s, "RUNNING", nil)
	if err != nil || final.VMState != "RUNNING" || final.Busy() {
		t.Fatalf("WaitServer = %+v, %v", final, err)
	}
	if final.Etag == s.Etag {
		t.Fatal("the etag did not change")
	}
}

// A wait that runs out returns the last status with the context's error.
func TestWaitRequestDeadline(t *testing.T) {
	clock := sim.NewManualClock(time.Now())
	c, _ := newClient(t, sim.Options{Clock: clock})
	s, err := c.ResolveServer(context.Background(), "batch-worker", "")
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.PowerAction(context.Background(), s, cloud.Start)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	st, err := c.WaitRequest(ctx, id, nil)
	if !errors.Is(err, context.DeadlineExceeded) || st.Status != cloud.StatusQueued || st.RequestID != id {
		t.Fatalf("WaitRequest = %+v, %v", st, err)
	}
}

func TestAPIErrors(t *testing.T) {
	_, s := newClient(t, sim.Options{})
	bad, err := cloud.New(cloud.Config{Token: "wrong", APIURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListDatacenters(context.Background())
	var ae *cloud.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "315" {
		t.Fatalf("wrong token: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("the error repeats the token: %v", err)
	}
	if err := s.SetFaults([]sim.Fault{{Kind: sim.FaultHTML502}}); err != nil {
		t.Fatal(err)
	}
	good, _ := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, Backoff: cloud.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}})
	_, err = good.ListDatacenters(context.Background())
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !strings.Contains(ae.Message, "HTML page") {
		t.Fatalf("HTML 502: %v", err)
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	if _, err := cloud.New(cloud.Config{}); !errors.Is(err, cloud.ErrNoCredentials) {
		t.Fatalf("no credentials: %v", err)
	}
	if _, err := cloud.New(cloud.Config{Token: "a\nb"}); err == nil {
		t.Fatal("a token with a line break was accepted")
	}
	if _, err := cloud.New(cloud.Config{Username: "u", Password: "p"}); err != nil {
		t.Fatalf("basic auth: %v", err)
	}
}

func TestBasicAuth(t *testing.T) {
	s, err := sim.Start(sim.Options{Username: "user@example.com", Password: "secret-pass"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, _ := cloud.New(cloud.Config{Username: "user@example.com", Password: "secret-pass", APIURL: s.URL})
	if dcs, err := c.ListDatacenters(context.Background()); err != nil || len(dcs) != 3 {
		t.Fatalf("basic auth: %d, %v", len(dcs), err)
	}
}

// A full last page whose links name no next page ends the walk: 2,000
// servers take two requests, not three.
func TestListServersStopsAtLastLinkedPage(t *testing.T) {
	c, s := newClient(t, sim.Options{Dataset: sim.Generate(sim.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 2000, Seed: 4})})
	dc := s.Snapshot().Datacenters[0]
	servers, err := c.ListServers(context.Background(), cloud.Datacenter{ID: dc.ID, Name: dc.Name})
	if err != nil || len(servers) != 2000 {
		t.Fatalf("%d servers, %v", len(servers), err)
	}
	if got := s.Stats().ByRoute["GET /datacenters/{id}/servers"]; got != 2 {
		t.Fatalf("%d page requests, want 2", got)
	}
}
