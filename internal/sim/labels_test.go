package sim

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// labelKV lists a Labels or LabelResources answer as "id=value" lines
// (value "" at depth 0, where items are references).
func labelKV(t *testing.T, doc map[string]any) []string {
	t.Helper()
	var out []string
	for _, it := range path(t, doc, "items").([]any) {
		m := it.(map[string]any)
		line := m["id"].(string) + "="
		if p, ok := m["properties"].(map[string]any); ok {
			line += p["value"].(string)
		}
		out = append(out, line)
	}
	return out
}

// allDefaultLabels is what GET /labels lists for the default dataset:
// data centers, servers and keys in order.
func allDefaultLabels() []string {
	var out []string
	for _, dc := range dataset.Default().Datacenters {
		for _, s := range dc.Servers {
			for _, k := range []string{"env", "role"} {
				out = append(out, "urn:label:server:"+s.ID+":"+k+"="+s.Labels[k])
			}
		}
	}
	return out
}

// TestLabelsListAll: GET /labels lists every server's labels by data
// center, server and key; at depth 0 as references, at depth 1 as labels.
// It is not paged: offset and limit change nothing and the answer has no
// offset, limit or _links.
func TestLabelsListAll(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	want := allDefaultLabels()
	if len(want) != 26 {
		t.Fatalf("%d default labels, want 26 (13 servers, env and role)", len(want))
	}
	full := get(t, s, "/cloudapi/v6/labels?depth=1&offset=3&limit=2")
	if diff := cmp.Diff(want, labelKV(t, full)); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	for _, k := range []string{"offset", "limit", "_links"} {
		if _, ok := full[k]; ok {
			t.Errorf("GET /labels has %q: the spec does not page it", k)
		}
	}
	if full["id"] != "labels" || full["href"] != "http://example.com/cloudapi/v6/labels" {
		t.Errorf("collection id %v href %v", full["id"], full["href"])
	}
	_, web1 := defaultIDs(t, "production", "web-1")
	dcID, _ := defaultIDs(t, "production", "")
	first := path(t, full, "items", 0).(map[string]any)
	wantProps := map[string]any{"key": "env", "value": "production", "resourceId": web1, "resourceType": "server",
		"resourceHref": "http://example.com/cloudapi/v6/datacenters/" + dcID + "/servers/" + web1}
	if diff := cmp.Diff(wantProps, first["properties"]); diff != "" {
		t.Errorf("first label's properties (-want +got):\n%s", diff)
	}
	if first["href"] != "http://example.com/cloudapi/v6/labels/urn:label:server:"+web1+":env" || first["type"] != "label" {
		t.Errorf("first label %v", first)
	}
	meta := first["metadata"].(map[string]any)
	if _, ok := meta["state"]; ok || meta["etag"] == "" || meta["createdDate"] != "2024-01-15T09:31:00.000Z" {
		t.Errorf("metadata %v: want NoStateMetaData dated like its server", meta)
	}
	refs := get(t, s, "/cloudapi/v6/labels")
	for i, it := range path(t, refs, "items").([]any) {
		if m := it.(map[string]any); len(m) != 3 || m["type"] != "label" || m["id"] != strings.Split(want[i], "=")[0] {
			t.Errorf("depth 0 item %d: %v, want a reference", i, m)
		}
	}
}

