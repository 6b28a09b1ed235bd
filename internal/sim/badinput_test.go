package sim

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// TestBadInput: every malformed call gets an IONOS error, never a 200 and
// never a panic.
func TestBadInput(t *testing.T) {
	s, _ := newTestSim(t, Options{MaxBodyBytes: 64})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	dc := "/cloudapi/v6/datacenters/" + dcID
	srv := dc + "/servers/" + srvID
	const unknownID = "00000000-0000-4000-8000-000000000000"
	cases := []struct {
		name, method, target, token, body string
		status                            int
		code                              string
	}{
		{"no token", "GET", "/cloudapi/v6/datacenters", "", "", 401, "315"},
		{"wrong token", "GET", "/cloudapi/v6/datacenters", "wrong", "", 401, "315"},
		{"token prefix", "GET", "/cloudapi/v6/datacenters", testToken[:4], "", 401, "315"},
		{"unknown datacenter", "GET", "/cloudapi/v6/datacenters/" + unknownID, testToken, "", 404, "309"},
		{"unknown server", "GET", dc + "/servers/" + unknownID, testToken, "", 404, "309"},
		{"server of another dc", "GET", "/cloudapi/v6/datacenters/" + dataset.NameUUID("default-dataset", "staging") + "/servers/" + srvID, testToken, "", 404, "309"},
		{"unknown request", "GET", "/cloudapi/v6/requests/" + unknownID, testToken, "", 404, "309"},
		{"malformed dc id", "GET", "/cloudapi/v6/datacenters/abc", testToken, "", 404, "309"},
		{"dot dot", "GET", "/cloudapi/v6/datacenters/../servers", testToken, "", 404, "309"},
		{"encoded dot dot", "GET", "/cloudapi/v6/datacenters/%2e%2e/servers", testToken, "", 404, "309"},
		{"encoded junk", "GET", "/cloudapi/v6/datacenters/%00%ff%2F", testToken, "", 404, "309"},
		{"empty id", "GET", "/cloudapi/v6/datacenters//servers", testToken, "", 404, "309"},
		{"malformed request id", "GET", "/cloudapi/v6/requests/xyz/status", testToken, "", 404, "309"},
		{"unknown path", "GET", "/cloudapi/v6/volumes", testToken, "", 404, "309"},
		{"unknown sub path", "GET", srv + "/nothing", testToken, "", 404, "309"},
		{"unknown volume", "GET", dc + "/volumes/" + unknownID, testToken, "", 404, "309"},
		{"volume of another server", "GET", srv + "/volumes/" + dataset.NameUUID("default-dataset", "production", "web-2", "volume", "boot"), testToken, "", 404, "309"},
		{"LAN id not a number", "GET", dc + "/lans/abc", testToken, "", 404, "309"},
		{"LAN id zero", "GET", dc + "/lans/0", testToken, "", 404, "309"},
		{"unknown LAN", "GET", dc + "/lans/7", testToken, "", 404, "309"},
		{"NIC of another LAN", "GET", dc + "/lans/2/nics/" + dataset.NameUUID("default-dataset", "production", "web-1", "nic", "0"), testToken, "", 404, "309"},
		{"no firewall rules", "GET", srv + "/nics/" + dataset.NameUUID("default-dataset", "production", "web-1", "nic", "0") + "/firewallrules/" + unknownID, testToken, "", 404, "309"},
		{"unknown image", "GET", "/cloudapi/v6/images/" + unknownID, testToken, "", 404, "309"},
		{"no NAT gateways", "GET", dc + "/natgateways/" + unknownID, testToken, "", 404, "309"},
		{"unknown action", "POST", srv + "/explode", testToken, "", 404, "309"},
		{"too deep", "GET", srv + "/stop/now/please", testToken, "", 404, "309"},
		{"other version", "GET", "/cloudapi/v5/datacenters", testToken, "", 404, "309"},
		{"root", "GET", "/", testToken, "", 404, "309"},
		{"GET an action", "GET", srv + "/stop", testToken, "", 405, "101"},
		{"POST a server", "POST", srv, testToken, "", 405, "101"},
		{"PATCH an action", "PATCH", srv + "/stop", testToken, "", 405, "101"},
		{"DELETE a server", "DELETE", srv, testToken, "", 501, "501"},
		{"create a volume", "POST", dc + "/volumes", testToken, "{}", 501, "501"},
		{"IP blocks", "GET", "/cloudapi/v6/ipblocks", testToken, "", 501, "501"},
		{"IP block with any id", "GET", "/cloudapi/v6/ipblocks/abc", testToken, "", 501, "501"},
		{"DELETE datacenters", "DELETE", "/cloudapi/v6/datacenters", testToken, "", 405, "101"},
		{"depth word", "GET", dc + "?depth=deep", testToken, "", 400, "100"},
		{"depth float", "GET", dc + "?depth=1.5", testToken, "", 400, "100"},
		{"depth empty", "GET", dc + "?depth=", testToken, "", 400, "100"},
		{"offset word", "GET", "/cloudapi/v6/datacenters?offset=x", testToken, "", 400, "100"},
		{"limit word", "GET", "/cloudapi/v6/datacenters?limit=all", testToken, "", 400, "100"},
		{"pretty word", "GET", dc + "?pretty=maybe", testToken, "", 400, "100"},
		{"bad query escape", "GET", dc + "?depth=%zz", testToken, "", 400, "100"},
		{"bad createdAfter", "GET", "/cloudapi/v6/requests?filter.createdAfter=yesterday", testToken, "", 400, "100"},
		{"depth negative", "GET", dc + "?depth=-1", testToken, "", 422, "200"},
		{"depth 11", "GET", dc + "?depth=11", testToken, "", 422, "200"},
		{"depth huge", "GET", dc + "?depth=99999999999", testToken, "", 422, "200"},
		{"offset negative", "GET", "/cloudapi/v6/datacenters?offset=-1", testToken, "", 422, "200"},
		{"limit zero", "GET", "/cloudapi/v6/datacenters?limit=0", testToken, "", 422, "200"},
		{"limit too big", "GET", "/cloudapi/v6/requests?limit=10001", testToken, "", 422, "200"},
		{"bad filter.status", "GET", "/cloudapi/v6/requests?filter.status=SLEEPING", testToken, "", 422, "200"},
		{"body not JSON", "POST", srv + "/stop", testToken, "stop it!", 400, "100"},
		{"body too large", "POST", srv + "/stop", testToken, `{"x":"` + strings.Repeat("a", 100) + `"}`, 413, "102"},
		{"control without token", "GET", "/_sim/faults", "", "", 401, "315"},
		{"control unknown", "GET", "/_sim/nothing", testToken, "", 404, "309"},
		{"control wrong method", "PATCH", "/_sim/faults", testToken, "", 405, "101"},
		{"control bad JSON", "PUT", "/_sim/faults", testToken, "[{", 400, "100"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, s, c.method, c.target, c.token, c.body)
			checkError(t, rec, c.status, c.code)
			if c.status == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
	if n := len(s.Stats().Writes); n != 0 {
		t.Errorf("%d writes executed by bad calls", n)
	}
}

func checkError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	m := decodeMap(t, rec.Body.Bytes())
	if got := path(t, m, "httpStatus"); got != float64(status) {
		t.Errorf("httpStatus %v, want %d", got, status)
	}
	if got := path(t, m, "messages", 0, "errorCode"); got != code {
		t.Errorf("errorCode %v, want %s (message %v)", got, code, path(t, m, "messages", 0, "message"))
	}
	if msg, _ := path(t, m, "messages", 0, "message").(string); msg == "" {
		t.Error("empty message")
	}
}

