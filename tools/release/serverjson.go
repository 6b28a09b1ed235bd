package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	apiv0 "github.com/modelcontextprotocol/registry/pkg/api/v0"
	"github.com/modelcontextprotocol/registry/pkg/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const registryModule = "github.com/modelcontextprotocol/registry"

func cmdServerJSON(args []string) error {
	fs := flag.NewFlagSet("server-json", flag.ExitOnError)
	dist := fs.String("dist", "", "render the release's server.json for the build in this goreleaser output directory (needs -mcpb)")
	mcpb := fs.String("mcpb", "", "the MCPB bundle: its SHA-256 and file name go into the rendered copy, and its manifest's version must match")
	out := fs.String("out", "", "where to write the rendered copy (default DIST/server.json)")
	manifest := fs.String("manifest", "packaging/mcpb/manifest.json", "MCPB manifest whose version must match (when there is no -mcpb)")
	schema := fs.String("schema", "", "the schema file (default: from the module cache, the registry module this tool is built with)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return errors.New("want at most one server.json")
	}
	src := "server.json"
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}

	if *dist != "" {
		if *mcpb == "" {
			return errors.New("-dist renders the release's copy, which needs the bundle: pass -mcpb")
		}
		m, err := readMetadata(*dist)
		if err != nil {
			return err
		}
		if *out == "" {
			*out = filepath.Join(*dist, "server.json")
		}
		if err := renderServerJSON(src, *out, m.Version, *mcpb); err != nil {
			return err
		}
		fmt.Printf("rendered %s from %s for %s\n", *out, src, m.Version)
		src = *out
	}

	schemaPath := *schema
	if schemaPath == "" {
		var err error
		if schemaPath, err = registrySchemaPath(); err != nil {
			return err
		}
	}
	c := check{schemaPath: schemaPath, mcpb: *mcpb, manifest: *manifest}
	notes, err := c.validate(src)
	for _, n := range notes {
		fmt.Println(n)
	}
	return err
}

// readServerJSON reads server.json strictly: the schema allows unknown
// properties, so a misspelt field would pass it silently, but not this.
func readServerJSON(path string) (apiv0.ServerJSON, error) {
	var s apiv0.ServerJSON
	b, err := readFile(path)
	if err != nil {
		return s, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// registrySchemaPath finds the schema in the module cache, in the very
// version of the registry module this tool was built with (go mod download
// checks it against the same go.sum hash).
func registrySchemaPath() (string, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information: build the tool with module support, or pass -schema")
	}
	var dep *debug.Module
	for _, m := range bi.Deps {
		if m.Path == registryModule {
			dep = m
		}
	}
	if dep == nil {
		return "", fmt.Errorf("%s is not a dependency of this build; pass -schema", registryModule)
	}
	cmd := exec.Command("go", "mod", "download", "-json", registryModule+"@"+dep.Version) //nolint:gosec // G204: the version is this binary's own build information
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", registryModule, dep.Version, err)
	}
	var info struct{ Dir, Sum, Error string }
	if err := json.Unmarshal(b, &info); err != nil {
		return "", err
	}
	if info.Error != "" {
		return "", errors.New(info.Error)
	}
	if dep.Sum != "" && info.Sum != dep.Sum {
		return "", fmt.Errorf("%s@%s: module cache has %s, this tool was built with %s", registryModule, dep.Version, info.Sum, dep.Sum)
	}
	return filepath.Join(info.Dir, "internal", "validators", "schemas", model.CurrentSchemaVersion+".json"), nil
}

type check struct {
	schemaPath string
	mcpb       string // the bundle; when set, fileSha256 must be its hash
	manifest   string // the manifest to compare versions with when mcpb is unset
}

