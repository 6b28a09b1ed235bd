package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

func TestControlFaults(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	put := do(t, s, "PUT", "/_sim/faults", testToken, `[{"kind":"status","status":503,"count":1},{"kind":"latency","latency":"1ms"}]`)
	if put.Code != 200 {
		t.Fatalf("PUT: %d %s", put.Code, put.Body)
	}
	checkError(t, do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, ""), 503, "503")
	var listed []Fault
	if err := json.Unmarshal(do(t, s, "GET", "/_sim/faults", testToken, "").Body.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	want := []Fault{{Kind: FaultStatus, Status: 503, Count: 1, Fired: 1}, {Kind: FaultLatency, Latency: time.Millisecond, Fired: 1}}
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("GET /_sim/faults (-want +got):\n%s", diff)
	}
	if rec := do(t, s, "POST", "/_sim/faults", testToken, `{"kind":"fail"}`); rec.Code != 200 || len(s.Faults()) != 3 {
		t.Errorf("POST: %d, %d faults", rec.Code, len(s.Faults()))
	}
	if rec := do(t, s, "DELETE", "/_sim/faults", testToken, ""); rec.Code != 200 || len(s.Faults()) != 0 {
		t.Errorf("DELETE: %d, %d faults", rec.Code, len(s.Faults()))
	}
}

func TestControlRejectsBadFaults(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultFail}}})
	for _, c := range []struct{ method, body, want string }{
		{"PUT", `{"kind":"fail"}`, "invalid JSON"},
		{"PUT", `[{"kind":"status","status":99}]`, "400..599"},
		{"PUT", `[{"kind":"fail","colour":"red"}]`, "unknown field"},
		{"POST", ``, "empty body"},
		{"POST", `{"kind":"fail"} {}`, "unexpected data"},
		{"POST", `{"kind":"latency"}`, "needs latency"},
	} {
		rec := do(t, s, c.method, "/_sim/faults", testToken, c.body)
		checkError(t, rec, 400, "100")
		if !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s %s: %s, want a message with %q", c.method, c.body, rec.Body, c.want)
		}
	}
	if len(s.Faults()) != 1 {
		t.Errorf("a rejected change altered the faults: %+v", s.Faults())
	}
}

// TestControlNeedsDefaultToken: another account cannot drive the simulator.
func TestControlNeedsDefaultToken(t *testing.T) {
	s, _ := newTestSim(t, Options{Accounts: []Account{{Token: "other"}}})
	checkError(t, do(t, s, "GET", "/_sim/stats", "other", ""), 401, "315")
}

func TestControlStatsAndDataset(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	get(t, s, "/cloudapi/v6/datacenters?depth=1")
	post(t, s, dcID, srvID, "stop")
	var st Stats
	if err := json.Unmarshal(do(t, s, "GET", "/_sim/stats", testToken, "").Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Requests != 2 || st.ByRoute["GET /datacenters"] != 1 || st.ByRoute["POST /datacenters/{id}/servers/{id}/stop"] != 1 || len(st.Writes) != 1 {
		t.Errorf("stats %+v", st)
	}
	if rec := do(t, s, "DELETE", "/_sim/stats", testToken, ""); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE /_sim/stats: %d", rec.Code)
	}
	if st := s.Stats(); st.Requests != 0 || len(st.Writes) != 0 || len(st.ByRoute) != 0 {
		t.Errorf("after reset: %+v", st)
	}
	rec := do(t, s, "GET", "/_sim/dataset", testToken, "")
	d, err := dataset.Load(rec.Body)
	if err != nil || len(d.Datacenters) != 3 {
		t.Fatalf("GET /_sim/dataset: %v", err)
	}
}

func TestStatsRouteKeys(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	srv := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID
	id := post(t, s, dcID, srvID, "reboot")
	for _, target := range []string{"/cloudapi/v6/", "/cloudapi/v6/datacenters", "/cloudapi/v6/datacenters/" + dcID,
		"/cloudapi/v6/datacenters/" + dcID + "/servers", srv, "/cloudapi/v6/requests", "/cloudapi/v6/requests/" + id,
		"/cloudapi/v6/requests/" + id + "/status"} {
		get(t, s, target)
	}
	do(t, s, "GET", "/cloudapi/v6/datacenters", "", "")    // 401: still counted
	do(t, s, "DELETE", srv, testToken, "")                 // 405
	do(t, s, "GET", "/cloudapi/v6/nowhere", testToken, "") // unknown: Requests only
	want := map[string]int64{
		"GET /": 1, "GET /datacenters": 2, "GET /datacenters/{id}": 1, "GET /datacenters/{id}/servers": 1,
		"GET /datacenters/{id}/servers/{id}": 1, "POST /datacenters/{id}/servers/{id}/reboot": 1,
		"GET /requests": 1, "GET /requests/{id}": 1, "GET /requests/{id}/status": 1,
		"DELETE /datacenters/{id}/servers/{id}": 1,
	}
	st := s.Stats()
	if diff := cmp.Diff(want, st.ByRoute); diff != "" {
		t.Errorf("ByRoute (-want +got):\n%s", diff)
	}
	if st.Requests != 12 {
		t.Errorf("Requests %d, want 12", st.Requests)
	}
}

// TestStatsBytes: the body bytes sent, in total and by route, for served,
// failed and not simulated calls alike.
func TestStatsBytes(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	sizes := map[string]int64{}
	for _, c := range []struct{ method, target, key string }{
		{"GET", "/cloudapi/v6/datacenters?depth=3", "GET /datacenters"},
		{"GET", "/cloudapi/v6/datacenters?depth=1", "GET /datacenters"},
		{"GET", "/cloudapi/v6/datacenters/" + dcID + "/lans/2", "GET /datacenters/{id}/lans/{id}"},
		{"POST", "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/stop", "POST /datacenters/{id}/servers/{id}/stop"},
		{"GET", "/cloudapi/v6/ipblocks", "GET /ipblocks"},
		{"GET", "/cloudapi/v6/datacenters/" + dcID + "/servers/00000000-0000-4000-8000-000000000000", "GET /datacenters/{id}/servers/{id}"},
	} {
		rec := do(t, s, c.method, c.target, testToken, "")
		sizes[c.key] += int64(rec.Body.Len())
	}
	unknown := do(t, s, "GET", "/cloudapi/v6/nowhere", testToken, "") // counted in the total only
	st := s.Stats()
	var total int64
	for _, n := range sizes {
		total += n
	}
	if st.Bytes != total+int64(unknown.Body.Len()) {
		t.Errorf("Bytes %d, want %d", st.Bytes, total+int64(unknown.Body.Len()))
	}
	delete(sizes, "POST /datacenters/{id}/servers/{id}/stop") // 202: no body, no entry
	if diff := cmp.Diff(sizes, st.BytesByRoute); diff != "" {
		t.Errorf("BytesByRoute (-want +got):\n%s", diff)
	}
	s.ResetStats()
	if st := s.Stats(); st.Bytes != 0 || len(st.BytesByRoute) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}
