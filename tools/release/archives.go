package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// releasePlatforms are the archives a release ships, one per platform.
var releasePlatforms = []struct{ goos, goarch, ext string }{
	{"linux", "amd64", "tar.gz"},
	{"linux", "arm64", "tar.gz"},
	{"darwin", "amd64", "tar.gz"},
	{"darwin", "arm64", "tar.gz"},
	{"windows", "amd64", "zip"},
	{"windows", "arm64", "zip"},
}

// archiveDocs must be in every archive, next to the binary.
var archiveDocs = []string{"LICENSE", "README.md", "CHANGELOG.md"}

func cmdCheckArchives(args []string) error {
	fs := flag.NewFlagSet("check-archives", flag.ExitOnError)
	dist := fs.String("dist", "dist", "goreleaser's output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, as, err := readDist(*dist)
	if err != nil {
		return err
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	var archives []string
	for _, a := range as {
		if a.Type == "Archive" {
			archives = append(archives, a.Name)
		}
	}
	var want []string
	for _, p := range releasePlatforms {
		name := fmt.Sprintf("%s_%s_%s_%s.%s", m.ProjectName, m.Version, p.goos, p.goarch, p.ext)
		want = append(want, name)
		bin := "ionos-mcp"
		if p.goos == "windows" {
			bin += ".exe"
		}
		names, err := archiveNames(filepath.Join(*dist, name))
		if err != nil {
			fail("%v", err)
			continue
		}
		for _, f := range append([]string{bin}, archiveDocs...) {
			if !slices.Contains(names, f) {
				fail("%s lacks %s (it has %s)", name, f, strings.Join(names, ", "))
			}
		}
		fmt.Printf("%s: %s\n", name, strings.Join(names, ", "))
	}
	slices.Sort(archives)
	slices.Sort(want)
	if !slices.Equal(archives, want) {
		fail("artifacts.json lists the archives %v, want %v", archives, want)
	}

	// Every archive and SBOM is in the checksums file, with its hash.
	sumsName := fmt.Sprintf("%s_%s_checksums.txt", m.ProjectName, m.Version)
	sums, err := readChecksums(filepath.Join(*dist, sumsName))
	if err != nil {
		fail("%v", err)
	}
	sboms := 0
	for _, a := range as {
		if a.Type != "Archive" && a.Type != "SBOM" {
			continue
		}
		if a.Type == "SBOM" {
			sboms++
			if err := checkSBOM(filepath.Join(*dist, a.Name)); err != nil {
				fail("%v", err)
			}
		}
		got, err := fileSHA256(filepath.Join(*dist, a.Name))
		if err != nil {
			fail("%v", err)
		} else if sums[a.Name] != got {
			fail("%s: %s has %q, the file %s", a.Name, sumsName, sums[a.Name], got)
		}
	}
	if sboms != len(releasePlatforms) {
		fail("%d SBOMs, want one per binary (%d)", sboms, len(releasePlatforms))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	fmt.Printf("%d archives, %d SBOMs, all in %s\n", len(want), sboms, sumsName)
	return nil
}

// archiveNames lists the regular files of a .tar.gz or .zip.
func archiveNames(path string) ([]string, error) {
	var names []string
	if strings.HasSuffix(path, ".zip") {
		z, err := zip.OpenReader(path)
		if err != nil {
			return nil, err
		}
		defer z.Close()
		for _, f := range z.File {
			if !f.FileInfo().IsDir() {
				names = append(names, f.Name)
			}
		}
		return names, nil
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return names, nil
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Typeflag == tar.TypeReg {
			names = append(names, h.Name)
		}
	}
}

func readChecksums(path string) (map[string]string, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			return nil, fmt.Errorf("%s: line %q", path, sc.Text())
		}
		sums[name] = sum
	}
	return sums, sc.Err()
}

// checkSBOM checks that an SBOM is a CycloneDX document that lists the
// modules of ionos-mcp.
func checkSBOM(path string) error {
	var doc struct {
		BOMFormat string `json:"bomFormat"`
		Metadata  struct {
			Component struct{ Name, Version string }
		}
		Components []struct{ Name, Version string }
	}
	if err := readJSON(path, &doc); err != nil {
		return err
	}
	if doc.BOMFormat != "CycloneDX" || doc.Metadata.Component.Name != "github.com/ionos-mcp/ionos-mcp" || len(doc.Components) == 0 {
		b, _ := json.Marshal(doc.Metadata)
		return fmt.Errorf("%s: not a CycloneDX SBOM of ionos-mcp with its modules (%s, %d components)", path, b, len(doc.Components))
	}
	return nil
}