// TestExactUnauthorizedBody pins the one error body the contract spells out.
func TestExactUnauthorizedBody(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters", "nope", "")
	if got, want := rec.Body.String(), `{"httpStatus":401,"messages":[{"errorCode":"315","message":"Unauthorized"}]}`; got != want {
		t.Errorf("401 body %s, want %s", got, want)
	}
}

// TestParameterErrorsNameTheParameter: the message says what to fix.
func TestParameterErrorsNameTheParameter(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	for param, query := range map[string]string{"depth": "depth=11", "limit": "limit=0", "offset": "offset=x", "pretty": "pretty=2"} {
		rec := do(t, s, "GET", "/cloudapi/v6/datacenters?"+query, testToken, "")
		if msg := path(t, decodeMap(t, rec.Body.Bytes()), "messages", 0, "message").(string); !strings.Contains(msg, "'"+param+"'") {
			t.Errorf("%s: message %q does not name the parameter", query, msg)
		}
	}
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters?depth=11", testToken, "")
	if msg := rec.Body.String(); !strings.Contains(msg, "0 and 10") {
		t.Errorf("range missing from %s", msg)
	}
}

func TestGoodInputVariants(t *testing.T) {
	s, _ := newTestSim(t, Options{Username: "alice", Password: "secret"})
	dcID, srvID := defaultIDs(t, "production", "web-1")
	for _, target := range []string{
		"/cloudapi/v6/datacenters/",                         // trailing slash
		"/cloudapi/v6/datacenters/" + strings.ToUpper(dcID), // upper-case id
		"/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "?depth=10&pretty=0",
		"/cloudapi/v6", // API info without slash
	} {
		rec := do(t, s, "GET", target, testToken, "")
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest("GET", "/cloudapi/v6/datacenters", nil)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("alice:secret")))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("Basic auth: %d", rec.Code)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("alice:wrong")))
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("Basic auth with a wrong password: %d", rec.Code)
	}
	post := do(t, s, "POST", "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/reboot", testToken, "{}")
	if post.Code != http.StatusAccepted {
		t.Errorf("POST with a {} body: %d %s", post.Code, post.Body)
	}
}