// TestServerLabelsRoundTrip creates, reads, changes and deletes a label,
// and checks that every view of it agrees and that the server itself is
// untouched.
func TestServerLabelsRoundTrip(t *testing.T) {
	s, clock := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	urn := "/cloudapi/v6/labels/urn:label:server:" + srvID + ":owner"
	before := do(t, s, "GET", srv, testToken, "")
	serverEtag := before.Header().Get("ETag")

	if got := labelKV(t, get(t, s, srv+"/labels?depth=1")); !cmp.Equal(got, []string{"env=production", "role=web"}) {
		t.Fatalf("web-1's labels %v", got)
	}

	clock.Advance(time.Hour)
	created := do(t, s, "POST", srv+"/labels", testToken, `{"properties":{"key":"owner","value":"shop team"}}`)
	if created.Code != http.StatusCreated || created.Header().Get("Location") != "" {
		t.Fatalf("POST: %d Location %q: %s", created.Code, created.Header().Get("Location"), created.Body)
	}
	body := decodeMap(t, created.Body.Bytes())
	etag1 := path(t, body, "metadata", "etag").(string)
	when := formatTime(t0.Add(time.Hour))
	want := map[string]any{
		"id": "owner", "type": "label", "href": "http://example.com" + srv + "/labels/owner",
		"metadata": map[string]any{"etag": etag1, "createdDate": when, "createdBy": createdBy,
			"createdByUserId": s.def.userID, "lastModifiedDate": when, "lastModifiedBy": createdBy,
			"lastModifiedByUserId": s.def.userID},
		"properties": map[string]any{"key": "owner", "value": "shop team"},
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("201 body (-want +got):\n%s", diff)
	}
	if got := labelKV(t, get(t, s, srv+"/labels?depth=1")); !cmp.Equal(got, []string{"env=production", "owner=shop team", "role=web"}) {
		t.Errorf("after POST: %v, want the new label in key order", got)
	}
	one := do(t, s, "GET", srv+"/labels/owner", testToken, "")
	if one.Code != http.StatusOK || one.Header().Get("ETag") != etag1 {
		t.Errorf("GET the label: %d ETag %q, want %q", one.Code, one.Header().Get("ETag"), etag1)
	}
	if got := s.Snapshot().Datacenters[0].Servers[0].Labels; !cmp.Equal(got, map[string]string{"env": "production", "owner": "shop team", "role": "web"}) {
		t.Errorf("snapshot labels %v", got)
	}
	if n := len(requestsOf(t, s)); n != 0 {
		t.Errorf("a label write created %d requests", n)
	}

	clock.Advance(time.Minute)
	put := do(t, s, "PUT", srv+"/labels/owner", testToken, `{"properties":{"key":"owner","value":"payments"}}`)
	if put.Code != http.StatusOK {
		t.Fatalf("PUT: %d %s", put.Code, put.Body)
	}
	pm := decodeMap(t, put.Body.Bytes())
	etag2 := path(t, pm, "metadata", "etag").(string)
	if etag2 == etag1 || path(t, pm, "metadata", "createdDate") != when ||
		path(t, pm, "metadata", "lastModifiedDate") != formatTime(t0.Add(time.Hour+time.Minute)) || path(t, pm, "properties", "value") != "payments" {
		t.Errorf("PUT answer %v: want a new etag and lastModifiedDate, the same createdDate", pm)
	}
	all := get(t, s, "/cloudapi/v6/labels?depth=1&filter.key=owner")
	if got := labelKV(t, all); !cmp.Equal(got, []string{"urn:label:server:" + srvID + ":owner=payments"}) {
		t.Errorf("GET /labels after PUT: %v", got)
	}
	byURN := get(t, s, urn)
	if byURN["id"] != "urn:label:server:"+srvID+":owner" || path(t, byURN, "metadata", "etag") != etag2 || path(t, byURN, "properties", "value") != "payments" {
		t.Errorf("GET by URN: %v", byURN)
	}

	after := do(t, s, "GET", srv, testToken, "")
	if after.Header().Get("ETag") != serverEtag || after.Body.String() != before.Body.String() {
		t.Errorf("label writes changed the server (etag %q -> %q)", serverEtag, after.Header().Get("ETag"))
	}

	del := do(t, s, "DELETE", srv+"/labels/owner", testToken, "")
	if del.Code != http.StatusOK || del.Body.Len() != 0 {
		t.Fatalf("DELETE: %d %q, want 200 and no body", del.Code, del.Body)
	}
	checkError(t, do(t, s, "GET", srv+"/labels/owner", testToken, ""), 404, "309")
	checkError(t, do(t, s, "GET", urn, testToken, ""), 404, "309")
	if diff := cmp.Diff(allDefaultLabels(), labelKV(t, get(t, s, "/cloudapi/v6/labels?depth=1"))); diff != "" {
		t.Errorf("after DELETE (-want +got):\n%s", diff)
	}
	again := do(t, s, "POST", srv+"/labels", testToken, `{"properties":{"key":"owner","value":"shop team"}}`)
	if e := path(t, decodeMap(t, again.Body.Bytes()), "metadata", "etag"); again.Code != 201 || e == etag1 || e == etag2 {
		t.Errorf("created again: %d etag %v, want a new etag", again.Code, e)
	}

	st := s.Stats()
	for key, n := range map[string]int64{
		"POST /datacenters/{id}/servers/{id}/labels":        2,
		"PUT /datacenters/{id}/servers/{id}/labels/{id}":    1,
		"DELETE /datacenters/{id}/servers/{id}/labels/{id}": 1,
		"GET /datacenters/{id}/servers/{id}/labels/{id}":    2,
		"GET /labels/{id}": 2,
	} {
		if st.ByRoute[key] != n {
			t.Errorf("ByRoute[%q] = %d, want %d (all: %v)", key, st.ByRoute[key], n, st.ByRoute)
		}
	}
	if len(st.Writes) != 0 {
		t.Errorf("Writes %v: they list power actions only", st.Writes)
	}
}

