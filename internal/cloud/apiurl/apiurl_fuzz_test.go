package apiurl

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseAPIURL checks that whatever IONOS_API_URL holds, Parse
// either refuses it or returns a clean http(s) endpoint ending in
// /cloudapi/v6, which parses back to itself.
func FuzzParseAPIURL(f *testing.F) {
	for _, s := range []string{
		"",
		"api.ionos.com",
		"https://api.ionos.com",
		"https://api.ionos.com/",
		"https://api.ionos.com//",
		"https://api.ionos.com/cloudapi/v6",
		"https://api.ionos.com/cloudapi/v6/",
		"https://api.ionos.com/cloudapi/v6//",
		"  http://127.0.0.1:18080  ",
		"HTTPS://API.IONOS.COM",
		"https://proxy.example/ionos",
		"https://proxy.example//ionos//",
		"https://proxy.example/a%2Fb",
		"https://proxy.example/a%20b",
		"https://proxy.example/%C3%A9",
		"https://proxy.example/a/../b",
		"https://proxy.example/xcloudapi/v6",
		"[::1]:8080",
		"http://[fe80::1%25eth0]:8080",
		"https://h:",
		"https://h:99999",
		"https://h%C3%A9",
		"https://H%C3%89",
		"https://api.ionos.com/#",
		"https://api.ionos.com/?",
		"https://@api.ionos.com",
		"https://user:pass@api.ionos.com",
		"ftp://api.ionos.com",
		"https://",
		"http://%zz",
		"https:api.ionos.com",
		"//api.ionos.com",
		"https://api.ionos.com/\u00a0",
		"https://user:hunter2@api.ionos.com:x",
		"https://user:hunter2 @api.ionos.com",
		"https://user:hunter2@api.ionos.com/%zz",
		"user:hunter2@h\x7f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := Parse(raw)
		if err != nil {
			if u != nil {
				t.Fatalf("Parse(%q) returned %v with error %v", raw, u, err)
			}
			if secret := userinfoOf(raw); leaks(err.Error(), raw, secret) {
				t.Fatalf("Parse(%q): the error repeats the credentials %q: %v", raw, secret, err)
			}
			return
		}
		checkAPIURL(t, raw, u)
		s := u.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which it refuses: %v", raw, s, err)
		}
		if diff := cmp.Diff(u, again); diff != "" {
			t.Fatalf("Parse(%q) = %q is not a fixed point (-first +second):\n%s", raw, s, diff)
		}
		// What the SDK and net/http will read from the string is what was checked.
		back, err := url.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which url.Parse refuses: %v", raw, s, err)
		}
		if back.Scheme != u.Scheme || back.Host != u.Host || back.EscapedPath() != u.EscapedPath() {
			t.Fatalf("Parse(%q) = %q reads back as %#v", raw, s, back)
		}
	})
}

// leaks reports whether msg, an error of Parse for raw, shows
// secret, the userinfo of raw: in the URL it quotes, or in the detail that
// follows, where raw without it would not show the same text anyway.
func leaks(msg, raw, secret string) bool {
	if len(secret) < 3 {
		return false
	}
	rest := strings.Replace(raw, secret, "", 1)
	if strings.Contains(rest, secret) {
		return false
	}
	const fixed = "credentials in the URL are not allowed; use IONOS_TOKEN"
	quoted, err := strconv.QuotedPrefix(strings.TrimPrefix(msg, "IONOS_API_URL "))
	if err != nil { // not the usual shape: look at all of it
		return strings.Contains(strings.ReplaceAll(msg, fixed, ""), secret)
	}
	shown, _ := strconv.Unquote(quoted)
	detail := strings.TrimPrefix(strings.TrimPrefix(msg, "IONOS_API_URL "+quoted), ": ")
	if strings.Contains(shown, secret) {
		return true
	}
	if detail == fixed {
		return false
	}
	q := strconv.Quote(secret)
	return strings.Contains(detail, secret) || strings.Contains(detail, q[1:len(q)-1]) && !strings.Contains(strconv.Quote(rest), q[1:len(q)-1])
}

// userinfoOf returns what stands before the "@" of raw's authority.
func userinfoOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		return rest[:at]
	}
	return ""
}

func checkAPIURL(t *testing.T, raw string, u *url.URL) {
	t.Helper()
	fail := func(what string) { t.Helper(); t.Fatalf("Parse(%q) = %q (%#v): %s", raw, u, u, what) }
	if u.Scheme != "http" && u.Scheme != "https" {
		fail("scheme is not http or https")
	}
	if !strings.Contains(raw, "://") && strings.TrimSpace(raw) != "" && u.Scheme != "https" {
		fail("a bare host must mean https")
	}
	if u.Host == "" || u.Hostname() == "" {
		fail("no host")
	}
	if u.Host != strings.ToLower(u.Host) {
		fail("host is not lowercase")
	}
	for _, c := range []byte(u.Host) {
		if c <= ' ' || c >= 0x7f {
			fail("host holds a space, a control or a non-ASCII byte")
		}
	}
	if port := u.Port(); port != "" {
		if len(port) > 5 || strings.Trim(port, "0123456789") != "" || port > "65535" && len(port) == 5 {
			fail("port is not a number from 0 to 65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		fail("empty port")
	}
	if u.User != nil {
		fail("userinfo")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "" || u.Opaque != "" {
		fail("query, fragment or opaque part")
	}
	if !strings.HasSuffix(u.Path, basePath) || !strings.HasSuffix(u.EscapedPath(), basePath) {
		fail("path does not end with " + basePath)
	}
	if strings.Contains(u.Path, "//") || strings.Contains(u.EscapedPath(), "//") {
		fail(`"//" in the path`)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			fail("dot segment in the path")
		}
	}
	if strings.ContainsAny(u.Path, "\x00\r\n\t ") {
		fail("space or control in the path")
	}
}
