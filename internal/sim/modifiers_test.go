package sim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// names lists the items' properties.name of a collection answer.
func names(t *testing.T, h http.Handler, target string) []string {
	t.Helper()
	out := []string{}
	for _, it := range path(t, get(t, h, target), "items").([]any) {
		out = append(out, path(t, it, "properties", "name").(string))
	}
	return out
}

func TestFilters(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	dc := "/cloudapi/v6/datacenters/" + dcID
	servers := dc + "/servers?depth=1&"
	cases := []struct {
		name, target string
		want         []string
	}{
		{"substring", servers + "filter.name=web", []string{"web-1", "web-2"}},
		{"case of name and value", servers + "filter.NAME=WEB-2", []string{"web-2"}},
		{"number as text", servers + "filter.cores=4", []string{"web-1", "web-2", "gpu-train"}}, // 4, 4, 24
		{"all must hold", servers + "filter.vmState=RUNNING&filter.type=enterprise&filter.cores=8", []string{"db-1"}},
		{"same property twice", servers + "filter.name=web&filter.name=2", []string{"web-2"}},
		{"absent value", servers + "filter.cpuFamily=a", []string{"web-1", "web-2", "db-1", "gpu-train"}},
		{"metadata", servers + "filter.state=available", []string{"web-1", "web-2", "db-1", "cache-cube", "gpu-train"}},
		{"metadata date", servers + "filter.createdDate=2024-01-15T09:33", []string{"db-1"}},
		{"reference by id", servers + "filter.bootVolume=" + dataset.NameUUID("default-dataset", "production", "web-2", "volume", "boot")[:8], []string{"web-2"}},
		{"typo matches nothing", servers + "filter.nmae=web", []string{}},
		{"unknown property", servers + "filter.colour=red", []string{}},
		{"data centers", "/cloudapi/v6/datacenters?depth=1&filter.location=DE/", []string{"production", "staging"}},
		{"volume type", dc + "/volumes?depth=1&filter.type=ssd", []string{"web-1-boot", "web-2-boot", "db-1-boot", "db-1-data", "gpu-train-boot"}},
		{"volume size", dc + "/volumes?depth=1&filter.size=500", []string{"db-1-data", "db-1-backup-2024-11"}},
		{"unattached volumes", dc + "/volumes?depth=1&filter.licenceType=unknown&filter.bootOrder=AUTO", []string{"db-1-backup-2024-11"}},
		{"NIC address", dc + "/servers/" + srvID + "/nics?depth=1&filter.ips=85.215.231.50", []string{"eth0"}},
		{"NIC LAN", dc + "/servers/" + srvID + "/nics?depth=1&filter.lan=2", []string{"eth1"}},
		{"public LAN", dc + "/lans?depth=1&filter.public=true", []string{"public"}},
		{"load balancer", dc + "/loadbalancers?depth=1&filter.ip=85.215", []string{"web-lb"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, names(t, s, c.target)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.target, diff)
			}
		})
	}
}

func TestOrderBy(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, _ := defaultIDs(t, "production", "")
	servers := "/cloudapi/v6/datacenters/" + dcID + "/servers?depth=1&"
	cases := []struct {
		query string
		want  []string
	}{
		{"orderBy=name", []string{"cache-cube", "db-1", "gpu-train", "web-1", "web-2"}},
		{"orderBy=cores", []string{"cache-cube", "web-1", "web-2", "db-1", "gpu-train"}}, // 2, 4, 4 (stored order), 8, 24
		{"orderBy=RAM", []string{"cache-cube", "web-1", "web-2", "db-1", "gpu-train"}},
		{"orderBy=cpuFamily", []string{"gpu-train", "web-1", "web-2", "db-1", "cache-cube"}}, // AMD, Intel x3, none last
		{"orderBy=type&filter.name=-", []string{"cache-cube", "web-1", "web-2", "db-1", "gpu-train"}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, names(t, s, servers+c.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.query, diff)
		}
	}
	if got := names(t, s, "/cloudapi/v6/datacenters?depth=1&orderBy=location"); cmp.Diff([]string{"production", "staging", "analytics"}, got) != "" {
		t.Errorf("data centers by location: %v", got)
	}
	rec := do(t, s, http.MethodGet, servers+"orderBy=colour", testToken, "")
	checkError(t, rec, 422, "200")
	if msg := rec.Body.String(); !strings.Contains(msg, `'orderBy'`) || !strings.Contains(msg, `\"colour\"`) || !strings.Contains(msg, "vmState") {
		t.Errorf("422 message %s should name the parameter, the property and the valid ones", msg)
	}
}