func requestsOf(t *testing.T, s *Simulator) []any {
	t.Helper()
	return path(t, get(t, s, "/cloudapi/v6/requests"), "items").([]any)
}

// TestServerLabelErrors: every bad label call gets the IONOS error the
// simulator uses elsewhere and changes nothing.
func TestServerLabelErrors(t *testing.T) {
	other := dataset.Generate(dataset.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 1, Seed: 9})
	s, _ := newTestSim(t, Options{MaxBodyBytes: 1024, Accounts: []Account{{Token: "b", Dataset: other}}})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	stagingID, _ := defaultIDs(t, "staging", "")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	const unknownID = "00000000-0000-4000-8000-000000000000"
	label := func(key, value string) string {
		return fmt.Sprintf(`{"properties":{"key":%q,"value":%q}}`, key, value)
	}
	before := do(t, s, "GET", "/cloudapi/v6/labels?depth=1", testToken, "").Body.String()
	cases := []struct {
		name, method, target, token, body string
		status                            int
		code, says                        string
	}{
		{"no body", "POST", srv + "/labels", testToken, "", 422, "200", "properties.key is missing"},
		{"empty object", "POST", srv + "/labels", testToken, "{}", 422, "200", "properties.key is missing"},
		{"no value", "POST", srv + "/labels", testToken, `{"properties":{"key":"k"}}`, 422, "200", "properties.value is missing"},
		{"no key", "POST", srv + "/labels", testToken, `{"properties":{"value":"v"}}`, 422, "200", "properties.key is missing"},
		{"empty key", "POST", srv + "/labels", testToken, label("", "v"), 422, "200", "label key is missing"},
		{"space in key", "POST", srv + "/labels", testToken, label("my key", "v"), 422, "200", "only letters"},
		{"colon in key", "POST", srv + "/labels", testToken, label("a:b", "v"), 422, "200", "only letters"},
		{"slash in key", "POST", srv + "/labels", testToken, label("a/b", "v"), 422, "200", "only letters"},
		{"key starts with a dot", "POST", srv + "/labels", testToken, label(".k", "v"), 422, "200", "start with a letter or digit"},
		{"key too long", "POST", srv + "/labels", testToken, label(strings.Repeat("k", 129), "v"), 422, "200", "at most 128"},
		{"empty value", "POST", srv + "/labels", testToken, label("k", ""), 422, "200", "label value is missing"},
		{"blank value", "POST", srv + "/labels", testToken, label("k", "  "), 422, "200", "label value is missing"},
		{"newline in value", "POST", srv + "/labels", testToken, label("k", "a\nb"), 422, "200", "control character"},
		{"value too long", "POST", srv + "/labels", testToken, label("k", strings.Repeat("é", 257)), 422, "200", "at most 256"},
		{"existing key", "POST", srv + "/labels", testToken, label("env", "staging"), 422, "200", "already has a label"},
		{"key not a string", "POST", srv + "/labels", testToken, `{"properties":{"key":1,"value":"v"}}`, 422, "200", "Invalid label"},
		{"body an array", "POST", srv + "/labels", testToken, `[]`, 422, "200", "Invalid label"},
		{"body not JSON", "POST", srv + "/labels", testToken, `key=v`, 400, "100", "not valid JSON"},
		{"body too large", "POST", srv + "/labels", testToken, label("k", strings.Repeat("v", 1100)), 413, "102", "larger than"},
		{"unknown server", "POST", "/cloudapi/v6/datacenters/" + dcID + "/servers/" + unknownID + "/labels", testToken, label("k", "v"), 404, "309", "does not exist"},
		{"server of another dc", "POST", "/cloudapi/v6/datacenters/" + stagingID + "/servers/" + srvID + "/labels", testToken, label("k", "v"), 404, "309", "does not exist"},
		{"server of another account", "POST", srv + "/labels", "b", label("k", "v"), 404, "309", "does not exist"},
		{"malformed server id", "POST", "/cloudapi/v6/datacenters/" + dcID + "/servers/web-1/labels", testToken, label("k", "v"), 404, "309", "does not exist"},
		{"list of unknown server", "GET", "/cloudapi/v6/datacenters/" + dcID + "/servers/" + unknownID + "/labels", testToken, "", 404, "309", "does not exist"},
		{"PUT unknown key", "PUT", srv + "/labels/owner", testToken, label("owner", "v"), 404, "309", "does not exist"},
		{"PUT other key", "PUT", srv + "/labels/env", testToken, label("stage", "v"), 422, "200", "cannot change"},
		{"PUT no value", "PUT", srv + "/labels/env", testToken, `{"properties":{"key":"env"}}`, 422, "200", "properties.value is missing"},
		{"PUT bad value", "PUT", srv + "/labels/env", testToken, label("env", "a\tb"), 422, "200", "control character"},
		{"PUT of another account", "PUT", srv + "/labels/env", "b", label("env", "v"), 404, "309", "does not exist"},
		{"DELETE unknown key", "DELETE", srv + "/labels/owner", testToken, "", 404, "309", "does not exist"},
		{"DELETE key of other case", "DELETE", srv + "/labels/ENV", testToken, "", 404, "309", "does not exist"},
		{"GET unknown key", "GET", srv + "/labels/owner", testToken, "", 404, "309", "does not exist"},
		{"URN of unknown server", "GET", "/cloudapi/v6/labels/urn:label:server:" + unknownID + ":env", testToken, "", 404, "309", "does not exist"},
		{"URN of a data center", "GET", "/cloudapi/v6/labels/urn:label:datacenter:" + dcID + ":env", testToken, "", 404, "309", "does not exist"},
		{"URN of unknown key", "GET", "/cloudapi/v6/labels/urn:label:server:" + srvID + ":owner", testToken, "", 404, "309", "does not exist"},
		{"URN of another account", "GET", "/cloudapi/v6/labels/urn:label:server:" + srvID + ":env", "b", "", 404, "309", "does not exist"},
		{"not a URN", "GET", "/cloudapi/v6/labels/env", testToken, "", 422, "200", "Invalid label URN"},
		{"URN without key", "GET", "/cloudapi/v6/labels/urn:label:server:" + srvID, testToken, "", 422, "200", "Invalid label URN"},
		{"URN with empty key", "GET", "/cloudapi/v6/labels/urn:label:server:" + srvID + ":", testToken, "", 422, "200", "Invalid label URN"},
		{"URN with bad id", "GET", "/cloudapi/v6/labels/urn:label:server:web-1:env", testToken, "", 422, "200", "Invalid label URN"},
		{"URN of another scheme", "GET", "/cloudapi/v6/labels/urn:tag:server:" + srvID + ":env", testToken, "", 422, "200", "Invalid label URN"},
		{"orderBy unknown", "GET", "/cloudapi/v6/labels?orderBy=colour", testToken, "", 422, "200", "'orderBy'"},
		{"maxResults zero", "GET", "/cloudapi/v6/labels?maxResults=0", testToken, "", 422, "200", "'maxResults'"},
		{"limit zero", "GET", srv + "/labels?limit=0", testToken, "", 422, "200", "'limit'"},
		{"no token", "POST", srv + "/labels", "", label("k", "v"), 401, "315", "Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, s, c.method, c.target, c.token, c.body)
			checkError(t, rec, c.status, c.code)
			if msg := path(t, decodeMap(t, rec.Body.Bytes()), "messages", 0, "message").(string); !strings.Contains(msg, c.says) {
				t.Errorf("message %q does not say %q", msg, c.says)
			}
		})
	}
	if after := do(t, s, "GET", "/cloudapi/v6/labels?depth=1", testToken, "").Body.String(); after != before {
		t.Error("bad calls changed the labels")
	}
	if n := len(s.Stats().Writes); n != 0 {
		t.Errorf("%d writes", n)
	}
}

