package sim

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// TestEveryHrefAnswers walks every href the simulator renders, starting
// from a depth-10 listing of the default dataset and the requests, and
// GETs each one: none may answer anything but 200.
func TestEveryHrefAnswers(t *testing.T) {
	s, _ := newTestSim(t, Options{Timing: testTiming})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	post(t, s, dcID, srvID, "reboot") // so that requests and their statuses have hrefs
	seen := map[string]bool{}
	var queue []string
	collect := func(doc any) {
		for _, h := range hrefsIn(doc) {
			if !seen[h] {
				seen[h] = true
				queue = append(queue, h)
			}
		}
	}
	collect(get(t, s, "/cloudapi/v6/datacenters?depth=10"))
	collect(get(t, s, "/cloudapi/v6/requests?depth=10"))
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		target, ok := strings.CutPrefix(h, "http://example.com")
		if !ok {
			t.Errorf("href %s is not on the host the client called", h)
			continue
		}
		rec := do(t, s, http.MethodGet, target, testToken, "")
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s", target, rec.Code, rec.Body)
			continue
		}
		collect(decodeMap(t, rec.Body.Bytes()))
	}
	kinds := map[string]bool{}
	for h := range seen {
		kinds[hrefShape(h)] = true
	}
	var shapes []string
	for k := range kinds {
		shapes = append(shapes, k)
	}
	sort.Strings(shapes)
	t.Logf("%d hrefs of %d shapes: %s", len(seen), len(shapes), strings.Join(shapes, " "))
	if len(shapes) < 20 {
		t.Errorf("only %d href shapes: the walk missed some resources", len(shapes))
	}
}

// hrefsIn returns every "href" value and _links URL of a document.
func hrefsIn(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "href" || k == "self" || k == "next" || k == "prev") {
					out = append(out, s)
				}
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// hrefShape is an href with its ids replaced, for the log: the kinds of
// resources the walk reached.
func hrefShape(h string) string {
	h, _, _ = strings.Cut(strings.TrimPrefix(h, "http://example.com/cloudapi/v6"), "?")
	seg := strings.Split(h, "/")
	for i, p := range seg {
		if dataset.IsUUID(p) || p != "" && strings.Trim(p, "0123456789") == "" {
			seg[i] = "*"
		}
	}
	return strings.Join(seg, "/")
}
