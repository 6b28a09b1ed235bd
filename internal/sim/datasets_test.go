package sim

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// The dataset layer's own tests are in package dataset; these need the
// simulator or its tables.

func TestGenerateHuge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 servers")
	}
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 1000, ServersPerDatacenter: 100})
	s, _ := newTestSim(t, Options{Dataset: d})
	if got := len(s.Snapshot().Datacenters); got != 1000 {
		t.Fatalf("%d data centers", got)
	}
}

func TestNewRejectsInvalidDataset(t *testing.T) {
	d := dataset.Default()
	d.Datacenters[1].Servers[0].ID = d.Datacenters[0].Servers[0].ID
	if _, err := New(Options{Dataset: d}); err == nil {
		t.Error("duplicate ids accepted")
	}
}

// TestSnapshot: the snapshot reflects settled changes and is a copy.
func TestSnapshot(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	post(t, s, dcID, srvID, "stop")
	clock.Advance(time.Minute)
	snap := s.Snapshot()
	if got := snap.Datacenters[0].Servers[0].VMState; got != dataset.VMShutoff {
		t.Errorf("snapshot vmState %s, want SHUTOFF", got)
	}
	snap.Datacenters[0].Servers[0].VMState = "CRASHED"
	if got := s.Snapshot().Datacenters[0].Servers[0].VMState; got != dataset.VMShutoff {
		t.Errorf("changing a snapshot changed the simulator: %s", got)
	}
	if _, ok := s.SnapshotAccount("nope"); ok {
		t.Error("snapshot of an unknown account")
	}
}

// TestSnapshotHasDevices: a fresh simulator's snapshot is its dataset,
// devices included, for the default and for a generated one.
func TestSnapshotHasDevices(t *testing.T) {
	for _, d := range []*dataset.Dataset{dataset.Default(), dataset.Generate(dataset.GenerateOptions{Datacenters: 3, ServersPerDatacenter: 5, Seed: 2})} {
		s, _ := newTestSim(t, Options{Dataset: d})
		if diff := cmp.Diff(d, s.Snapshot()); diff != "" {
			t.Errorf("snapshot (-dataset +snapshot):\n%s", diff)
		}
	}
}

// TestServeOldFormat: a dataset file written before devices existed (the
// one package dataset's tests load) serves a server without a boot device
// and empty device collections.
func TestServeOldFormat(t *testing.T) {
	f, err := os.ReadFile("dataset/testdata/old-format.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Load(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestSim(t, Options{Dataset: d})
	srv := get(t, s, "/cloudapi/v6/datacenters/6555a419-dfea-5e7e-a304-5a25af9434af/servers/a7e25b39-4a90-556a-8717-8a99351095d0?depth=1")
	props := path(t, srv, "properties").(map[string]any)
	if _, ok := props["bootVolume"]; ok {
		t.Errorf("a server without volumes has a bootVolume: %v", props)
	}
	if items := path(t, srv, "entities", "volumes", "items").([]any); len(items) != 0 {
		t.Errorf("volumes %v, want none", items)
	}
	if diff := cmp.Diff(d, s.Snapshot()); diff != "" {
		t.Errorf("snapshot (-loaded +snapshot):\n%s", diff)
	}
}

// TestDatasetCPUFamiliesOffered: the CPU families of the default and of
// generated servers are ones a simulated data center lists in its
// cpuArchitecture (package dataset keeps its own copy of the names).
func TestDatasetCPUFamiliesOffered(t *testing.T) {
	offered := map[string]bool{}
	for _, c := range cpuArchitectures {
		offered[c.family] = true
	}
	for _, d := range []*dataset.Dataset{dataset.Default(), dataset.Generate(dataset.GenerateOptions{Datacenters: 2, ServersPerDatacenter: 200, Seed: 1})} {
		for _, dc := range d.Datacenters {
			for _, s := range dc.Servers {
				if s.CPUFamily != "" && !offered[s.CPUFamily] {
					t.Errorf("%s/%s: cpuFamily %s is not offered by the data centers", dc.Name, s.Name, s.CPUFamily)
				}
			}
		}
	}
}