// TestLabelListModifiers: filter.*, orderBy and maxResults on both label
// lists; paging on a server's.
func TestLabelListModifiers(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	_, prodWeb1 := defaultIDs(t, "production", "web-1")
	_, prodWeb2 := defaultIDs(t, "production", "web-2")
	_, stagingWeb1 := defaultIDs(t, "staging", "web-1")
	stagingID, runner := defaultIDs(t, "staging", "build-runner")
	urn := func(id, key string) string { return "urn:label:server:" + id + ":" + key }
	cases := []struct {
		query string
		want  []string
	}{
		{"depth=1&filter.key=role&filter.value=web", []string{urn(prodWeb1, "role") + "=web", urn(prodWeb2, "role") + "=web", urn(stagingWeb1, "role") + "=web"}},
		{"depth=1&filter.resourceId=" + stagingWeb1, []string{urn(stagingWeb1, "env") + "=staging", urn(stagingWeb1, "role") + "=web"}},
		{"maxResults=3", []string{urn(prodWeb1, "env") + "=", urn(prodWeb1, "role") + "=", urn(prodWeb2, "env") + "="}},
		{"depth=1&maxResults=4&filter.key=env", []string{urn(prodWeb1, "env") + "=production", urn(prodWeb2, "env") + "=production"}},
		{"depth=1&filter.createdDate=2024-01-15T09:31", []string{urn(prodWeb1, "env") + "=production", urn(prodWeb1, "role") + "=web"}},
		{"depth=1&filter.state=AVAILABLE", nil}, // labels have no state
		{"depth=1&filter.nothing=x", nil},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, labelKV(t, get(t, s, "/cloudapi/v6/labels?"+c.query))); diff != "" {
			t.Errorf("/labels?%s (-want +got):\n%s", c.query, diff)
		}
	}
	var values []string
	for _, line := range labelKV(t, get(t, s, "/cloudapi/v6/labels?depth=1&filter.key=role&orderBy=value")) {
		values = append(values, strings.SplitN(line, "=", 2)[1])
	}
	if want := "batch build cache db dev etl gpu gpu notebook report web web web"; strings.Join(values, " ") != want {
		t.Errorf("roles by value: %v, want %s", values, want)
	}

	srv := "/cloudapi/v6/datacenters/" + stagingID + "/servers/" + runner + "/labels"
	if got := labelKV(t, get(t, s, srv+"?depth=1&orderBy=value")); !cmp.Equal(got, []string{"role=build", "env=staging"}) {
		t.Errorf("build-runner's labels by value: %v", got)
	}
	if got := labelKV(t, get(t, s, srv+"?depth=1&filter.value=stag")); !cmp.Equal(got, []string{"env=staging"}) {
		t.Errorf("filter.value=stag: %v", got)
	}
	page := get(t, s, srv+"?depth=1&limit=1")
	next, _ := path(t, page, "_links").(map[string]any)["next"].(string)
	if got := labelKV(t, page); !cmp.Equal(got, []string{"env=staging"}) || !strings.HasSuffix(next, "/labels?depth=1&offset=1&limit=1") {
		t.Errorf("first page %v, next %q", got, next)
	}
	if got := labelKV(t, get(t, s, srv+"?depth=1&offset=1&limit=1")); !cmp.Equal(got, []string{"role=build"}) {
		t.Errorf("second page %v", got)
	}
}

