package tools

import (
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// A page lists its servers under their data centers; the first page also
// lists every other data center with its counts, later pages only their own.
func TestGroupPage(t *testing.T) {
	var dcs []cloud.Datacenter
	for _, n := range "ABCD" {
		dcs = append(dcs, cloud.Datacenter{ID: string(n), Name: string(n)})
	}
	var servers []cloud.Server
	for i, dc := range []string{"A", "A", "C", "C", "C"} {
		servers = append(servers, cloud.Server{ID: string(rune('0' + i)), DatacenterID: dc, VMState: []string{"RUNNING", "SHUTOFF"}[i%2]})
	}
	first := groupPage(dcs, servers, servers[:3], true)
	if len(first) != 4 || len(first[0].Servers) != 2 || len(first[1].Servers) != 0 || len(first[2].Servers) != 1 || first[2].ServerCount != 3 {
		t.Fatalf("first page: %+v", first)
	}
	if first[2].VMStates["RUNNING"] != 2 || first[2].VMStates["SHUTOFF"] != 1 {
		t.Errorf("counts of C: %v", first[2].VMStates)
	}
	later := groupPage(dcs, servers, servers[3:], false)
	if len(later) != 1 || later[0].ID != "C" || len(later[0].Servers) != 2 || later[0].VMStates != nil {
		t.Fatalf("later page: %+v", later)
	}
}

// A page ends at the byte budget, whatever the limit, and holds at least
// one item.
func TestWindow(t *testing.T) {
	items := make([]int, 10)
	big := func(int) int { return maxServerBytes - 1 }
	page, end := window(items, 0, 10, maxServerBytes, big)
	if len(page) != 1 || end != 1 {
		t.Fatalf("page of %d, end %d; want 1 and 1", len(page), end)
	}
	small := func(int) int { return 100 }
	if page, end = window(items, 2, 5, maxServerBytes, small); len(page) != 5 || end != 7 {
		t.Fatalf("page of %d, end %d; want 5 and 7", len(page), end)
	}
	if page, end = window(items, 20, 5, maxServerBytes, small); len(page) != 0 || page == nil || end != 10 {
		t.Fatalf("past the end: %v, %d", page, end)
	}
}
