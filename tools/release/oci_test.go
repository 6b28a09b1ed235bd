package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeDist writes what goreleaser leaves in dist/ for the image: the
// metadata, and linux binaries (a small static program that prints the
// version it was stamped with, built for both CPUs).
func fakeDist(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	dist := filepath.Join(dir, "dist")
	src := filepath.Join(dir, "src")
	for _, d := range []string{dist, src} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	prog := "package main\n\nimport \"fmt\"\n\nvar version string\n\nfunc main() { fmt.Println(\"ionos-mcp\", version) }\n"
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module fake\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var as []Artifact
	for _, arch := range []string{"amd64", "arm64"} {
		rel := filepath.Join("dist", "ionos-mcp_linux_"+arch, "ionos-mcp")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", filepath.Join(dir, rel), ".")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", arch, err, out)
		}
		as = append(as, Artifact{Name: "ionos-mcp", Path: rel, Goos: "linux", Goarch: arch, Type: "Binary"})
	}
	// A universal binary and an archive must not be taken for the image's.
	as = append(as, Artifact{Name: "ionos-mcp", Path: "dist/x/ionos-mcp", Goos: "darwin", Goarch: "all", Type: "Binary"},
		Artifact{Name: "a.tar.gz", Path: "dist/a.tar.gz", Goos: "linux", Goarch: "amd64", Type: "Archive"})
	writeJSON(t, filepath.Join(dist, "artifacts.json"), as)
	writeJSON(t, filepath.Join(dist, "metadata.json"), Metadata{
		ProjectName: "ionos-mcp", Tag: "v0.0.0", Version: version, Commit: "0123456789abcdef0123456789abcdef01234567",
		Date: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC),
	})
	return dist
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOCIImage(t *testing.T) {
	const version = "0.1.1-snapshot.0123456"
	dist := fakeDist(t, version)
	layoutDir := filepath.Join(dist, "oci")
	tarPath := filepath.Join(dist, "image.tar")
	if err := cmdOCI([]string{"-dist", dist, "-out", layoutDir, "-tar", tarPath, "-server-json", repoServerJSON}); err != nil {
		t.Fatal(err)
	}
	m, _ := readMetadata(dist)
	want, err := specFrom(repoServerJSON, m)
	if err != nil {
		t.Fatal(err)
	}
	if want.Repository != "ghcr.io/ionos-mcp/ionos-mcp" || want.ServerName != "io.github.ionos-mcp/ionos-mcp" {
		t.Fatalf("spec from server.json: %+v", want)
	}
	report, err := verifyLayout(layoutDir, want, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(strings.Join(report, "\n"))
	if !strings.Contains(strings.Join(report, "\n"), "ran: ionos-mcp "+version) {
		t.Error("the amd64 binary was not run")
	}
	if fi, err := os.Stat(tarPath); err != nil || fi.Size() == 0 {
		t.Errorf("OCI archive: %v", err)
	}

	// The same inputs give the same image.
	again := filepath.Join(dist, "oci2")
	if err := cmdOCI([]string{"-dist", dist, "-out", again, "-tar", "-", "-server-json", repoServerJSON}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(layoutDir, "index.json"))
	b, _ := os.ReadFile(filepath.Join(again, "index.json"))
	if string(a) != string(b) {
		t.Errorf("two builds differ:\n%s\n%s", a, b)
	}

	t.Run("other server name", func(t *testing.T) {
		w := want
		w.ServerName = "io.github.someone/else"
		if _, err := verifyLayout(layoutDir, w, false); err == nil || !strings.Contains(err.Error(), labelServerName) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("other version", func(t *testing.T) {
		w := want
		w.Version = "9.9.9"
		if _, err := verifyLayout(layoutDir, w, false); err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("damaged blob", func(t *testing.T) {
		blobs, _ := filepath.Glob(filepath.Join(again, "blobs", "sha256", "*"))
		var biggest string
		var size int64
		for _, p := range blobs {
			if fi, _ := os.Stat(p); fi.Size() > size {
				biggest, size = p, fi.Size()
			}
		}
		f, err := os.OpenFile(biggest, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("damage"), size/2); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, err := verifyLayout(again, want, false); err == nil {
			t.Fatal("a damaged layer was accepted")
		}
	})
}

func TestCheckELF(t *testing.T) {
	if err := checkELF([]byte("#!/bin/sh\necho hi\n"), "amd64"); err == nil {
		t.Error("a shell script passed as an ELF binary")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is for this machine: it must not pass for the other CPU.
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[goarchOf(t, b)]
	if err := checkELF(b, other); err == nil {
		t.Errorf("a binary passed for %s", other)
	}
}

func goarchOf(t *testing.T, b []byte) string {
	for _, arch := range []string{"amd64", "arm64"} {
		if err := checkELF(b, arch); err == nil || strings.Contains(err.Error(), "dynamically linked") {
			return arch
		}
	}
	t.Skip("not an amd64 or arm64 ELF machine")
	return ""
}
