package tools

import (
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// Paging through list_servers lists every data center, empty ones
// included, each on the page of its servers (both pages when they span
// two), and no page lists the whole account.
func TestPageDatacenters(t *testing.T) {
	var dcs []cloud.Datacenter
	for _, n := range "ABCDEF" {
		dcs = append(dcs, cloud.Datacenter{ID: string(n), Name: string(n)})
	}
	var servers []cloud.Server
	for _, s := range []string{"A", "A", "C", "C", "C", "E"} {
		servers = append(servers, cloud.Server{DatacenterID: s})
	}
	names := func(page []DatacenterCount) string {
		var b strings.Builder
		for _, d := range page {
			b.WriteString(d.Name)
		}
		return b.String()
	}
	for _, tt := range []struct {
		offset, limit int
		want          string
	}{
		{0, 2, "AB"},   // A's servers, and B, which is empty, before C's page
		{2, 2, "C"},    // C1, C2
		{4, 2, "CDEF"}, // C3, E1, and the empty ones after: the last page
		{6, 2, ""},     // past the end
		{0, 100, "ABCDEF"},
		{1, 1, "AB"},
		{5, 1, "EF"},
	} {
		page, _ := budgetWindow(servers, tt.offset, tt.limit, serverBytes)
		got := pageDatacenters(dcs, servers, tt.offset, len(page), tt.limit)
		if names(got) != tt.want {
			t.Errorf("offset %d limit %d: data centers %q, want %q", tt.offset, tt.limit, names(got), tt.want)
		}
	}
	if got := pageDatacenters(dcs, nil, 0, 0, 4); names(got) != "ABCD" || got[0].Servers != 0 {
		t.Errorf("nothing matched: %+v, want the first 4 data centers with no servers", got)
	}
	if got := pageDatacenters(dcs, servers, 0, 2, 2); got[0].Servers != 2 || got[1].Servers != 0 {
		t.Errorf("counts %+v", got)
	}
}

// A page ends at the byte budget, whatever the limit, and holds at least
// one item.
func TestBudgetWindow(t *testing.T) {
	items := make([]int, 10)
	size := func(int) int { return 40 << 10 }
	page, next := budgetWindow(items, 0, 10, size)
	if len(page) != 1 || next == nil || *next != 1 {
		t.Fatalf("page of %d, next %v; want 1 and 1", len(page), next)
	}
	page, next = budgetWindow(items, 9, 10, size)
	if len(page) != 1 || next != nil {
		t.Fatalf("last page of %d, next %v", len(page), next)
	}
	small := func(int) int { return 100 }
	if page, next = budgetWindow(items, 2, 5, small); len(page) != 5 || next == nil || *next != 7 {
		t.Fatalf("page of %d, next %v; want 5 and 7", len(page), next)
	}
	if page, next = budgetWindow(items, 20, 5, small); len(page) != 0 || page == nil || next != nil {
		t.Fatalf("past the end: %v, %v", page, next)
	}
}