// TestLabelFaults: label calls meet the faults every call meets. A 502
// after a write hides a write that happened; a status fault does no work.
func TestLabelFaults(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{
		{Kind: FaultHTML502, Method: "POST", Path: "/datacenters/*/labels", Count: 1},
		{Kind: FaultHTML502, Method: "PUT", Path: "*/labels/env", Count: 1},
		{Kind: FaultStatus, Status: 503, Method: "DELETE", Path: "*/labels/*", Count: 1},
		{Kind: FaultStatus, Status: 429, RetryAfter: 2, Path: "/labels", Count: 1},
	}})
	dcID, srvID := defaultIDs(t, "production", "db-1")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	rec := do(t, s, "POST", srv+"/labels", testToken, `{"properties":{"key":"backup","value":"nightly"}}`)
	if rec.Code != http.StatusBadGateway || rec.Header().Get("Content-Type") != "text/html" {
		t.Fatalf("POST under html502: %d %s", rec.Code, rec.Body)
	}
	rec = do(t, s, "PUT", srv+"/labels/env", testToken, `{"properties":{"value":"prod"}}`)
	if rec.Code != http.StatusBadGateway {
		t.Fatalf("PUT under html502: %d %s", rec.Code, rec.Body)
	}
	checkError(t, do(t, s, "DELETE", srv+"/labels/backup", testToken, ""), 503, "503")
	limited := do(t, s, "GET", "/cloudapi/v6/labels", testToken, "")
	checkError(t, limited, 429, "429")
	if limited.Header().Get("Retry-After") != "2" {
		t.Errorf("Retry-After %q", limited.Header().Get("Retry-After"))
	}
	if got := labelKV(t, get(t, s, srv+"/labels?depth=1")); !cmp.Equal(got, []string{"backup=nightly", "env=prod", "role=db"}) {
		t.Errorf("labels %v: want the POST and the PUT executed, the DELETE not", got)
	}
	for _, f := range s.Faults() {
		if f.Fired != 1 {
			t.Errorf("fault %s fired %d times", f, f.Fired)
		}
	}
}

