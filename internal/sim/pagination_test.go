package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// TestPaginationWalk follows _links.next through a 2,500-server data center.
func TestPaginationWalk(t *testing.T) {
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 2500, Seed: 3})
	s, _ := newTestSim(t, Options{Dataset: d})
	dcID := d.Datacenters[0].ID
	next := "http://example.com/cloudapi/v6/datacenters/" + dcID + "/servers?depth=1&pretty=false&limit=1000"
	var names []string
	var pages []int
	for next != "" {
		m := get(t, s, strings.TrimPrefix(next, "http://example.com"))
		items := path(t, m, "items").([]any)
		pages = append(pages, len(items))
		for _, it := range items {
			names = append(names, path(t, it, "properties", "name").(string))
		}
		links := path(t, m, "_links").(map[string]any)
		if _, hasPrev := links["prev"]; hasPrev != (len(pages) > 1) {
			t.Errorf("page %d: prev present = %v", len(pages), hasPrev)
		}
		next, _ = links["next"].(string)
		if next != "" && !strings.Contains(next, "depth=1") {
			t.Errorf("next link %s lost depth", next)
		}
		if len(pages) > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if fmt.Sprint(pages) != "[1000 1000 500]" {
		t.Errorf("pages %v, want [1000 1000 500]", pages)
	}
	for i, n := range names {
		if want := fmt.Sprintf("srv-0001-%04d", i+1); n != want {
			t.Fatalf("item %d is %s, want %s (stable order, no gaps or repeats)", i, n, want)
		}
	}
}

func TestPaginationEdges(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	cases := []struct {
		query      string
		items      int
		prev, next string
	}{
		{"", 3, "", ""},
		{"?limit=2", 2, "", "offset=2&limit=2"},
		{"?offset=1&limit=1", 1, "offset=0&limit=1", "offset=2&limit=1"},
		{"?offset=2&limit=5", 1, "offset=0&limit=5", ""},
		{"?offset=7", 0, "offset=0&limit=1000", ""},
		{"?offset=3&limit=3", 0, "offset=0&limit=3", ""},
	}
	for _, c := range cases {
		m := get(t, s, "/cloudapi/v6/datacenters"+c.query)
		if n := len(path(t, m, "items").([]any)); n != c.items {
			t.Errorf("%s: %d items, want %d", c.query, n, c.items)
		}
		links := path(t, m, "_links").(map[string]any)
		for name, want := range map[string]string{"prev": c.prev, "next": c.next} {
			got, _ := links[name].(string)
			if want == "" && got != "" || want != "" && !strings.HasSuffix(got, "?"+want) {
				t.Errorf("%s: %s link %q, want ...?%s", c.query, name, got, want)
			}
		}
		if self, _ := links["self"].(string); !strings.HasPrefix(self, "http://example.com/cloudapi/v6/datacenters?") {
			t.Errorf("%s: self %q is not absolute", c.query, self)
		}
	}
}

// TestRequestsListAndFilters: newest first, and the filters the MCP server
// will use to find a write it is unsure about.
func TestRequestsListAndFilters(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	_, cube := defaultIDs(t, "production", "cache-cube")
	first := post(t, s, dcID, web1, "reboot")
	clock.Advance(30 * 1e9)
	second := post(t, s, dcID, cube, "stop") // fails later
	clock.Advance(1e9)

	ids := func(query string) []string {
		t.Helper()
		var out []string
		for _, it := range path(t, get(t, s, "/cloudapi/v6/requests"+query), "items").([]any) {
			out = append(out, path(t, it, "id").(string))
		}
		return out
	}
	check := func(query string, want ...string) {
		t.Helper()
		if got := ids(query); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}
	check("", second, first)
	check("?filter.status=DONE", first)
	check("?filter.status=running", second)
	check("?filter.createdAfter=2025-03-01%2012:00:10", second)
	check("?filter.createdBefore=2025-03-01%2012:00:10", first)
	check("?depth=1&filter.url="+cube+"/stop", second)
	check("?depth=1&filter.method=POST&filter.url=/REBOOT", first)
	check("?depth=1&filter.url=nothing-like-this")
	check("?filter.url=nothing-like-this", second, first) // needs depth > 0: ignored
	check("?depth=1&filter.createdBy=user@example", second, first)
	check("?limit=1&offset=1", first)
}

// TestRequestHeadersRecorded: a client can tag its write and find it again;
// credentials are never recorded.
func TestRequestHeadersRecorded(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	req, _ := http.NewRequest("POST", "http://example.com/cloudapi/v6/datacenters/"+dcID+"/servers/"+web1+"/stop", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("X-Client-Tag", "abc-123")
	rec := &recorder{h: http.Header{}}
	s.ServeHTTP(rec, req)
	if rec.code != http.StatusAccepted {
		t.Fatalf("POST: %d", rec.code)
	}
	list := get(t, s, "/cloudapi/v6/requests?depth=1&filter.headers=abc-123")
	items := path(t, list, "items").([]any)
	if len(items) != 1 {
		t.Fatalf("%d requests with the tag", len(items))
	}
	headers := path(t, items[0], "properties", "headers").(map[string]any)
	if headers["X-Client-Tag"] != "abc-123" || headers["Authorization"] != nil {
		t.Errorf("headers %v", headers)
	}
}

// recorder is a minimal ResponseWriter.
type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }
