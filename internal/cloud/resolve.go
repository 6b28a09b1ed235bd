package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
)

// maxNameLen bounds names accepted from callers; IONOS names are far shorter.
const maxNameLen = 255

// CheckRef validates an id-or-name reference before it is used anywhere.
// Names never reach a URL, but refusing control characters and absurd
// lengths early gives a clear error instead of a long fruitless search.
func CheckRef(kind, ref string) error {
	if strings.TrimSpace(ref) == "" {
		return fmt.Errorf("%s is empty: give its name or id", kind)
	}
	if len(ref) > maxNameLen {
		return fmt.Errorf("%s reference is %d bytes long; names and ids are at most %d", kind, len(ref), maxNameLen)
	}
	return CheckText(kind, ref)
}

// CheckText refuses control characters and invalid UTF-8 in a value that a
// caller passed, so that such bytes never reach a log, a filter or a URL.
// It also refuses the characters that break a line or reorder text on
// display without being controls (U+2028, U+2029, and the bidirectional
// marks, embeddings, overrides and isolates), so that what a human reads in
// a preview or a log is what was asked for.
func CheckText(field, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	for _, r := range v {
		if unicode.IsControl(r) || lineOrBidi(r) {
			return fmt.Errorf("%s %q contains control characters", field, v)
		}
	}
	return nil
}

// lineOrBidi reports whether r is a line or paragraph separator or a
// bidirectional formatting character.
func lineOrBidi(r rune) bool {
	switch {
	case r == '\u2028' || r == '\u2029', // line and paragraph separators
		r == '\u061c' || r == '\u200e' || r == '\u200f', // bidi marks
		'\u202a' <= r && r <= '\u202e',                  // bidi embeddings and overrides
		'\u2066' <= r && r <= '\u2069':                  // bidi isolates
		return true
	}
	return false
}

// ResolveDatacenter finds a data center by id or by name.
func (c *Client) ResolveDatacenter(ctx context.Context, ref string) (Datacenter, error) {
	if err := CheckRef("datacenter", ref); err != nil {
		return Datacenter{}, err
	}
	ref = strings.TrimSpace(ref)
	if IsUUID(ref) {
		return c.GetDatacenter(ctx, strings.ToLower(ref))
	}
	dcs, err := c.ListDatacenters(ctx)
	if err != nil {
		return Datacenter{}, err
	}
	matches := matchName(dcs, ref, func(d Datacenter) string { return d.Name })
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Datacenter{}, c.noDatacenter(ref)
	}
	amb := &AmbiguousError{Kind: "data center", Ref: ref}
	for _, d := range matches {
		amb.Candidates = append(amb.Candidates, Candidate{ID: d.ID, Name: d.Name})
	}
	return Datacenter{}, amb
}

// ResolveServer finds a server by id or name, in the data center given by
// dcRef (id or name) or, when dcRef is empty, anywhere in the account. The
// server returned carries its current state and etag.
func (c *Client) ResolveServer(ctx context.Context, ref, dcRef string) (Server, error) {
	s, _, _, err := c.resolveServer(ctx, ref, dcRef, 0)
	return s, err
}

// ReadServer finds a server as ResolveServer does and reads it at depth
// (raw is the API's JSON): in one request when finding it was already a
// read of the server by id, else in one more after the listing that found
// it.
func (c *Client) ReadServer(ctx context.Context, ref, dcRef string, depth int32) (Server, json.RawMessage, error) {
	s, raw, read, err := c.resolveServer(ctx, ref, dcRef, depth)
	if err != nil || read {
		return s, raw, err
	}
	return c.GetServer(ctx, Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, depth)
}

// resolveServer finds a server; read says whether that was a GET of the
// server itself, at depth, whose answer raw is.
func (c *Client) resolveServer(ctx context.Context, ref, dcRef string, depth int32) (s Server, raw json.RawMessage, read bool, err error) {
	if err := CheckRef("server", ref); err != nil {
		return Server{}, nil, false, err
	}
	ref = strings.TrimSpace(ref)
	if dcRef != "" {
		dc, err := c.ResolveDatacenter(ctx, dcRef)
		if err != nil {
			return Server{}, nil, false, err
		}
		return c.resolveServerIn(ctx, dc, ref, depth)
	}
	if IsUUID(ref) {
		id := strings.ToLower(ref)
		if dc, ok := c.dcOfServer.Load(id); ok && c.inScope(dc.(Datacenter)) {
			s, raw, err := c.GetServer(ctx, dc.(Datacenter), id, depth)
			return s, raw, true, err
		}
	}
	inv, err := c.Inventory(ctx)
	if err != nil {
		return Server{}, nil, false, err
	}
	s, err = pickServer(inv.Servers, ref, "")
	return s, nil, false, err
}

// ResolveServerIn finds a server by id or name within one data center.
func (c *Client) ResolveServerIn(ctx context.Context, dc Datacenter, ref string) (Server, error) {
	s, _, _, err := c.resolveServerIn(ctx, dc, ref, 0)
	return s, err
}

func (c *Client) resolveServerIn(ctx context.Context, dc Datacenter, ref string, depth int32) (Server, json.RawMessage, bool, error) {
	if IsUUID(ref) {
		s, raw, err := c.GetServer(ctx, dc, strings.ToLower(ref), depth)
		return s, raw, true, err
	}
	servers, err := c.ListServers(ctx, dc)
	if err != nil {
		return Server{}, nil, false, err
	}
	s, err := pickServer(servers, ref, describeDC(dc))
	return s, nil, false, err
}

// pickServer selects the one server that ref names among servers.
func pickServer(servers []Server, ref, scope string) (Server, error) {
	if IsUUID(ref) {
		for _, s := range servers {
			if strings.EqualFold(s.ID, ref) {
				return s, nil
			}
		}
		return Server{}, &NotFoundError{Kind: "server", Ref: ref, Scope: scope}
	}
	matches := matchName(servers, ref, func(s Server) string { return s.Name })
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Server{}, &NotFoundError{Kind: "server", Ref: ref, Scope: scope}
	}
	amb := &AmbiguousError{Kind: "server", Ref: ref}
	for _, s := range matches {
		amb.Candidates = append(amb.Candidates, Candidate{ID: s.ID, Name: s.Name, DatacenterID: s.DatacenterID, DatacenterName: s.DatacenterName})
	}
	return Server{}, amb
}

// matchName returns the items named exactly ref; failing that, those whose
// name equals ref ignoring case. Nothing fuzzier: a power action must never
// land on a server the human did not name.
func matchName[T any](items []T, ref string, name func(T) string) []T {
	var exact, folded []T
	for _, it := range items {
		n := name(it)
		if n == ref {
			exact = append(exact, it)
		} else if strings.EqualFold(n, ref) {
			folded = append(folded, it)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// IsNotFound reports whether err says that something does not exist.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf) || apierror.StatusOf(err) == 404
}

// PickServer selects the one server that ref (a name or an id) names among
// servers, as the single-server tools resolve names: an exact name first,
// then one equal ignoring case; several is an *AmbiguousError. scope says
// where servers came from, for the error.
func PickServer(servers []Server, ref, scope string) (Server, error) {
	return pickServer(servers, ref, scope)
}
