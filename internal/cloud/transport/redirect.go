package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
)

// RedirectError is a 3xx answer that was not followed. A write is never
// re-sent to where a redirect points, since a gateway may have passed it
// on before answering; a read is not sent away from the API's origin,
// since it carries the credentials.
type RedirectError struct {
	Method string
	Status int
	Target string // scheme://host[:port] of the Location, never its path or query; "" when there is none
	Write  bool
}

func (e *RedirectError) Error() string {
	to := "without a usable Location"
	if e.Target != "" {
		to = "to " + e.Target
	}
	if e.Write {
		return fmt.Sprintf("the API answered the %s with %d %s, redirecting %s; writes never follow a redirect, and the action may have run",
			e.Method, e.Status, http.StatusText(e.Status), to)
	}
	return fmt.Sprintf("the API answered the %s with %d %s, redirecting %s, away from the API's address in IONOS_API_URL; the redirect was not followed",
		e.Method, e.Status, http.StatusText(e.Status), to)
}

// GuardRedirects returns next turning the 3xx answers that must not be
// followed into a *RedirectError: every 3xx to a write, and a redirect of
// a read that leaves the origin (scheme, host and port) of base. The
// http.Client then never sees them, so it neither re-sends a POST nor
// carries the Authorization header to another port of the same host, as
// it would by default.
func GuardRedirects(next http.RoundTripper, base *url.URL) http.RoundTripper {
	return redirectGuard{next: next, origin: originOf(base)}
}

type redirectGuard struct {
	next   http.RoundTripper
	origin string
}

func (g redirectGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return resp, err
	}
	write := !readMethod(r.Method)
	target, ok := locationOf(resp, r.URL)
	if !write && (!ok || originOf(target) == g.origin) {
		return resp, nil // not followed without a Location; followed within the origin
	}
	drain(resp)
	return nil, &RedirectError{Method: r.Method, Status: resp.StatusCode, Target: shown(originOf(target)), Write: write}
}

// CheckRedirect is the http.Client's redirect policy, under the guard:
// only reads are followed, only within base's origin, at most 10 times.
func CheckRedirect(base *url.URL) func(*http.Request, []*http.Request) error {
	origin := originOf(base)
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !readMethod(via[0].Method) || originOf(req.URL) != origin {
			return &RedirectError{Method: via[0].Method, Status: req.Response.StatusCode, Target: shown(originOf(req.URL)), Write: !readMethod(via[0].Method)}
		}
		return nil
	}
}

func readMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// locationOf reads a redirect's Location, resolved against the request's URL.
func locationOf(resp *http.Response, reqURL *url.URL) (*url.URL, bool) {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, false
	}
	u, err := reqURL.Parse(loc)
	if err != nil {
		return nil, false
	}
	return u, true
}

// originOf is scheme://host:port in lower case, with the scheme's default
// port written out, so that equal origins compare equal; "" for nil.
func originOf(u *url.URL) string {
	if u == nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host + ":" + port
}

// shown bounds an origin named by the API before it reaches a message.
func shown(origin string) string {
	if len(origin) > 100 {
		return apierror.CutRunes(origin, 100) + "…"
	}
	return origin
}

// drain discards what is left of an answer, so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
