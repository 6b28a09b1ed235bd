package guard

import (
	"strings"
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

// Every name protects itself, whatever characters it holds, and only "*"
// and "?" are wildcards.
func TestPatternSyntax(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"db*", "db/primary", true},
		{"db/*", "db/primary", true},
		{"db[1]", "db[1]", true},
		{"db[1]", "db1", false},
		{`web\x`, `web\x`, true},
		{`web\x`, "webx", false},
		{"db-[", "db-[", true},
		{"*", "anything/at all", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*b*c", "a/x/b/y/c", true},
		{"a*b*c", "a/x/b/y/d", false},
		{"Ünïcode-*", "ünïcode-1", true},
		{"*?", "", false},
		{"db*", "mydb-1", false},
	}
	for _, tt := range tests {
		g, err := New([]string{tt.pattern}, nil)
		if err != nil {
			t.Fatalf("New(%q): %v", tt.pattern, err)
		}
		if _, got := g.Protected(cloud.Server{Name: tt.name}); got != tt.want {
			t.Errorf("pattern %q protects %q = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// A literal name always matches itself.
func FuzzLiteralProtectsItself(f *testing.F) {
	for _, s := range []string{"db/primary", "db[1]", `web\x`, "a*b", "?", "[", "prod-web"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		g, err := New([]string{name}, nil)
		if err != nil {
			return // control characters are refused at start
		}
		if strings.TrimSpace(name) == "" {
			return
		}
		if _, ok := g.Protected(cloud.Server{Name: name}); !ok {
			t.Fatalf("pattern %q does not protect the server named %q", name, name)
		}
	})
}

func TestBadPattern(t *testing.T) {
	_, err := New([]string{"db-\x00"}, nil)
	if err == nil || !strings.Contains(err.Error(), "IONOS_MCP_PROTECT") || !strings.Contains(err.Error(), "control character") {
		t.Fatalf("a pattern with a control character: err = %v", err)
	}
}
