// Package guard holds the operator's limits that no prompt can lift:
// servers that must never be powered off or rebooted through this program
// (IONOS_MCP_PROTECT) and the data centers it may see at all
// (IONOS_MCP_DATACENTERS).
//
// Patterns are names, ids or globs, compared without regard to case: a
// protection rule should err on the side of protecting. A glob knows two
// wildcards, "*" (any run of characters, "/" included) and "?" (any one
// character); every other character stands for itself. Server names may
// hold "/", "[" and "\", and path.Match syntax made such a name fail to
// protect itself.
package guard

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// Guard is immutable after New and safe for concurrent use. A nil *Guard
// allows everything.
type Guard struct {
	protect []string
	allowDC []string
}

// New validates the patterns.
func New(protect, datacenters []string) (*Guard, error) {
	g := &Guard{}
	var err error
	if g.protect, err = compile("IONOS_MCP_PROTECT", protect); err != nil {
		return nil, err
	}
	if g.allowDC, err = compile("IONOS_MCP_DATACENTERS", datacenters); err != nil {
		return nil, err
	}
	return g, nil
}

func compile(what string, in []string) ([]string, error) {
	var out []string
	for _, p := range in {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if i := strings.IndexFunc(p, unicode.IsControl); i >= 0 {
			return nil, fmt.Errorf("%s: pattern %q holds a control character at byte %d, which no name can match: remove it", what, p, i)
		}
		out = append(out, p)
	}
	return out, nil
}

// Protected reports the pattern that protects server s, if any.
func (g *Guard) Protected(s cloud.Server) (string, bool) {
	if g == nil {
		return "", false
	}
	return matchAny(g.protect, s.Name, s.ID)
}

// ProtectedRef reports whether a reference, as the agent wrote it, already
// names a protected server, so that the call is refused before any API call.
func (g *Guard) ProtectedRef(ref string) (string, bool) {
	if g == nil {
		return "", false
	}
	return matchAny(g.protect, ref)
}

// Restricted reports whether a data-center allow-list is in force.
func (g *Guard) Restricted() bool { return g != nil && len(g.allowDC) > 0 }

// DatacenterAllowed reports whether dc may be seen and acted on.
func (g *Guard) DatacenterAllowed(dc cloud.Datacenter) bool {
	if !g.Restricted() {
		return true
	}
	_, ok := matchAny(g.allowDC, dc.Name, dc.ID)
	return ok
}

// DatacenterRefDenied reports whether a data-center reference is certainly
// outside the allow-list, without asking the API what it names: a name that
// matches no pattern when the list holds only names, or an id that matches
// none when the list holds only ids.
func (g *Guard) DatacenterRefDenied(ref string) bool {
	if !g.Restricted() {
		return false
	}
	if _, ok := matchAny(g.allowDC, ref); ok {
		return false
	}
	isID := cloud.IsUUID(strings.TrimSpace(ref))
	for _, p := range g.allowDC {
		if looksLikeID(p) == isID {
			continue
		}
		return false // the list holds the other kind too: only the API can tell
	}
	return true
}

// Describe says what the guard enforces, for logs and `doctor`.
func (g *Guard) Describe() string {
	if g == nil || (len(g.protect) == 0 && len(g.allowDC) == 0) {
		return "no protected servers, all data centers allowed"
	}
	return fmt.Sprintf("protected servers %v, allowed data centers %v", g.protect, g.allowDC)
}

func matchAny(patterns []string, values ...string) (string, bool) {
	for _, p := range patterns {
		for _, v := range values {
			if v == "" {
				continue
			}
			if glob(p, strings.ToLower(strings.TrimSpace(v))) {
				return p, true
			}
		}
	}
	return "", false
}

// looksLikeID reports whether a pattern is meant to match ids: a UUID, or a
// glob made of hex digits, dashes and wildcards only.
func looksLikeID(p string) bool {
	if cloud.IsUUID(p) {
		return true
	}
	hasHex := false
	for _, c := range p {
		switch {
		case c == '*' || c == '?' || c == '-':
		case ('0' <= c && c <= '9') || ('a' <= c && c <= 'f'):
			hasHex = true
		default:
			return false
		}
	}
	return hasHex && strings.Contains(p, "-")
}

// Match reports whether name matches the glob pattern p, ignoring case,
// with the syntax of IONOS_MCP_PROTECT: so a selection by pattern and a
// protection by pattern read alike.
func Match(p, name string) bool {
	return glob(strings.ToLower(strings.TrimSpace(p)), strings.ToLower(strings.TrimSpace(name)))
}

// glob reports whether name matches pattern p: "*" matches any run of
// characters, "?" any one, and everything else itself. It backtracks only
// to the last "*", so it runs in time linear in len(p)*len(name) at worst.
func glob(p, name string) bool {
	pr, nr := []rune(p), []rune(name)
	pi, ni := 0, 0
	star, resume := -1, 0
	for ni < len(nr) {
		switch {
		case pi < len(pr) && (pr[pi] == '?' || pr[pi] == nr[ni]):
			pi++
			ni++
		case pi < len(pr) && pr[pi] == '*':
			star, resume = pi, ni
			pi++
		case star >= 0:
			pi = star + 1
			resume++
			ni = resume
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '*' {
		pi++
	}
	return pi == len(pr)
}
