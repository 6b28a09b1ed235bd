package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// bundleBinaries places goreleaser's binaries in the bundle where
// packaging/mcpb/manifest.json's mcp_config and platform_overrides look for
// them. The manifest tells operating systems apart, not CPUs: macOS gets the
// universal binary, Windows the amd64 one (Windows on Arm runs it emulated),
// Linux the amd64 one.
var bundleBinaries = []struct{ goos, goarch, dst string }{
	{"darwin", "all", "server/darwin/ionos-mcp"},
	{"windows", "amd64", "server/win32/ionos-mcp.exe"},
	{"linux", "amd64", "server/linux/ionos-mcp"},
}

func cmdMCPBStage(args []string) error {
	fs := flag.NewFlagSet("mcpb-stage", flag.ExitOnError)
	dist := fs.String("dist", "dist", "goreleaser's output directory")
	manifest := fs.String("manifest", "packaging/mcpb/manifest.json", "the bundle's manifest; its version is set to the build's")
	out := fs.String("out", "", "the bundle directory to create (replaced)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	m, as, err := readDist(*dist)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	for _, b := range bundleBinaries {
		src, err := binary(*dist, as, b.goos, b.goarch)
		if err != nil {
			return err
		}
		data, err := readFile(src)
		if err != nil {
			return err
		}
		dst := filepath.Join(*out, filepath.FromSlash(b.dst))
		if err := mkdirPublic(filepath.Dir(dst)); err != nil {
			return err
		}
		if err := writePublic(dst, data, 0o755); err != nil {
			return err
		}
	}
	raw, err := readFile(*manifest)
	if err != nil {
		return err
	}
	staged, err := setTopLevel(raw, "version", m.Version)
	if err != nil {
		return fmt.Errorf("%s: %w", *manifest, err)
	}
	if err := writePublic(filepath.Join(*out, "manifest.json"), staged, 0o644); err != nil {
		return err
	}
	if icon := filepath.Join(filepath.Dir(*manifest), "icon.png"); fileExists(icon) {
		data, err := readFile(icon)
		if err != nil {
			return err
		}
		if err := writePublic(filepath.Join(*out, "icon.png"), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("staged %s: manifest version %s, %d binaries\n", *out, m.Version, len(bundleBinaries))
	return nil
}

// setTopLevel replaces one top-level member of a JSON object, keeping the
// others and their order as written.
func setTopLevel(doc []byte, key string, value any) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	found := false
	for i := 0; d.More(); i++ {
		t, err := d.Token()
		if err != nil {
			return nil, err
		}
		k := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		if k == key {
			found = true
			if v, err = json.Marshal(value); err != nil {
				return nil, err
			}
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	if !found {
		return nil, fmt.Errorf("no %q member", key)
	}
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
