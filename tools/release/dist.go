package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Metadata is the part of goreleaser's dist/metadata.json used here.
type Metadata struct {
	ProjectName string    `json:"project_name"`
	Tag         string    `json:"tag"`
	Version     string    `json:"version"`
	Commit      string    `json:"commit"`
	Date        time.Time `json:"date"`
}

// Artifact is one entry of goreleaser's dist/artifacts.json.
type Artifact struct {
	Name   string         `json:"name"`
	Path   string         `json:"path"`
	Goos   string         `json:"goos"`
	Goarch string         `json:"goarch"`
	Type   string         `json:"type"`
	Extra  map[string]any `json:"extra"`
}

func readMetadata(dist string) (Metadata, error) {
	var m Metadata
	if err := readJSON(filepath.Join(dist, "metadata.json"), &m); err != nil {
		return m, fmt.Errorf("%w (run goreleaser first)", err)
	}
	if m.Version == "" || m.Commit == "" || m.Date.IsZero() {
		return m, fmt.Errorf("%s/metadata.json lacks version, commit or date", dist)
	}
	return m, nil
}

// readDist reads what goreleaser recorded of a build: its metadata and its
// artifacts.
func readDist(dist string) (Metadata, []Artifact, error) {
	m, err := readMetadata(dist)
	if err != nil {
		return m, nil, err
	}
	as, err := readArtifacts(dist)
	return m, as, err
}

func readArtifacts(dist string) ([]Artifact, error) {
	var as []Artifact
	if err := readJSON(filepath.Join(dist, "artifacts.json"), &as); err != nil {
		return nil, fmt.Errorf("%w (run goreleaser first)", err)
	}
	return as, nil
}

// binary finds the one binary goreleaser built for goos/goarch ("all" is
// the macOS universal binary). Paths in artifacts.json are relative to the
// directory goreleaser ran in, which is dist's parent.
func binary(dist string, as []Artifact, goos, goarch string) (string, error) {
	var found []string
	for _, a := range as {
		if a.Type == "Binary" && a.Goos == goos && a.Goarch == goarch {
			found = append(found, a.Path)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("want one %s/%s binary in %s/artifacts.json, found %d", goos, goarch, dist, len(found))
	}
	p := found[0]
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(filepath.Clean(dist)), p)
	}
	return p, nil
}

func readJSON(path string, v any) error {
	b, err := readFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// The files this tool reads are named by its own arguments or by
// goreleaser's artifacts.json, and the files it writes are release
// artifacts, readable by everyone (the bundle's binaries executable): the
// gosec rules for untrusted paths and private files do not apply.

func readFile(path string) ([]byte, error) {
	return os.ReadFile(path) //nolint:gosec // G304: see above
}

func openFile(path string) (*os.File, error) {
	return os.Open(path) //nolint:gosec // G304: see above
}

func createPublic(path string) (*os.File, error) {
	return os.Create(path) //nolint:gosec // G304: see above
}

func writePublic(path string, data []byte, mode os.FileMode) error {
	return os.WriteFile(path, data, mode) //nolint:gosec // G306: see above
}

func mkdirPublic(path string) error {
	return os.MkdirAll(path, 0o755) //nolint:gosec // G301: see above
}
