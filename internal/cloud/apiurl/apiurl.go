package apiurl

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Default is the IONOS Cloud API v6 endpoint used when IONOS_API_URL is unset.
const Default = "https://api.ionos.com/cloudapi/v6"

const basePath = "/cloudapi/v6"

// Parse reads IONOS_API_URL the way ionosctl and sdk-go intend it: a
// host with or without scheme (https is assumed), with "/cloudapi/v6"
// appended when the path does not already end with it. Unlike sdk-go it
// tolerates trailing slashes (sdk-go turns "https://api.ionos.com/" into
// ".../ /cloudapi/v6" with a double slash), and repeated slashes anywhere in
// the path. The empty string means the public endpoint.
//
// The result is canonical: parsing its String() again gives the same URL.
// Its host is a lowercase DNS name or IP address with an optional port, and
// its path has no empty, "." or ".." segment.
func Parse(raw string) (*url.URL, error) {
	u, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("IONOS_API_URL %q: %w", Redact(raw), err)
	}
	return u, nil
}

func parse(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		s = Default
	}
	if !utf8.ValidString(s) {
		return nil, errors.New("not valid UTF-8")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, errors.New("contains whitespace")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	if hasUserinfo(s) { // before url.Parse, whose errors may quote a piece of it
		return nil, errors.New("credentials in the URL are not allowed; use IONOS_TOKEN")
	}
	if strings.ContainsAny(s, "?#") { // before url.Parse too: a query may hold a secret
		return nil, errors.New("must not contain a query or fragment")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("scheme must be http or https")
	}
	if u.User != nil {
		return nil, errors.New("credentials in the URL are not allowed; use IONOS_TOKEN")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	host, err := canonicalHost(u.Host)
	if err != nil {
		return nil, err
	}
	p, err := canonicalBasePath(u)
	if err != nil {
		return nil, err
	}
	return p.withHost(u.Scheme, host), nil
}

// Redact returns what of an API URL may be shown: its scheme, host and
// path. What stands before an "@" in the authority (credentials), the
// query and the fragment are dropped, as any of them may hold a secret. It
// works on text that does not parse as a URL as well, since such text
// ends up in error messages too.
func Redact(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	scheme, rest := splitScheme(raw)
	if at := strings.LastIndexByte(authority(rest), '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + rest
}

// hasUserinfo reports whether an "@" stands in the authority of a URL.
func hasUserinfo(raw string) bool {
	_, rest := splitScheme(raw)
	return strings.Contains(authority(rest), "@")
}

// splitScheme cuts raw after its "://", if any.
func splitScheme(raw string) (scheme, rest string) {
	if i := strings.Index(raw, "://"); i >= 0 {
		return raw[:i+3], raw[i+3:]
	}
	return "", raw
}

// authority is the start of rest up to its path, query or fragment.
func authority(rest string) string {
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		return rest[:end]
	}
	return rest
}

// canonicalHost checks a URL's host[:port] and returns it in lower case:
// an IP address (IPv6 in brackets, without zone) or a DNS name made of
// ASCII letters, digits, '-', '_' and '.', and a port from 1 to 65535 when
// one is given. An empty port ("host:") is dropped.
func canonicalHost(hostport string) (string, error) {
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.HasSuffix(hostport, "]") {
		host, port = hostport[:i], hostport[i+1:]
	}
	ip := strings.HasPrefix(host, "[")
	if ip {
		if !strings.HasSuffix(host, "]") {
			return "", errors.New("malformed IPv6 address")
		}
		host = host[1 : len(host)-1]
	}
	if host == "" {
		return "", errors.New("no host")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "", errors.New("an IPv6 zone is not allowed in the host")
		}
		if ip != a.Is6() {
			return "", fmt.Errorf("host %q: IPv6 addresses, and only they, go in brackets", host)
		}
		host = a.String()
	} else {
		if ip {
			return "", fmt.Errorf("host %q is not an IPv6 address", host)
		}
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
				return "", fmt.Errorf("host %q: only ASCII letters, digits, '-', '_' and '.' are allowed (use the punycode form of an international name)", host)
			}
		}
		host = strings.ToLower(host)
	}
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]", nil
		}
		return host, nil
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return "", fmt.Errorf("port %q: want a number from 1 to 65535", port)
	}
	return net.JoinHostPort(host, strconv.FormatUint(n, 10)), nil
}

// apiPath is a canonical base path: its escaped form, and the decoded one.
type apiPath struct{ escaped, decoded string }

// canonicalBasePath returns u's path without empty segments (repeated or
// trailing slashes), ending with /cloudapi/v6. Dot segments and encoded
// slashes, spaces and controls are refused: they would make the path the
// server sees differ from the one written.
func canonicalBasePath(u *url.URL) (apiPath, error) {
	var segs []string
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg == "" {
			continue
		}
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return apiPath{}, fmt.Errorf("path segment %q: %w", seg, errors.Unwrap(err))
		}
		switch {
		case dec == "." || dec == "..":
			return apiPath{}, fmt.Errorf("path segment %q is not allowed", seg)
		case strings.ContainsFunc(dec, badPathRune):
			return apiPath{}, fmt.Errorf("path segment %q encodes a slash, a space, a control character or invalid UTF-8", seg)
		}
		segs = append(segs, seg)
	}
	esc := "/" + strings.Join(segs, "/")
	if esc == "/" {
		esc = ""
	}
	if !strings.HasSuffix(esc, basePath) {
		esc += basePath
	}
	dec, _ := url.PathUnescape(esc) // every segment unescaped above
	return apiPath{escaped: esc, decoded: dec}, nil
}

func badPathRune(r rune) bool {
	return r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
}

func (p apiPath) withHost(scheme, host string) *url.URL {
	u := &url.URL{Scheme: scheme, Host: host, Path: p.decoded}
	if u.EscapedPath() != p.escaped {
		u.RawPath = p.escaped
	}
	return u
}
