package cloud

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// fuzzBases are the configured APIs the request references are parsed
// against: the simulator's address, and the public API (letters in the
// host, no port).
var fuzzBases = []string{"http://127.0.0.1:18080", "https://api.ionos.com"}

// FuzzRequestRef checks RequestIDFromLocation and ParseRequestRef: any id
// they return is a lowercase canonical UUID, ParseRequestRef accepts exactly
// an id or a URL of the configured API of the form
// <base>/requests/<uuid>[/status] and nothing else, and a UUID (and the
// Location URL built from it) parses back to itself.
func FuzzRequestRef(f *testing.F) {
	const id = "f2354da4-83e3-4e92-9d23-f3cb1ffecc31"
	for _, s := range []string{
		id,
		strings.ToUpper(id),
		" " + id + "\n",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id,
		"HTTP://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status#",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status?",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status/status",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/",
		"http://127.0.0.1:18080/cloudapi/v6//requests/" + id,
		"http://127.0.0.1:18080/cloudapi/v6/requests/%66" + id[1:],
		"http://@127.0.0.1:18080/cloudapi/v6/requests/" + id,
		"http://127.0.0.1:18081/cloudapi/v6/requests/" + id,
		"http://127.0.0.1/cloudapi/v6/requests/" + id,
		"http://127.0.0.1:18080/x/cloudapi/v6/requests/" + id,
		"https://api.ionos.com/cloudapi/v6/requests/" + id + "/status",
		"https://API.IONOS.COM/cloudapi/v6/requests/" + id + "/status",
		"https://api.ionos.com:443/cloudapi/v6/requests/" + id + "/status",
		"https://api.ionos.co\u212a/cloudapi/v6/requests/" + id + "/status", // Kelvin sign
		"https://api.ionos.com./cloudapi/v6/requests/" + id + "/status",
		"/cloudapi/v6/requests/" + id + "/status",
		"https://evil.example/requests/" + id + "/status",
		"https://api.ionos.com/cloudapi/v6/requests/../requests/" + id,
		"::",
		"",
	} {
		f.Add(s, uint64(0x0123456789abcdef), uint64(0xfedcba9876543210), false)
	}
	f.Add("", uint64(0), uint64(0), true)
	f.Add("", ^uint64(0), ^uint64(0), true)

	clients := make([]*Client, len(fuzzBases))
	for i, b := range fuzzBases {
		c, err := New(Config{Token: "t", APIURL: b})
		if err != nil {
			f.Fatal(err)
		}
		clients[i] = c
	}

	f.Fuzz(func(t *testing.T, ref string, hi, lo uint64, upper bool) {
		// Any input.
		if id, err := RequestIDFromLocation(ref); err == nil {
			checkCanonicalID(t, "RequestIDFromLocation", ref, id)
		}
		for _, c := range clients {
			id, err := c.ParseRequestRef(ref)
			want, ok := oracleRequestRef(c.base.Scheme, c.base.Host, c.base.EscapedPath(), ref)
			if err != nil {
				if ok {
					t.Fatalf("ParseRequestRef(%q) against %s: %v; the oracle reads %q", ref, c.base, err, want)
				}
				continue
			}
			checkCanonicalID(t, "ParseRequestRef", ref, id)
			if !ok || want != id {
				t.Fatalf("ParseRequestRef(%q) against %s = %q; the oracle says %q, %v", ref, c.base, id, want, ok)
			}
		}

		// Round trip of a random UUID.
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], hi)
		binary.BigEndian.PutUint64(b[8:], lo)
		u := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
		want := u
		if upper {
			u = strings.ToUpper(u)
		}
		for _, c := range clients {
			for _, in := range []string{u, c.base.String() + "/requests/" + u, c.base.String() + "/requests/" + u + "/status"} {
				if got, err := c.ParseRequestRef(in); err != nil || got != want {
					t.Fatalf("ParseRequestRef(%q) = %q, %v; want %q", in, got, err, want)
				}
			}
			for _, loc := range []string{c.base.String() + "/requests/" + u + "/status", c.base.Path + "/requests/" + u + "/status"} {
				if got, err := RequestIDFromLocation(loc); err != nil || got != want {
					t.Fatalf("RequestIDFromLocation(%q) = %q, %v; want %q", loc, got, err, want)
				}
			}
		}
	})
}

func checkCanonicalID(t *testing.T, fn, in, id string) {
	t.Helper()
	if !IsUUID(id) || id != strings.ToLower(id) {
		t.Fatalf("%s(%q) = %q, not a lowercase canonical UUID", fn, in, id)
	}
}

// oracleRequestRef says, by plain string comparison and without url.Parse,
// which id a reference names: a UUID alone (spaces around it allowed), or
// exactly scheme://host<basePath>/requests/<uuid>[/status], where only the
// scheme, the host's ASCII letters and the UUID's hex digits may differ in
// case.
func oracleRequestRef(scheme, host, basePath, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if IsUUID(ref) {
		return asciiLower(ref), true
	}
	sch, rest, ok := strings.Cut(ref, "://")
	if !ok || asciiLower(sch) != scheme {
		return "", false
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "", false
	}
	authority, p := rest[:i], rest[i:]
	if asciiLower(authority) != host {
		return "", false
	}
	rest, ok = strings.CutPrefix(p, basePath+"/requests/")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "/status")
	if !IsUUID(rest) {
		return "", false
	}
	return asciiLower(rest), true
}
