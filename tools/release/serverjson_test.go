package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	repoServerJSON = "../../server.json"
	repoManifest   = "../../packaging/mcpb/manifest.json"
)

func schemaForTest(t *testing.T) string {
	t.Helper()
	p, err := registrySchemaPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The committed server.json is valid, and its version is the manifest's.
func TestCommittedServerJSON(t *testing.T) {
	c := check{schemaPath: schemaForTest(t), manifest: repoManifest}
	notes, err := c.validate(repoServerJSON)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(strings.Join(notes, "\n"))
}

// edit returns a copy of the committed server.json changed by f.
func edit(t *testing.T, f func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(repoServerJSON)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, _ := json.Marshal(m)
	p := filepath.Join(t.TempDir(), "server.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pkg(m map[string]any, kind string) map[string]any {
	for _, p := range m["packages"].([]any) {
		if p := p.(map[string]any); p["registryType"] == kind {
			return p
		}
	}
	panic("no " + kind + " package")
}

func TestServerJSONRefused(t *testing.T) {
	schema := schemaForTest(t)
	cases := []struct {
		name, want string
		f          func(m map[string]any)
	}{
		{"unknown field", "unknown field", func(m map[string]any) { m["homepage"] = "https://example.com" }},
		{"misspelt package field", "unknown field", func(m map[string]any) { pkg(m, "oci")["enviromentVariables"] = []any{} }},
		{"description too long", "maxLength", func(m map[string]any) { m["description"] = strings.Repeat("x", 101) }},
		{"old schema", "$schema", func(m map[string]any) {
			m["$schema"] = "https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json"
		}},
		{"bad name", "pattern", func(m map[string]any) { m["name"] = "ionos-mcp" }},
		{"name outside the repository's owner", "namespace", func(m map[string]any) { m["name"] = "io.github.someone/ionos-mcp" }},
		{"version range", "specific version", func(m map[string]any) { m["version"] = "^0.1.0" }},
		{"version differs from the manifest", "packaging/mcpb/manifest.json has version", func(m map[string]any) {
			m["version"] = "0.2.0"
			pkg(m, "oci")["identifier"] = "ghcr.io/ionos-mcp/ionos-mcp:0.2.0"
			pkg(m, "mcpb")["identifier"] = "https://github.com/ionos-mcp/ionos-mcp/releases/download/v0.2.0/ionos-mcp-0.2.0.mcpb"
		}},
		{"image tag differs", "image tag", func(m map[string]any) { pkg(m, "oci")["identifier"] = "ghcr.io/ionos-mcp/ionos-mcp:latest" }},
		{"oci with version", "no version", func(m map[string]any) { pkg(m, "oci")["version"] = "0.1.0" }},
		{"image from an unknown registry", "not one the MCP Registry accepts", func(m map[string]any) {
			pkg(m, "oci")["identifier"] = "registry.example.com/ionos-mcp:0.1.0"
		}},
		{"image run without serve", "serve", func(m map[string]any) { delete(pkg(m, "oci"), "packageArguments") }},
		{"bundle not a release asset", "releases/download", func(m map[string]any) {
			pkg(m, "mcpb")["identifier"] = "https://github.com/ionos-mcp/ionos-mcp/raw/main/ionos-mcp-0.1.0.mcpb"
		}},
		{"bundle of another tag", "release tag", func(m map[string]any) {
			pkg(m, "mcpb")["identifier"] = "https://github.com/ionos-mcp/ionos-mcp/releases/download/v0.0.9/ionos-mcp-0.1.0.mcpb"
		}},
		{"hash in the committed copy", "fileSha256 belongs", func(m map[string]any) {
			pkg(m, "mcpb")["fileSha256"] = strings.Repeat("0", 64)
		}},
		{"remote", "remotes", func(m map[string]any) {
			m["remotes"] = []any{map[string]any{"type": "streamable-http", "url": "https://mcp.example.com/mcp"}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := check{schemaPath: schema, manifest: repoManifest}
			_, err := c.validate(edit(t, tc.f))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// fakeBundle writes a .mcpb (a zip) whose manifest has the given version.
func fakeBundle(t *testing.T, dir, version string) string {
	t.Helper()
	p := filepath.Join(dir, "ionos-mcp-"+version+".mcpb")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	w, _ := z.Create("manifest.json")
	if err := json.NewEncoder(w).Encode(map[string]string{"name": "ionos-mcp", "version": version}); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// The release's copy carries the build's version everywhere, the bundle's
// name and hash, and is valid; a changed bundle no longer matches it.
func TestRenderedServerJSON(t *testing.T) {
	dir := t.TempDir()
	const version = "0.4.1-snapshot.abc1234"
	bundle := fakeBundle(t, dir, version)
	out := filepath.Join(dir, "server.json")
	if err := renderServerJSON(repoServerJSON, out, version, bundle); err != nil {
		t.Fatal(err)
	}
	s, err := readServerJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != version || s.Packages[0].Identifier != "ghcr.io/ionos-mcp/ionos-mcp:"+version ||
		s.Packages[1].Identifier != "https://github.com/ionos-mcp/ionos-mcp/releases/download/v"+version+"/ionos-mcp-"+version+".mcpb" {
		t.Fatalf("rendered %+v", s)
	}
	c := check{schemaPath: schemaForTest(t), mcpb: bundle}
	if _, err := c.validate(out); err != nil {
		t.Fatal(err)
	}

	fakeBundle(t, dir, "0.0.0") // same file name, other contents
	if err := os.Rename(filepath.Join(dir, "ionos-mcp-0.0.0.mcpb"), bundle); err != nil {
		t.Fatal(err)
	}
	if _, err := c.validate(out); err == nil || !strings.Contains(err.Error(), "fileSha256") {
		t.Fatalf("a changed bundle: %v", err)
	}
}

func TestSetTopLevelKeepsOrder(t *testing.T) {
	got, err := setTopLevel([]byte(`{"b": 1, "version": "0.1.0", "a": {"version": "x"}}`), "version", "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"b\": 1,\n  \"version\": \"1.2.3\",\n  \"a\": {\n    \"version\": \"x\"\n  }\n}\n"
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := setTopLevel([]byte(`{"b": 1}`), "version", "1"); err == nil {
		t.Fatal("a missing member was not reported")
	}
}
