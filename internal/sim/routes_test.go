package sim

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSpecRoutesMatchSpec keeps the generated table in step with the spec
// copy: after the spec changes, run go generate ./internal/sim/.
func TestSpecRoutesMatchSpec(t *testing.T) {
	doc, _ := loadSpec(t)
	want := map[string]string{}
	for p, item := range doc.Paths.Map() {
		var methods []string
		for m := range item.Operations() {
			methods = append(methods, strings.ToUpper(m))
		}
		slices.Sort(methods)
		want[p] = strings.Join(methods, " ")
	}
	got := map[string]string{}
	for _, r := range specRoutes {
		got[r.path] = r.methods
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("specRoutes differ from %s (-spec +table); run go generate:\n%s", specPath, diff)
	}
}

// TestSimulatedRoutesAreInTheSpec: the simulator serves nothing the API
// does not have, with the method the API takes.
func TestSimulatedRoutesAreInTheSpec(t *testing.T) {
	for _, sr := range simRoutes {
		nd := routeTree.match(strings.Split(strings.Trim(sr.path, "/"), "/"))
		if sr.path == "/" {
			nd = routeTree
		}
		if nd == nil || nd.spec == nil || !nd.spec.has(sr.kind.method()) {
			t.Errorf("%s %s is not an operation of the spec", sr.kind.method(), sr.path)
		}
	}
}

// TestNotImplemented: what the API has and the simulator does not model
// answers 501 with an IONOS error that names the endpoint; a method the
// API does not take is a 405; a path it does not have is a 404.
func TestNotImplemented(t *testing.T) {
	f := newSpecFixture(t)
	before := len(f.sim.Stats().Writes)
	dc := "/cloudapi/v6/datacenters/" + f.prod
	srv := dc + "/servers/" + f.web1
	cases := []struct {
		method, target string
		status         int
		names          string // what the message must name
	}{
		{http.MethodGet, "/cloudapi/v6/ipblocks", 501, "GET /ipblocks"},
		{http.MethodPost, "/cloudapi/v6/datacenters", 501, "POST /datacenters"},
		{http.MethodDelete, srv, 501, "DELETE /datacenters/{datacenterId}/servers/{serverId}"},
		{http.MethodPost, dc + "/volumes", 501, "POST /datacenters/{datacenterId}/volumes"},
		{http.MethodPatch, dc + "/lans/1", 501, "PATCH /datacenters/{datacenterId}/lans/{lanId}"},
		{http.MethodGet, dc + "/natgateways/" + f.web1 + "/rules", 501, "GET /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules"},
		{http.MethodGet, dc + "/labels", 501, "GET /datacenters/{datacenterId}/labels"},
		{http.MethodPut, dc + "/labels/env", 501, "PUT /datacenters/{datacenterId}/labels/{key}"},
		{http.MethodPost, dc + "/volumes/" + f.web1 + "/labels", 501, "POST /datacenters/{datacenterId}/volumes/{volumeId}/labels"},
		{http.MethodGet, "/cloudapi/v6/ipblocks/" + f.web1 + "/labels", 501, "GET /ipblocks/{ipblockId}/labels"},
		{http.MethodDelete, "/cloudapi/v6/snapshots/" + f.web1 + "/labels/env", 501, "DELETE /snapshots/{snapshotId}/labels/{key}"},
		{http.MethodGet, srv + "/remoteconsole", 501, "remoteconsole"},
		{http.MethodGet, "/cloudapi/v6/k8s/versions/default", 501, "GET /k8s/versions/default"},
		{http.MethodGet, "/cloudapi/v6/k8s/versions", 501, "GET /k8s/versions"},
		{http.MethodGet, "/cloudapi/v6/k8s/" + f.web1 + "/kubeconfig", 501, "GET /k8s/{k8sClusterId}/kubeconfig"},
		{http.MethodGet, "/cloudapi/v6/locations/de/fra", 501, "GET /locations/{regionId}/{locationId}"},
		{http.MethodGet, "/cloudapi/v6/images", 501, "GET /images"},
		{http.MethodGet, "/cloudapi/v6/um/users", 501, "GET /um/users"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			rec := f.exchange(t, c.method, c.target, testToken, c.status)
			checkError(t, rec, 501, "501")
			msg := path(t, decodeMap(t, rec.Body.Bytes()), "messages", 0, "message").(string)
			if !strings.Contains(msg, c.names) || !strings.Contains(msg, "does not model") || !strings.Contains(msg, "power actions") {
				t.Errorf("message %q should say the simulator does not model %s and what it models", msg, c.names)
			}
		})
	}
	s := f.sim
	for _, c := range []struct {
		method, target, allow string
	}{
		{http.MethodPost, srv, "DELETE, GET, PATCH, PUT"},
		{http.MethodDelete, "/cloudapi/v6/datacenters", "GET, POST"},
		{http.MethodGet, srv + "/stop", "POST"},
		{http.MethodPut, dc + "/lans/1/nics/" + f.web1, "GET"},
		{http.MethodPut, srv + "/labels", "GET, POST"},
		{http.MethodPost, srv + "/labels/env", "DELETE, GET, PUT"},
		{http.MethodPost, "/cloudapi/v6/labels", "GET"},
		{http.MethodDelete, "/cloudapi/v6/labels/urn:label:server:" + f.web1 + ":env", "GET"},
	} {
		rec := do(t, s, c.method, c.target, testToken, "")
		checkError(t, rec, 405, "101")
		if got := rec.Header().Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.target, got, c.allow)
		}
		validateAgainstError(t, rec)
	}
	for _, target := range []string{"/cloudapi/v6/volumes", dc + "/things", srv + "/stop/now", "/cloudapi/v6/k8s//kubeconfig"} {
		checkError(t, do(t, s, http.MethodGet, target, testToken, ""), 404, "309")
	}
	if n := len(s.Stats().Writes) - before; n != 0 {
		t.Errorf("%d writes executed", n)
	}
	if st := s.Stats(); st.ByRoute["GET /ipblocks"] != 1 || st.ByRoute["DELETE /datacenters/{id}/servers/{id}"] != 1 {
		t.Errorf("501 calls in stats: %v", st.ByRoute)
	}
}
