package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed shape, shared by the builder and the verifier. It is the
// Dockerfile's: the static binary at /ionos-mcp, run as nonroot (65532,
// numeric so that Kubernetes can check runAsNonRoot), serving streamable
// HTTP on 8080 by default.
const (
	binaryPath   = "ionos-mcp"
	caBundlePath = "etc/ssl/certs/ca-certificates.crt"
	imageUser    = "65532:65532"
	imagePort    = "8080/tcp"
	imageLicense = "Apache-2.0"

	labelServerName = "io.modelcontextprotocol.server.name"
	labelPrefix     = "org.opencontainers.image."
)

var (
	imageEntrypoint = []string{"/ionos-mcp"}
	imageCmd        = []string{"serve", "--http", "0.0.0.0:8080"}
	imagePlatforms  = []v1.Platform{
		{OS: "linux", Architecture: "amd64"},
		{OS: "linux", Architecture: "arm64", Variant: "v8"},
	}
)

// The accounts of distroless's nonroot image, so that a name lookup of the
// user (HOME, the user configuration directory) works as it does there.
const (
	etcPasswd = "root:x:0:0:root:/root:/sbin/nologin\n" +
		"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
		"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	etcGroup = "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
)

// imageSpec is what the image says about itself, from dist/metadata.json and
// server.json.
type imageSpec struct {
	Repository  string // e.g. ghcr.io/ionos-mcp/ionos-mcp, from server.json's oci package
	ServerName  string
	Description string
	Source      string
	Version     string
	Revision    string
	Created     time.Time
}

func (s imageSpec) labels() map[string]string {
	return map[string]string{
		labelPrefix + "title":       "ionos-mcp",
		labelPrefix + "description": s.Description,
		labelPrefix + "source":      s.Source,
		labelPrefix + "url":         s.Source,
		labelPrefix + "licenses":    imageLicense,
		labelPrefix + "version":     s.Version,
		labelPrefix + "revision":    s.Revision,
		labelPrefix + "created":     s.Created.UTC().Format(time.RFC3339),
		labelServerName:             s.ServerName,
	}
}

func cmdOCI(args []string) error {
	fs := flag.NewFlagSet("oci", flag.ExitOnError)
	dist := fs.String("dist", "dist", "goreleaser's output directory")
	out := fs.String("out", "", "OCI layout directory to write (default DIST/oci; replaced)")
	tarPath := fs.String("tar", "", "also write the layout as one tar file, an OCI archive (default DIST/ionos-mcp_VERSION_oci.tar; \"-\" for none)")
	ca := fs.String("ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "CA certificates (PEM) to put at /"+caBundlePath)
	serverJSON := fs.String("server-json", "server.json", "server.json, for the image's name, description, source and MCP server name")
	if err := fs.Parse(args); err != nil {
		return err
	}

	m, as, err := readDist(*dist)
	if err != nil {
		return err
	}
	spec, err := specFrom(*serverJSON, m)
	if err != nil {
		return err
	}
	caPEM, err := readFile(*ca)
	if err != nil {
		return fmt.Errorf("CA bundle: %w (install ca-certificates, or pass -ca-bundle)", err)
	}
	if !bytes.Contains(caPEM, []byte("-----BEGIN CERTIFICATE-----")) {
		return fmt.Errorf("CA bundle %s holds no PEM certificate", *ca)
	}
	binaries := map[string]string{}
	for _, p := range imagePlatforms {
		if binaries[p.Architecture], err = binary(*dist, as, p.OS, p.Architecture); err != nil {
			return err
		}
	}
	if *out == "" {
		*out = filepath.Join(*dist, "oci")
	}
	if *tarPath == "" {
		*tarPath = filepath.Join(*dist, fmt.Sprintf("ionos-mcp_%s_oci.tar", m.Version))
	}

	idx, err := buildIndex(spec, binaries, caPEM)
	if err != nil {
		return err
	}
	if err := writeLayout(*out, idx, spec); err != nil {
		return err
	}
	d, _ := idx.Digest()
	fmt.Printf("OCI layout %s: %s:%s, index %s\n", *out, spec.Repository, spec.Version, d)
	if *tarPath != "-" {
		if err := tarDir(*out, *tarPath, spec.Created); err != nil {
			return err
		}
		fmt.Printf("OCI archive %s\n", *tarPath)
	}
	return nil
}

// specFrom takes the image's identity from server.json, so that the image's
// MCP server name label is the one the registry compares with.
func specFrom(serverJSON string, m Metadata) (imageSpec, error) {
	s, err := readServerJSON(serverJSON)
	if err != nil {
		return imageSpec{}, err
	}
	spec := imageSpec{
		ServerName:  s.Name,
		Description: s.Description,
		Version:     m.Version,
		Revision:    m.Commit,
		Created:     m.Date,
	}
	if s.Repository != nil {
		spec.Source = s.Repository.URL
	}
	for _, p := range s.Packages {
		if p.RegistryType == "oci" {
			ref, err := name.ParseReference(p.Identifier)
			if err != nil {
				return imageSpec{}, fmt.Errorf("%s: oci identifier: %w", serverJSON, err)
			}
			spec.Repository = ref.Context().Name()
		}
	}
	if spec.Repository == "" || spec.Source == "" || spec.ServerName == "" {
		return imageSpec{}, fmt.Errorf("%s needs a name, a repository url and an oci package", serverJSON)
	}
	return spec, nil
}

// buildIndex makes one image per platform and the index over them.
func buildIndex(spec imageSpec, binaries map[string]string, caPEM []byte) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range imagePlatforms {
		bin, err := readFile(binaries[p.Architecture])
		if err != nil {
			return nil, err
		}
		img, err := buildImage(spec, p, bin, caPEM)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", p.OS, p.Architecture, err)
		}
		platform := p
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &platform},
		})
	}
	// Registries show an index's annotations (GHCR shows the description).
	return mutate.Annotations(idx, spec.labels()).(v1.ImageIndex), nil
}

