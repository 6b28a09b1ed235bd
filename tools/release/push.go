package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// cmdPush publishes the image index of an OCI layout written by `oci` to the
// name it was built for (io.containerd.image.name, from server.json), and
// to further tags of the same repository. Credentials come from the Docker
// configuration (docker login, or a credential helper), as crane's do.
func cmdPush(args []string) error {
	fs := flag.NewFlagSet("push", flag.ExitOnError)
	tags := fs.String("tags", "", "further tags, comma-separated (e.g. latest)")
	repo := fs.String("repository", "", "push to this repository instead of the one the image was built for (for a test registry)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("want one OCI layout directory")
	}
	refs, err := pushLayout(fs.Arg(0), *repo, splitList(*tags), remote.WithAuthFromKeychain(authn.DefaultKeychain))
	for _, r := range refs {
		fmt.Println("pushed", r)
	}
	return err
}

func pushLayout(dir, repo string, tags []string, opts ...remote.Option) ([]string, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	im, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(im.Manifests) != 1 {
		return nil, fmt.Errorf("%s/index.json: want one image index, got %d entries", dir, len(im.Manifests))
	}
	d := im.Manifests[0]
	ref, err := name.NewTag(d.Annotations["io.containerd.image.name"], name.StrictValidation)
	if err != nil {
		return nil, fmt.Errorf("%s/index.json: io.containerd.image.name: %w", dir, err)
	}
	if repo != "" {
		if ref, err = name.NewTag(repo+":"+ref.TagStr(), name.StrictValidation); err != nil {
			return nil, err
		}
	}
	idx, err := top.ImageIndex(d.Digest)
	if err != nil {
		return nil, err
	}
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		return nil, err
	}
	pushed := []string{ref.String() + "@" + d.Digest.String()}
	for _, t := range tags {
		tag := ref.Context().Tag(t)
		if err := remote.Tag(tag, idx, opts...); err != nil {
			return pushed, err
		}
		pushed = append(pushed, tag.String())
	}
	return pushed, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