// validate checks a server.json against the schema and against the rules of
// the official registry that need no network (its publish step also fetches
// the image and the bundle). It returns notes on what it checked.
func (c check) validate(path string) ([]string, error) {
	raw, err := readFile(path)
	if err != nil {
		return nil, err
	}
	s, err := readServerJSON(path)
	if err != nil {
		return nil, err
	}
	if s.Schema != model.CurrentSchemaURL {
		return nil, fmt.Errorf("%s: $schema is %q; the registry (%s) takes %s", path, s.Schema, registryModule, model.CurrentSchemaURL)
	}
	maxDesc, err := c.validateSchema(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	notes := []string{fmt.Sprintf("%s: valid against %s; description %d of %d characters", path, s.Schema, len([]rune(s.Description)), maxDesc)}

	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	if !serverNameRE.MatchString(s.Name) {
		fail("name %q is not namespace/name", s.Name)
	}
	ns, _, _ := strings.Cut(s.Name, "/")
	if owner, ok := strings.CutPrefix(ns, "io.github."); ok {
		// The registry grants io.github.OWNER/* to a login as OWNER.
		if s.Repository == nil || !strings.HasPrefix(strings.ToLower(s.Repository.URL), "https://github.com/"+strings.ToLower(owner)+"/") {
			fail("name %s is in the namespace of GitHub user %s, but repository.url is not under https://github.com/%s/", s.Name, owner, owner)
		}
	}
	if s.Version == "" || s.Version == "latest" || versionRangeRE.MatchString(s.Version) {
		fail("version %q must be one specific version", s.Version)
	}
	if s.Repository != nil && s.Repository.Source != "github" && s.Repository.Source != "gitlab" {
		fail("repository.source %q: the registry knows github and gitlab", s.Repository.Source)
	}

	kinds := map[string]int{}
	for i, p := range s.Packages {
		kinds[p.RegistryType]++
		where := fmt.Sprintf("packages[%d] (%s)", i, p.RegistryType)
		if p.Transport.Type != "stdio" {
			fail("%s: transport %q, want stdio", where, p.Transport.Type)
		}
		seen := map[string]bool{}
		for _, e := range p.EnvironmentVariables {
			if seen[e.Name] {
				fail("%s: environment variable %s twice", where, e.Name)
			}
			seen[e.Name] = true
		}
		switch p.RegistryType {
		case "oci":
			errs = append(errs, checkOCIPackage(where, p, s.Version)...)
		case "mcpb":
			pkgErrs, note := c.checkMCPBPackage(where, p, s.Version)
			errs = append(errs, pkgErrs...)
			notes = append(notes, note)
		default:
			fail("%s: not a package type of this release", where)
		}
	}
	if kinds["oci"] != 1 || kinds["mcpb"] != 1 {
		fail("want one oci and one mcpb package, got %v", kinds)
	}
	if len(s.Remotes) != 0 {
		fail("remotes: the hosted mode has no public endpoint to name")
	}
	if len(errs) > 0 {
		return notes, fmt.Errorf("%s:\n  %w", path, errors.Join(errs...))
	}
	return notes, nil
}

var (
	serverNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]/[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]$`)
	// What the registry refuses as a range rather than a version: ^1.2,
	// ~1.2, >=1, 1.x, 1.*, "1 - 2", "1 || 2".
	versionRangeRE = regexp.MustCompile(`^[\^~<>=]|\|\||\s-\s|(^|\.)[xX*](\.|$|-)`)
	// /OWNER/REPO/releases/download/TAG/FILE
	githubReleaseRE = regexp.MustCompile(`^/[a-zA-Z0-9]([a-zA-Z0-9-]{0,37}[a-zA-Z0-9])?/[a-zA-Z0-9._-]+/releases/download/([^/]+)/([^/]+)$`)
)

// The registries the official MCP Registry accepts images from.
var ociRegistries = []string{"docker.io", "index.docker.io", "ghcr.io", "quay.io", "mcr.microsoft.com"}

func checkOCIPackage(where string, p model.Package, version string) []error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(where+": "+format, a...)) }
	if p.Version != "" || p.FileSHA256 != "" || p.RegistryBaseURL != "" {
		fail("an oci package has its version in the identifier's tag, and no version, fileSha256 or registryBaseUrl")
	}
	ref, err := name.NewTag(p.Identifier, name.StrictValidation)
	if err != nil {
		fail("identifier %q: want REGISTRY/NAMESPACE/IMAGE:TAG: %v", p.Identifier, err)
		return errs
	}
	reg := ref.Context().RegistryStr()
	if !slices.Contains(ociRegistries, reg) && !strings.HasSuffix(reg, ".pkg.dev") && !strings.HasSuffix(reg, ".azurecr.io") {
		fail("registry %s is not one the MCP Registry accepts", reg)
	}
	if ref.TagStr() != version {
		fail("image tag %q, want the server's version %q", ref.TagStr(), version)
	}
	if !slices.ContainsFunc(p.PackageArguments, func(a model.Argument) bool { return a.Type == model.ArgumentTypePositional && a.Value == "serve" }) {
		// The image's default command serves HTTP; stdio needs `serve`.
		fail("packageArguments must run `serve` (the image's default command is the HTTP server)")
	}
	return errs
}

func (c check) checkMCPBPackage(where string, p model.Package, version string) ([]error, string) {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(where+": "+format, a...)) }
	u, err := url.Parse(p.Identifier)
	if err != nil || u.Scheme != "https" || u.Host != "github.com" || u.RawQuery != "" {
		fail("identifier %q: want an https://github.com release download URL", p.Identifier)
		return errs, ""
	}
	m := githubReleaseRE.FindStringSubmatch(u.Path)
	if m == nil {
		fail("identifier %q: want /OWNER/REPO/releases/download/TAG/FILE", p.Identifier)
		return errs, ""
	}
	tag, file := m[2], m[3]
	if !strings.Contains(strings.ToLower(p.Identifier), "mcp") {
		fail("identifier must contain \"mcp\"")
	}
	if tag != "v"+version {
		fail("release tag %q, want v%s", tag, version)
	}
	if file != "ionos-mcp-"+version+".mcpb" {
		fail("file %q, want ionos-mcp-%s.mcpb", file, version)
	}
	if p.RegistryBaseURL != "" {
		fail("an mcpb package has no registryBaseUrl")
	}
	if p.Version != "" && p.Version != version {
		fail("version %q, want %q", p.Version, version)
	}

	var manifestVersion, manifestFrom, note string
	if c.mcpb != "" {
		sum, err := fileSHA256(c.mcpb)
		if err != nil {
			fail("%v", err)
			return errs, ""
		}
		if p.FileSHA256 != sum {
			fail("fileSha256 %q, but %s has %s", p.FileSHA256, c.mcpb, sum)
		}
		if filepath.Base(c.mcpb) != file {
			fail("identifier names %s, the bundle is %s", file, filepath.Base(c.mcpb))
		}
		if manifestVersion, err = bundleManifestVersion(c.mcpb); err != nil {
			fail("%v", err)
		}
		manifestFrom = c.mcpb
		note = fmt.Sprintf("%s: %s, sha256 %s, manifest version %s", where, file, sum, manifestVersion)
	} else {
		// The committed copy cannot know the hash of a bundle not yet built:
		// the release's copy (server-json -dist) gets it.
		if p.FileSHA256 != "" {
			fail("fileSha256 belongs in the release's rendered copy only; the committed one cannot know it")
		}
		var mf struct{ Version string }
		if err := readJSON(c.manifest, &mf); err != nil {
			fail("%v", err)
		}
		manifestVersion, manifestFrom = mf.Version, c.manifest
		note = fmt.Sprintf("%s: %s; fileSha256 left to the release's copy; %s version %s", where, file, c.manifest, manifestVersion)
	}
	if manifestVersion != version {
		fail("%s has version %q, server.json %q", manifestFrom, manifestVersion, version)
	}
	return errs, note
}

func (c check) validateSchema(doc []byte) (maxDescription int, err error) {
	f, err := openFile(c.schemaPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", c.schemaPath, err)
	}
	id, _ := schemaDoc.(map[string]any)["$id"].(string)
	if id != model.CurrentSchemaURL {
		return 0, fmt.Errorf("%s has $id %q, want %s", c.schemaPath, id, model.CurrentSchemaURL)
	}
	comp := jsonschema.NewCompiler()
	comp.AssertFormat()
	if err := comp.AddResource(id, schemaDoc); err != nil {
		return 0, err
	}
	sch, err := comp.Compile(id)
	if err != nil {
		return 0, err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return 0, err
	}
	if err := sch.Validate(inst); err != nil {
		return 0, err
	}
	// The limit is the schema's, not a number copied from it.
	maxDescription = int(lookupNumber(schemaDoc, "definitions", "ServerDetail", "properties", "description", "maxLength"))
	if maxDescription == 0 {
		return 0, errors.New("the schema has no maxLength for description")
	}
	return maxDescription, nil
}

func lookupNumber(v any, keys ...string) float64 {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = m[k]
	}
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	}
	return 0
}

// renderServerJSON writes the release's server.json: the committed one
// with the build's version in every place that names it, and the bundle's
// file name and SHA-256.
func renderServerJSON(src, out, version, mcpb string) error {
	s, err := readServerJSON(src)
	if err != nil {
		return err
	}
	sum, err := fileSHA256(mcpb)
	if err != nil {
		return err
	}
	s.Version = version
	for i := range s.Packages {
		p := &s.Packages[i]
		switch p.RegistryType {
		case "oci":
			ref, err := name.NewTag(p.Identifier, name.StrictValidation)
			if err != nil {
				return fmt.Errorf("%s: oci identifier: %w", src, err)
			}
			p.Identifier = ref.Context().Name() + ":" + version
		case "mcpb":
			u, err := url.Parse(p.Identifier)
			if err != nil {
				return fmt.Errorf("%s: mcpb identifier: %w", src, err)
			}
			m := githubReleaseRE.FindStringSubmatch(u.Path)
			if m == nil {
				return fmt.Errorf("%s: mcpb identifier %q is not a GitHub release download URL", src, p.Identifier)
			}
			repo := strings.TrimSuffix(u.Path, "/releases/download/"+m[2]+"/"+m[3])
			u.Path = path.Join(repo, "releases", "download", "v"+version, filepath.Base(mcpb))
			p.Identifier = u.String()
			p.FileSHA256 = sum
			if p.Version != "" {
				p.Version = version
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	return writePublic(out, buf.Bytes(), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := openFile(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// bundleManifestVersion reads the version of the manifest packed in a bundle.
func bundleManifestVersion(mcpb string) (string, error) {
	z, err := zip.OpenReader(mcpb)
	if err != nil {
		return "", fmt.Errorf("%s: %w", mcpb, err)
	}
	defer z.Close()
	f, err := z.Open("manifest.json")
	if err != nil {
		return "", fmt.Errorf("%s: %w", mcpb, err)
	}
	defer f.Close()
	var mf struct{ Version string }
	if err := json.NewDecoder(f).Decode(&mf); err != nil {
		return "", fmt.Errorf("%s: manifest.json: %w", mcpb, err)
	}
	return mf.Version, nil
}