func buildImage(spec imageSpec, p v1.Platform, bin, caPEM []byte) (v1.Image, error) {
	layerTar, err := rootfs(bin, caPEM, spec.Created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: spec.Created},
			CreatedBy: "tools/release oci: /ionos-mcp, CA certificates, nonroot account",
			Comment:   "ionos-mcp " + spec.Version,
		},
	})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
	cfg.Created = v1.Time{Time: spec.Created}
	cfg.Config = v1.Config{
		Entrypoint:   imageEntrypoint,
		Cmd:          imageCmd,
		User:         imageUser,
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{imagePort: {}},
		Labels:       spec.labels(),
		// No SSL_CERT_FILE: Go looks at /etc/ssl/certs/ca-certificates.crt
		// first on Linux, and nothing else runs in the image.
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
	}
	return mutate.ConfigFile(img, cfg)
}

// rootfs is the image's one layer: the binary, the CA bundle, the accounts,
// and the directories a process may expect (/tmp, the user's home). Entries
// are in a fixed order with fixed times and owners, so that the same inputs
// give the same layer digest.
func rootfs(bin, caPEM []byte, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime = mtime.UTC().Truncate(time.Second)
	dir := func(name string, mode int64, uid int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: uid, ModTime: mtime, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	steps := []func() error{
		func() error { return dir("etc", 0o755, 0) },
		func() error { return file("etc/group", 0o644, []byte(etcGroup)) },
		func() error { return file("etc/passwd", 0o644, []byte(etcPasswd)) },
		func() error { return dir("etc/ssl", 0o755, 0) },
		func() error { return dir("etc/ssl/certs", 0o755, 0) },
		func() error { return file(caBundlePath, 0o644, caPEM) },
		func() error { return dir("home", 0o755, 0) },
		func() error { return dir("home/nonroot", 0o700, 65532) },
		func() error { return file(binaryPath, 0o755, bin) },
		func() error { return dir("tmp", 0o1777, 0) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeLayout writes an OCI image layout whose index.json names the image
// index by its tag and full name, as BuildKit's OCI exporter does: docker
// load, podman load and skopeo (oci:DIR:VERSION) find it so.
func writeLayout(dir string, idx v1.ImageIndex, spec imageSpec) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": spec.Version,
		"io.containerd.image.name":          spec.Repository + ":" + spec.Version,
	}))
}

// tarDir packs an OCI layout directory into one tar file, entries sorted.
func tarDir(dir, out string, mtime time.Time) error {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	f, err := createPublic(out)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	for _, path := range paths {
		rel, _ := filepath.Rel(dir, path)
		info, err := os.Lstat(path)
		if err != nil {
			return errors.Join(err, f.Close())
		}
		h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: mtime.UTC().Truncate(time.Second), Format: tar.FormatPAX}
		if info.IsDir() {
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, h.Name+"/", 0o755
			if err := tw.WriteHeader(h); err != nil {
				return errors.Join(err, f.Close())
			}
			continue
		}
		h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o644, info.Size()
		if err := tw.WriteHeader(h); err != nil {
			return errors.Join(err, f.Close())
		}
		if err := copyFile(tw, path); err != nil {
			return errors.Join(err, f.Close())
		}
	}
	if err := tw.Close(); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

func copyFile(w io.Writer, path string) error {
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