// TestLabelDropAfterDelete: a dropped connection after a DELETE leaves the
// label deleted, as after a POST.
func TestLabelDropAfterDelete(t *testing.T) {
	srv, err := Start(Options{Token: testToken, Clock: NewManualClock(t0), Faults: []Fault{
		{Kind: FaultDrop, Method: "DELETE", Path: "*/labels/role", After: true, Count: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	dcID, srvID := defaultIDs(t, "analytics", "jupyter")
	target := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/labels"
	req, _ := http.NewRequest("DELETE", srv.URL+target+"/role", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Logf("transport error %v", err)
	}
	if got := labelKV(t, get(t, srv, target+"?depth=1")); !cmp.Equal(got, []string{"env=analytics"}) {
		t.Errorf("labels %v: want role deleted", got)
	}
}

// TestLabelWritesConcurrently: label writes and label reads of many
// clients at once; run with -race. Each writer owns its keys, so the end
// state is known.
func TestLabelWritesConcurrently(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-2")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/labels"
	const writers, rounds = 4, 15
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range rounds {
				key := fmt.Sprintf("w%d-%d", w, i)
				mustStatus(t, s, "POST", srv, `{"properties":{"key":"`+key+`","value":"alpha"}}`, 201)
				mustStatus(t, s, "PUT", srv+"/"+key, `{"properties":{"value":"omega"}}`, 200)
				if i%2 == 0 {
					mustStatus(t, s, "DELETE", srv+"/"+key, "", 200)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range rounds {
				mustStatus(t, s, "GET", "/cloudapi/v6/labels?depth=1&filter.value=omega", "", 200)
				mustStatus(t, s, "GET", srv+"?depth=1", "", 200)
			}
		}()
	}
	wg.Wait()
	got := labelKV(t, get(t, s, srv+"?depth=1&filter.value=omega"))
	if want := writers * (rounds / 2); len(got) != want { // the odd rounds' keys
		t.Errorf("%d labels left with value omega, want %d: %v", len(got), want, got)
	}
}

// mustStatus makes one call from any goroutine and reports a wrong status.
func mustStatus(t *testing.T, h http.Handler, method, target, body string, want int) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		t.Errorf("%s %s: %d, want %d: %s", method, target, rec.Code, want, rec.Body)
	}
}

// TestLabelsOfGeneratedAccount: a generated account serves its labels, and
// selecting servers by them has matches and non-matches.
func TestLabelsOfGeneratedAccount(t *testing.T) {
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 3, ServersPerDatacenter: 40, Seed: 11})
	s, _ := newTestSim(t, Options{Dataset: d})
	all := path(t, get(t, s, "/cloudapi/v6/labels"), "items").([]any)
	if len(all) != 2*d.ServerCount() {
		t.Fatalf("%d labels for %d servers", len(all), d.ServerCount())
	}
	web := labelKV(t, get(t, s, "/cloudapi/v6/labels?depth=1&filter.key=role&filter.value=web"))
	if len(web) == 0 || len(web) == d.ServerCount() {
		t.Errorf("%d of %d servers have role=web, want some but not all", len(web), d.ServerCount())
	}
	dc := d.Datacenters[1]
	env := dc.Servers[0].Labels["env"]
	got := labelKV(t, get(t, s, "/cloudapi/v6/datacenters/"+dc.ID+"/servers/"+dc.Servers[7].ID+"/labels?depth=1"))
	if want := []string{"env=" + env, "role=" + dc.Servers[7].Labels["role"]}; !cmp.Equal(got, want) {
		t.Errorf("labels of %s: %v, want %v", dc.Servers[7].Name, got, want)
	}
}

// TestGatewayTimeoutAfterLabelWrite: a label PUT held past the gateway
// timeout gets the gateway's 504, and the label was changed all the same.
func TestGatewayTimeoutAfterLabelWrite(t *testing.T) {
	s, rec := costSim(t, Options{Faults: []Fault{{Kind: FaultLatency, Method: "PUT", Latency: 2 * time.Minute}}})
	dcID, srvID := defaultIDs(t, "staging", "dev-cube")
	target := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/labels"
	resp := do(t, s, http.MethodPut, target+"/role", testToken, `{"properties":{"value":"sandbox"}}`)
	if resp.Code != http.StatusGatewayTimeout || !strings.HasPrefix(resp.Body.String(), "<html>") {
		t.Fatalf("got %d: %s", resp.Code, resp.Body)
	}
	if got := rec.total(); got != DefaultGatewayTimeout {
		t.Errorf("held %v, want the gateway timeout %v", got, DefaultGatewayTimeout)
	}
	if got := labelKV(t, get(t, s, target+"?depth=1")); !cmp.Equal(got, []string{"env=staging", "role=sandbox"}) {
		t.Errorf("labels %v: want the PUT executed", got)
	}
}
