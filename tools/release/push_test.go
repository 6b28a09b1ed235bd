package main

import (
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The pushed image is what the MCP Registry reads when it checks that the
// image belongs to the server: for linux/amd64, the server name label.
func TestPush(t *testing.T) {
	const version = "0.1.2"
	dist := fakeDist(t, version)
	dir := filepath.Join(dist, "oci")
	if err := cmdOCI([]string{"-dist", dist, "-out", dir, "-tar", "-", "-server-json", repoServerJSON}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	repo := strings.TrimPrefix(srv.URL, "http://") + "/ionos-mcp/ionos-mcp"

	pushed, err := pushLayout(dir, repo, []string{"latest"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pushed) != 2 || !strings.HasPrefix(pushed[0], repo+":"+version+"@sha256:") || pushed[1] != repo+":latest" {
		t.Fatalf("pushed %q", pushed)
	}
	for _, tag := range []string{version, "latest"} {
		ref, err := name.ParseReference(repo + ":" + tag)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := remote.Index(ref)
		if err != nil {
			t.Fatal(err)
		}
		im, _ := idx.IndexManifest()
		if len(im.Manifests) != 2 {
			t.Fatalf("%s: %d manifests", tag, len(im.Manifests))
		}
		img, err := remote.Image(ref, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Config.Labels[labelServerName]; got != "io.github.ionos-mcp/ionos-mcp" {
			t.Fatalf("%s: %s=%q", tag, labelServerName, got)
		}
	}
}
