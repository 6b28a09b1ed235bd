package cloud

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzResolve checks reference validation (CheckRef, CheckText) and server
// name resolution (pickServer, matchName) against an independent oracle.
//
// names is a "|"-separated list of server names (the account); mode picks
// how ref is used: as given, as the id of server idx (in random case), or as
// the name of server idx in another case.
func FuzzResolve(f *testing.F) {
	f.Add("web-1", "web-1|web-2|db", uint8(0), uint8(0))
	f.Add("WEB-1", "web-1|Web-1|db", uint8(0), uint8(0))      // two case-folded matches: ambiguous
	f.Add("web-1", "web-1|Web-1|WEB-1", uint8(0), uint8(0))   // the exact match wins
	f.Add("web", "web-1|web-2|webserver", uint8(0), uint8(0)) // a prefix never matches
	f.Add("eb-", "web-1", uint8(0), uint8(0))                 // nor a substring
	f.Add("x", "a|b", uint8(1), uint8(1))                     // by id
	f.Add("x", "a|b", uint8(129), uint8(0))                   // by id, upper case
	f.Add("x", "straße|STRASSE", uint8(2), uint8(0))          // by name in upper case
	f.Add("\u212a", "k|K", uint8(0), uint8(0))                // Kelvin sign folds to k
	f.Add("ſ", "s|S", uint8(0), uint8(0))                     // long s folds to s
	f.Add("a\x00b", "a\x00b", uint8(0), uint8(0))
	f.Add("a\u202eb", "a\u202eb", uint8(0), uint8(0)) // right-to-left override
	f.Add("a\u2028b", "a\u2028b", uint8(0), uint8(0)) // line separator
	f.Add("\xff", "\xff", uint8(0), uint8(0))
	f.Add("  db  ", "db", uint8(0), uint8(0))
	f.Add("", "", uint8(0), uint8(0))
	f.Add(strings.Repeat("a", 256), strings.Repeat("a", 256), uint8(0), uint8(0))
	f.Add("f2354da4-83e3-4e92-9d23-f3cb1ffecc31", "f2354da4-83e3-4e92-9d23-f3cb1ffecc31", uint8(0), uint8(0)) // a name that looks like an id
	f.Fuzz(func(t *testing.T, ref, names string, mode, idx uint8) {
		servers := fuzzServers(names)
		if len(servers) > 0 {
			s := servers[int(idx)%len(servers)]
			switch mode % 3 {
			case 1:
				ref = s.ID
				if mode >= 128 {
					ref = strings.ToUpper(ref)
				}
			case 2:
				if mode >= 128 {
					ref = strings.ToLower(s.Name)
				} else {
					ref = strings.ToUpper(s.Name)
				}
			}
		}

		// CheckText and CheckRef never accept what must never reach a log,
		// a filter or a URL.
		if err := CheckText("field", ref); err == nil {
			checkCleanText(t, ref)
		}
		if err := CheckRef("server", ref); err != nil {
			return
		}
		checkCleanText(t, ref)
		if len(ref) > maxNameLen || strings.TrimSpace(ref) == "" {
			t.Fatalf("CheckRef accepted %q (%d bytes)", ref, len(ref))
		}

		ref = strings.TrimSpace(ref) // as ResolveServer does
		want := oracleMatches(servers, ref)
		got, err := pickServer(servers, ref, "")
		var nf *NotFoundError
		var amb *AmbiguousError
		switch {
		case err == nil:
			if len(want) != 1 || want[0].ID != got.ID {
				t.Fatalf("pickServer(%q) = %+v; the oracle matches %v", ref, got, ids(want))
			}
			if !namedBy(got, ref) {
				t.Fatalf("pickServer(%q) returned %q, which the reference does not name", ref, got.Name)
			}
		case errors.As(err, &nf):
			if len(want) != 0 {
				t.Fatalf("pickServer(%q): not found; the oracle matches %v", ref, ids(want))
			}
			if nf.Ref != ref || nf.Kind != "server" {
				t.Fatalf("NotFoundError %+v for %q", nf, ref)
			}
		case errors.As(err, &amb):
			if len(want) < 2 {
				t.Fatalf("pickServer(%q): ambiguous %v; the oracle matches %v", ref, amb.Candidates, ids(want))
			}
			var cand []string
			for _, c := range amb.Candidates {
				cand = append(cand, c.ID)
			}
			sort.Strings(cand)
			if w := ids(want); strings.Join(cand, ",") != strings.Join(w, ",") {
				t.Fatalf("pickServer(%q): candidates %v, the oracle matches %v", ref, cand, w)
			}
			if IsUUID(ref) {
				t.Fatalf("pickServer(%q): an id is ambiguous", ref)
			}
		default:
			t.Fatalf("pickServer(%q): unexpected error %T %v", ref, err, err)
		}

		// matchName on data centers follows the same rule.
		dcs := make([]Datacenter, len(servers))
		for i, s := range servers {
			dcs[i] = Datacenter{ID: s.ID, Name: s.Name}
		}
		m := matchName(dcs, ref, func(d Datacenter) string { return d.Name })
		var wantNames []string
		for _, s := range oracleNameMatches(servers, ref) {
			wantNames = append(wantNames, s.ID)
		}
		var gotNames []string
		for _, d := range m {
			gotNames = append(gotNames, d.ID)
		}
		sort.Strings(gotNames)
		sort.Strings(wantNames)
		if strings.Join(gotNames, ",") != strings.Join(wantNames, ",") {
			t.Fatalf("matchName(%q) = %v, the oracle says %v", ref, gotNames, wantNames)
		}
	})
}