// TestMaxResults: maxResults cuts the stored order before filters apply,
// then orderBy sorts and offset/limit page what is left.
func TestMaxResults(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, _ := defaultIDs(t, "production", "")
	servers := "/cloudapi/v6/datacenters/" + dcID + "/servers?depth=1&"
	cases := []struct {
		query string
		want  []string
	}{
		{"maxResults=2", []string{"web-1", "web-2"}},
		{"maxResults=2&filter.name=db", []string{}},
		{"maxResults=3&filter.name=db", []string{"db-1"}},
		{"maxResults=3&orderBy=name", []string{"db-1", "web-1", "web-2"}},
		{"maxResults=4&orderBy=name&offset=1&limit=2", []string{"db-1", "web-1"}},
		{"maxResults=99", []string{"web-1", "web-2", "db-1", "cache-cube", "gpu-train"}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, names(t, s, servers+c.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.query, diff)
		}
	}
	checkError(t, do(t, s, http.MethodGet, servers+"maxResults=0", testToken, ""), 422, "200")
	checkError(t, do(t, s, http.MethodGet, servers+"maxResults=all", testToken, ""), 400, "100")
}

// TestModifierLinks: the paging links keep every modifier, and paging
// counts what the filters left.
func TestModifierLinks(t *testing.T) {
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 300, Seed: 3})
	s, _ := newTestSim(t, Options{Dataset: d})
	cubes := 0
	for _, srv := range d.Datacenters[0].Servers[:200] {
		if srv.Type == dataset.TypeCube {
			cubes++
		}
	}
	next := "/cloudapi/v6/datacenters/" + d.Datacenters[0].ID + "/servers?depth=1&filter.type=CUBE&orderBy=name&maxResults=200&limit=10"
	seen := 0
	for next != "" {
		m := get(t, s, next)
		seen += len(path(t, m, "items").([]any))
		links := path(t, m, "_links").(map[string]any)
		n, _ := links["next"].(string)
		if n != "" {
			u, err := url.Parse(n)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if q.Get("filter.type") != "CUBE" || q.Get("orderBy") != "name" || q.Get("maxResults") != "200" {
				t.Fatalf("next link %s lost a modifier", n)
			}
			next = u.RequestURI()
		} else {
			next = ""
		}
	}
	if seen != cubes {
		t.Errorf("walked %d CUBE servers among the first 200, want %d", seen, cubes)
	}
}

// TestRequestModifiers: on /requests the old filters work as before,
// maxResults cuts the newest first, orderBy sorts, and an unknown filter
// matches nothing once depth allows filters.
func TestRequestModifiers(t *testing.T) {
	s, clock := newTestSim(t, Options{Timing: testTiming})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	_, web2 := defaultIDs(t, "production", "web-2")
	first := post(t, s, dcID, web2, "stop")
	clock.Advance(time.Second)
	second := post(t, s, dcID, web1, "reboot")
	etag := path(t, get(t, s, "/cloudapi/v6/requests/"+first+"?depth=1"), "metadata", "etag").(string)
	ids := func(query string) []string {
		out := []string{}
		for _, it := range path(t, get(t, s, "/cloudapi/v6/requests"+query), "items").([]any) {
			out = append(out, path(t, it, "id").(string))
		}
		return out
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"?maxResults=1", []string{second}},
		{"?maxResults=1&depth=1&filter.url=/stop", []string{}},
		{"?depth=1&orderBy=url", []string{first, second}}, // .../992cfdb0.../stop sorts before .../a7e25b39.../reboot
		{"?depth=1&filter.etag=" + etag[:8], []string{first}},
		{"?depth=1&filter.colour=red", []string{}},
		{"?filter.colour=red", []string{second, first}}, // needs depth > 0: ignored
		{"?depth=1&filter.METHOD=post", []string{second, first}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, ids(c.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.query, diff)
		}
	}
	checkError(t, do(t, s, http.MethodGet, "/cloudapi/v6/requests?orderBy=colour", testToken, ""), 422, "200")
}
