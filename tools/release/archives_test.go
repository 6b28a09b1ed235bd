package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// archiveDist writes a dist/ as goreleaser leaves it: six archives with
// the files named, an SBOM per binary, the checksums of all of them.
func archiveDist(t *testing.T, files func(goos string) []string) string {
	t.Helper()
	dist := t.TempDir()
	const version = "0.1.0"
	var as []Artifact
	var sums strings.Builder
	add := func(name, typ string) {
		as = append(as, Artifact{Name: name, Path: filepath.Join("dist", name), Type: typ})
		sum, err := fileSHA256(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%s  %s\n", sum, name)
	}
	for _, p := range releasePlatforms {
		name := fmt.Sprintf("ionos-mcp_%s_%s_%s.%s", version, p.goos, p.goarch, p.ext)
		writeArchive(t, filepath.Join(dist, name), files(p.goos))
		add(name, "Archive")
		sbom := fmt.Sprintf("ionos-mcp_%s_%s_%s.sbom.cdx.json", version, p.goos, p.goarch)
		writeJSON(t, filepath.Join(dist, sbom), map[string]any{
			"bomFormat":  "CycloneDX",
			"metadata":   map[string]any{"component": map[string]string{"name": "github.com/ionos-mcp/ionos-mcp"}},
			"components": []map[string]string{{"name": "github.com/spf13/cobra"}},
		})
		add(sbom, "SBOM")
	}
	if err := os.WriteFile(filepath.Join(dist, "ionos-mcp_"+version+"_checksums.txt"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, filepath.Join(dist, "artifacts.json"), as)
	writeJSON(t, filepath.Join(dist, "metadata.json"), Metadata{ProjectName: "ionos-mcp", Version: version, Commit: "abc", Date: time.Now()})
	return dist
}

func writeArchive(t *testing.T, path string, names []string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(path, ".zip") {
		z := zip.NewWriter(f)
		for _, n := range names {
			w, err := z.Create(n)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(n)); err != nil {
				t.Fatal(err)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(n)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
}

func complete(goos string) []string {
	bin := "ionos-mcp"
	if goos == "windows" {
		bin += ".exe"
	}
	return append([]string{bin}, archiveDocs...)
}

func TestCheckArchives(t *testing.T) {
	if err := cmdCheckArchives([]string{"-dist", archiveDist(t, complete)}); err != nil {
		t.Fatal(err)
	}

	noChangelog := func(goos string) []string {
		return slices.DeleteFunc(complete(goos), func(n string) bool { return n == "CHANGELOG.md" })
	}
	err := cmdCheckArchives([]string{"-dist", archiveDist(t, noChangelog)})
	if err == nil || !strings.Contains(err.Error(), "lacks CHANGELOG.md") {
		t.Fatalf("archives without CHANGELOG.md: %v", err)
	}

	dist := archiveDist(t, complete)
	// An archive changed after its checksum was taken.
	writeArchive(t, filepath.Join(dist, "ionos-mcp_0.1.0_linux_arm64.tar.gz"), append(complete("linux"), "extra"))
	err = cmdCheckArchives([]string{"-dist", dist})
	if err == nil || !strings.Contains(err.Error(), "checksums.txt has") {
		t.Fatalf("a changed archive: %v", err)
	}
}
