package server

import (
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
)

// originGuard refuses requests whose Host or Origin is not allowed. On a
// loopback address this is the DNS-rebinding protection the MCP
// specification asks for: a web page cannot reach the server under a name
// it controls. Behind a load balancer, IONOS_MCP_ALLOWED_HOSTS names the
// public host names.
type originGuard struct {
	hosts   []string // patterns of allowed Host names; empty = any
	origins []string // allowed Origin values (scheme://host[:port]) or patterns
}

func newOriginGuard(c config.HTTP) *originGuard {
	g := &originGuard{hosts: lower(c.AllowedHosts), origins: lower(c.AllowedOrigins)}
	if len(g.hosts) == 0 {
		if host, _, err := net.SplitHostPort(c.Addr); err == nil && isLoopback(host) {
			g.hosts = []string{"localhost", "127.0.0.1", "::1"}
		}
	}
	return g
}

func (g *originGuard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(g.hosts) > 0 && !matchHost(g.hosts, hostOnly(r.Host)) {
			http.Error(w, "Host not allowed (DNS-rebinding protection); the operator can allow it with IONOS_MCP_ALLOWED_HOSTS", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !g.originAllowed(o) {
			http.Error(w, "Origin not allowed; the operator can allow it with IONOS_MCP_ALLOWED_ORIGINS", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// originAllowed accepts an Origin listed explicitly, or one whose host is an
// allowed Host (a page served by the same host).
func (g *originGuard) originAllowed(origin string) bool {
	o := strings.ToLower(strings.TrimRight(origin, "/"))
	for _, p := range g.origins {
		if ok, _ := path.Match(p, o); ok {
			return true
		}
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return len(g.hosts) > 0 && matchHost(g.hosts, hostOnly(u.Host))
}

func matchHost(patterns []string, host string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, host); ok {
			return true
		}
	}
	return false
}

// hostOnly strips the port and IPv6 brackets of a Host value.
func hostOnly(hostport string) string {
	h := strings.ToLower(hostport)
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

func lower(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimRight(strings.TrimSpace(s), "/")))
	}
	return out
}
