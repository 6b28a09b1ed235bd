package cloud

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultAPIURL is the IONOS Cloud API v6 endpoint used when IONOS_API_URL is unset.
const DefaultAPIURL = "https://api.ionos.com/cloudapi/v6"

const basePath = "/cloudapi/v6"

// ParseAPIURL reads IONOS_API_URL the way ionosctl and sdk-go intend it: a
// host with or without scheme (https is assumed), with "/cloudapi/v6"
// appended when the path does not already end with it. Unlike sdk-go it
// tolerates trailing slashes (sdk-go turns "https://api.ionos.com/" into
// ".../ /cloudapi/v6" with a double slash). The empty string means the public
// endpoint.
func ParseAPIURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		s = DefaultAPIURL
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, fmt.Errorf("IONOS_API_URL %q: contains whitespace", raw)
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("IONOS_API_URL %q: %w", raw, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("IONOS_API_URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("IONOS_API_URL %q: no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("IONOS_API_URL: credentials in the URL are not allowed; use IONOS_TOKEN")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, fmt.Errorf("IONOS_API_URL %q: must not contain a query or fragment", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, basePath) {
		p += basePath
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: p}, nil
}
