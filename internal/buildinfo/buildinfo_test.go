package buildinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestResolve(t *testing.T) {
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/ionos-mcp/ionos-mcp", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/ionos-mcp/ionos-mcp", Version: "v0.3.0"},
	}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
	}{
		{"release ldflags win", "v1.0.0", "abc", "2026-12-02T00:00:00Z", vcs,
			Info{Version: "v1.0.0", Commit: "abc", Date: "2026-12-02T00:00:00Z", GoVersion: "go1.26.8"}},
		{"go install records the module version", "", "", "", installed,
			Info{Version: "v0.3.0", GoVersion: "go1.26.8"}},
		{"a build in a checkout records the commit", "", "", "", vcs,
			Info{Version: "dev", Commit: "0123456789abcdef0123", Date: "2026-12-01T10:00:00Z", Modified: true, GoVersion: "go1.26.8"}},
		{"no build info", "", "", "", nil, Info{Version: "dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.version, tt.commit, tt.date, tt.bi)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Info{}, "GoVersion")); diff != "" {
				t.Errorf("resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestString(t *testing.T) {
	i := Info{Version: "v1.0.0", Commit: "0123456789abcdef", Date: "2026-12-02T00:00:00Z", GoVersion: "go1.26.8"}
	if got := i.String(); !strings.HasPrefix(got, "ionos-mcp v1.0.0 (commit 0123456789ab, built 2026-12-02T00:00:00Z) go1.26.8 ") {
		t.Errorf("String() = %q", got)
	}
	i.Modified = true
	if got := i.String(); !strings.Contains(got, "0123456789ab-dirty") {
		t.Errorf("String() of a modified tree = %q, want the -dirty mark", got)
	}
}

// TestLinkerFlags builds the real binary with the release's -X flags and
// checks that the variables they name exist: a renamed variable would make
// the linker drop the flag silently.
func TestLinkerFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "ionos-mcp")
	pkg := "github.com/ionos-mcp/ionos-mcp/internal/buildinfo"
	ldflags := "-X " + pkg + ".version=v9.8.7 -X " + pkg + ".commit=feedface -X " + pkg + ".date=2026-12-02T00:00:00Z"
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, "../../cmd/ionos-mcp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ionos-mcp %v: %v\n%s", args, err, out)
		}
		if want := "ionos-mcp v9.8.7 (commit feedface, built 2026-12-02T00:00:00Z)"; !strings.HasPrefix(string(out), want) {
			t.Errorf("ionos-mcp %v = %q, want prefix %q", args, out, want)
		}
	}
}

// TestGoInstallVersion installs the command the way a user without a release
// does and checks that it names its version rather than "dev".
func TestGoInstallVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if err := exec.Command("git", "rev-parse", "--git-dir").Run(); err != nil {
		t.Skip("not in a git checkout: go install records no version")
	}
	gobin := t.TempDir()
	install := exec.Command("go", "install", "-buildvcs=true", "../../cmd/ionos-mcp")
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "ionos-mcp"), "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("ionos-mcp --version: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "ionos-mcp v") || !strings.Contains(string(out), "(commit ") {
		t.Errorf("ionos-mcp --version = %q, want the module version and commit go install recorded", out)
	}
}