// fuzzServers builds at most 16 servers from a "|"-separated list of names.
// Names come from JSON in real life, so they are valid UTF-8.
func fuzzServers(names string) []Server {
	if names == "" {
		return nil
	}
	parts := strings.Split(names, "|")
	if len(parts) > 16 {
		parts = parts[:16]
	}
	out := make([]Server, len(parts))
	for i, n := range parts {
		out[i] = Server{
			ID:           fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i+1),
			Name:         strings.ToValidUTF8(n, "\uFFFD"),
			DatacenterID: "00000000-0000-4000-8000-00000000dc00",
		}
	}
	return out
}

// checkCleanText fails when an accepted reference holds bytes that must
// never be accepted.
func checkCleanText(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("accepted invalid UTF-8 %q", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || forbiddenFormat(r) {
			t.Fatalf("accepted %q, which contains %U", s, r)
		}
	}
}

// forbiddenFormat lists the characters that are not Unicode controls but
// break lines or reorder text on display (Trojan Source).
func forbiddenFormat(r rune) bool {
	switch {
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r == '\u061c' || r == '\u200e' || r == '\u200f': // bidi marks
		return true
	case '\u202a' <= r && r <= '\u202e': // bidi embeddings and overrides
		return true
	case '\u2066' <= r && r <= '\u2069': // bidi isolates
		return true
	}
	return false
}

// oracleMatches is the rule written out independently of resolve.go: an id
// matches the server with that id (ids are ASCII, compared without case);
// a name matches the servers with exactly that name, or, when none has
// it, those whose name is the same rune for rune up to Unicode simple case
// folding. Nothing else: no prefix, no substring, no normalisation.
func oracleMatches(servers []Server, ref string) []Server {
	if IsUUID(ref) {
		for _, s := range servers {
			if asciiLower(s.ID) == asciiLower(ref) {
				return []Server{s}
			}
		}
		return nil
	}
	return oracleNameMatches(servers, ref)
}

func oracleNameMatches(servers []Server, ref string) []Server {
	var exact, folded []Server
	for _, s := range servers {
		switch {
		case s.Name == ref:
			exact = append(exact, s)
		case foldEqual(s.Name, ref):
			folded = append(folded, s)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

func namedBy(s Server, ref string) bool {
	if IsUUID(ref) {
		return asciiLower(s.ID) == asciiLower(ref)
	}
	return s.Name == ref || foldEqual(s.Name, ref)
}

func foldEqual(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if !sameFoldOrbit(ra[i], rb[i]) {
			return false
		}
	}
	return true
}

func sameFoldOrbit(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func ids(servers []Server) []string {
	var out []string
	for _, s := range servers {
		out = append(out, s.ID)
	}
	sort.Strings(out)
	return out
}
