package main

import (
	"archive/tar"
	"bytes"
	"crypto/x509"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func cmdVerifyOCI(args []string) error {
	fs := flag.NewFlagSet("verify-oci", flag.ExitOnError)
	dist := fs.String("dist", "dist", "goreleaser's output directory, for the version and commit the image must carry")
	serverJSON := fs.String("server-json", "server.json", "server.json, for the MCP server name label")
	run := fs.Bool("run", false, "also run the binary of this machine's platform (`version`)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("want one OCI layout directory")
	}
	m, err := readMetadata(*dist)
	if err != nil {
		return err
	}
	want, err := specFrom(*serverJSON, m)
	if err != nil {
		return err
	}
	report, err := verifyLayout(fs.Arg(0), want, *run)
	for _, line := range report {
		fmt.Println(line)
	}
	return err
}

// verifyLayout opens an OCI layout as a client would and checks everything
// the release promises about the image. It returns what it saw.
func verifyLayout(dir string, want imageSpec, run bool) ([]string, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	im, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(im.Manifests) != 1 {
		return nil, fmt.Errorf("index.json: want one entry (the image index), got %d", len(im.Manifests))
	}
	d := im.Manifests[0]
	if d.MediaType != types.OCIImageIndex {
		return nil, fmt.Errorf("index.json: entry is %s, want an OCI image index", d.MediaType)
	}
	if got := d.Annotations["org.opencontainers.image.ref.name"]; got != want.Version {
		return nil, fmt.Errorf("index.json: ref.name %q, want %q", got, want.Version)
	}
	if got, w := d.Annotations["io.containerd.image.name"], want.Repository+":"+want.Version; got != w {
		return nil, fmt.Errorf("index.json: io.containerd.image.name %q, want %q", got, w)
	}
	idx, err := top.ImageIndex(d.Digest)
	if err != nil {
		return nil, err
	}
	// Every blob is there, with the digest and size its descriptor says.
	if err := validate.Index(idx); err != nil {
		return nil, fmt.Errorf("image index %s: %w", d.Digest, err)
	}
	report := []string{fmt.Sprintf("image index %s (%s:%s): blobs valid", d.Digest, want.Repository, want.Version)}

	children, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var seen []string
	for _, c := range children.Manifests {
		if c.Platform == nil {
			return nil, fmt.Errorf("manifest %s has no platform", c.Digest)
		}
		p := *c.Platform
		if !slices.ContainsFunc(imagePlatforms, func(q v1.Platform) bool { return q.Equals(p) }) {
			return nil, fmt.Errorf("manifest %s is for %s, not a release platform", c.Digest, p)
		}
		img, err := idx.Image(c.Digest)
		if err != nil {
			return nil, err
		}
		lines, err := verifyImage(img, p, want, run)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		seen = append(seen, p.String())
		report = append(report, lines...)
	}
	for _, p := range imagePlatforms {
		if !slices.Contains(seen, p.String()) {
			return nil, fmt.Errorf("no image for %s", p)
		}
	}
	return report, nil
}

func verifyImage(img v1.Image, p v1.Platform, want imageSpec, run bool) ([]string, error) {
	if mt, err := img.MediaType(); err != nil || mt != types.OCIManifestSchema1 {
		return nil, fmt.Errorf("manifest media type %s, want %s (%v)", mt, types.OCIManifestSchema1, err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	if cfg.OS != p.OS || cfg.Architecture != p.Architecture || cfg.Variant != p.Variant {
		return nil, fmt.Errorf("config is for %s/%s/%s", cfg.OS, cfg.Architecture, cfg.Variant)
	}
	c := cfg.Config
	if !slices.Equal(c.Entrypoint, imageEntrypoint) {
		return nil, fmt.Errorf("entrypoint %q, want %q", c.Entrypoint, imageEntrypoint)
	}
	if !slices.Equal(c.Cmd, imageCmd) {
		return nil, fmt.Errorf("cmd %q, want %q", c.Cmd, imageCmd)
	}
	if c.User != imageUser {
		return nil, fmt.Errorf("user %q, want %q (numeric, not root)", c.User, imageUser)
	}
	if _, ok := c.ExposedPorts[imagePort]; !ok || len(c.ExposedPorts) != 1 {
		return nil, fmt.Errorf("exposed ports %v, want only %s", c.ExposedPorts, imagePort)
	}
	for k, v := range want.labels() {
		if c.Labels[k] != v {
			return nil, fmt.Errorf("label %s=%q, want %q", k, c.Labels[k], v)
		}
	}

	files, err := readFiles(img, "/"+binaryPath, "/"+caBundlePath, "/etc/passwd")
	if err != nil {
		return nil, err
	}
	bin := files["/"+binaryPath]
	if bin == nil {
		return nil, fmt.Errorf("no /%s in the layers", binaryPath)
	}
	if bin.hdr.Typeflag != tar.TypeReg || bin.hdr.Mode&0o111 != 0o111 || bin.hdr.Uid != 0 {
		return nil, fmt.Errorf("/%s: type %c, mode %o, uid %d; want a root-owned executable file", binaryPath, bin.hdr.Typeflag, bin.hdr.Mode, bin.hdr.Uid)
	}
	if err := checkELF(bin.data, p.Architecture); err != nil {
		return nil, fmt.Errorf("/%s: %w", binaryPath, err)
	}
	ca := files["/"+caBundlePath]
	if ca == nil {
		return nil, fmt.Errorf("no /%s in the layers", caBundlePath)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(ca.data) {
		return nil, fmt.Errorf("/%s holds no certificate", caBundlePath)
	}
	passwd := files["/etc/passwd"]
	if passwd == nil || !strings.Contains(string(passwd.data), "\nnonroot:x:65532:65532:") {
		return nil, errors.New("/etc/passwd has no nonroot account 65532")
	}
	digest, _ := img.Digest()
	lines := []string{fmt.Sprintf("  %s %s: entrypoint %q cmd %q user %s port %s, %d labels, /%s %d bytes (mode %o, static %s ELF), CA bundle %d bytes",
		p, digest, c.Entrypoint, c.Cmd, c.User, imagePort, len(c.Labels), binaryPath, len(bin.data), bin.hdr.Mode, p.Architecture, len(ca.data))}

	if run && runtime.GOOS == p.OS && runtime.GOARCH == p.Architecture {
		out, err := runVersion(bin.data)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(out, want.Version) {
			return nil, fmt.Errorf("/%s version printed %q, want version %s", binaryPath, out, want.Version)
		}
		lines = append(lines, "  ran: "+out)
	}
	return lines, nil
}

type tarFile struct {
	hdr  *tar.Header
	data []byte
}

// readFiles reads the named files from the image's flattened file system,
// as a container would see it.
func readFiles(img v1.Image, names ...string) (map[string]*tarFile, error) {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	out := map[string]*tarFile{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		name := "/" + strings.TrimPrefix(filepath.Clean("/"+h.Name), "/")
		if !slices.Contains(names, name) {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[name] = &tarFile{hdr: h, data: data}
	}
}

// checkELF checks that the binary is a static Linux executable for arch:
// a dynamically linked one would not start in an image without libc.
func checkELF(b []byte, arch string) error {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not an ELF file: %w", err)
	}
	wantMachine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
	if f.Machine != wantMachine {
		return fmt.Errorf("ELF machine %s, want %s", f.Machine, wantMachine)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("ELF type %s is not an executable", f.Type)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return errors.New("dynamically linked (has an interpreter); build with CGO_ENABLED=0")
		}
	}
	return nil
}

func runVersion(bin []byte) (string, error) {
	dir, err := os.MkdirTemp("", "ionos-mcp-oci-verify")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ionos-mcp")
	if err := writePublic(path, bin, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command(path, "version") //nolint:gosec // G204: the image's own binary, in a directory of ours
	cmd.Env = []string{"HOME=" + dir}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("running the image's binary: %w: %s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
