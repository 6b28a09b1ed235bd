package guard

import (
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

const id1 = "781355ba-1a74-533d-a93b-fe794f5d6136"

func TestProtected(t *testing.T) {
	g, err := New([]string{"db-*", id1, "Prod-Web"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		s    cloud.Server
		want bool
	}{
		{cloud.Server{Name: "db-1"}, true},
		{cloud.Server{Name: "DB-2"}, true},
		{cloud.Server{Name: "prod-web"}, true},
		{cloud.Server{Name: "etl-1", ID: id1}, true},
		{cloud.Server{Name: "etl-2", ID: "b0fb05b9-71b9-5262-93d5-668c5402bfeb"}, false},
		{cloud.Server{Name: "mydb-1"}, false},
	}
	for _, tt := range tests {
		if _, got := g.Protected(tt.s); got != tt.want {
			t.Errorf("Protected(%+v) = %v", tt.s, got)
		}
	}
	if _, ok := g.ProtectedRef("db-9"); !ok {
		t.Error("a reference matching a pattern is not protected")
	}
	var none *Guard
	if _, ok := none.Protected(cloud.Server{Name: "db-1"}); ok {
		t.Error("a nil guard protects")
	}
}

func TestDatacenterAllowList(t *testing.T) {
	names, _ := New(nil, []string{"prod*"})
	if !names.DatacenterAllowed(cloud.Datacenter{Name: "production"}) || names.DatacenterAllowed(cloud.Datacenter{Name: "staging"}) {
		t.Fatal("name allow-list")
	}
	if !names.DatacenterRefDenied("staging") {
		t.Error("a name outside a names-only list must be denied without asking the API")
	}
	if names.DatacenterRefDenied(id1) {
		t.Error("an id cannot be judged by a names-only list without the API")
	}
	ids, _ := New(nil, []string{id1})
	if !ids.DatacenterRefDenied("b0fb05b9-71b9-5262-93d5-668c5402bfeb") || ids.DatacenterRefDenied(id1) {
		t.Error("id allow-list")
	}
	if ids.DatacenterRefDenied("staging") {
		t.Error("a name cannot be judged by an ids-only list without the API")
	}
	var open *Guard
	if open.Restricted() || !open.DatacenterAllowed(cloud.Datacenter{Name: "x"}) || open.DatacenterRefDenied("x") {
		t.Error("a nil guard restricts")
	}
}

func TestBadPattern(t *testing.T) {
	if _, err := New([]string{"db-["}, nil); err == nil {
		t.Fatal("a malformed glob was accepted")
	}
}
