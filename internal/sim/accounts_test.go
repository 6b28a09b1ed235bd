package sim

import (
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// TestAccountsAreIsolated: each account sees its own data and requests.
func TestAccountsAreIsolated(t *testing.T) {
	other := dataset.Generate(dataset.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 2, Seed: 9})
	s, _ := newTestSim(t, Options{Accounts: []Account{{Token: "b", Dataset: other}, {Token: "c"}}})
	dcID, web1 := defaultIDs(t, "production", "web-1")
	id := post(t, s, dcID, web1, "stop")

	b := do(t, s, "GET", "/cloudapi/v6/datacenters?depth=1", "b", "")
	if !strings.Contains(b.Body.String(), "dc-0001") || strings.Contains(b.Body.String(), "production") {
		t.Errorf("account b sees the wrong data")
	}
	checkError(t, do(t, s, "GET", "/cloudapi/v6/datacenters/"+dcID, "b", ""), 404, "309")
	checkError(t, do(t, s, "GET", "/cloudapi/v6/requests/"+id+"/status", "c", ""), 404, "309")
	// c has the default dataset too, but its own copy.
	if rec := do(t, s, "GET", "/cloudapi/v6/datacenters/"+dcID, "c", ""); rec.Code != 200 {
		t.Errorf("account c: %d", rec.Code)
	}
	cReq := do(t, s, "POST", "/cloudapi/v6/datacenters/"+dcID+"/servers/"+web1+"/stop", "c", "")
	if loc := cReq.Header().Get("Location"); strings.Contains(loc, id) {
		t.Errorf("accounts share request ids: %s", loc)
	}
	if snap, ok := s.SnapshotAccount("b"); !ok || snap.Datacenters[0].Name != "dc-0001" {
		t.Errorf("SnapshotAccount(b) = %v, %v", snap, ok)
	}
}

func TestNewRejectsBadAccounts(t *testing.T) {
	for name, opts := range map[string]Options{
		"duplicate token":  {Token: "a", Accounts: []Account{{Token: "a"}}},
		"empty token":      {Accounts: []Account{{Token: ""}}},
		"duplicate user":   {Username: "u", Password: "p", Accounts: []Account{{Token: "b", Username: "u", Password: "q"}}},
		"user no password": {Username: "u"},
		"negative body":    {MaxBodyBytes: -1},
		"negative rate":    {RateLimit: RateLimit{PerMinute: -1}},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRandomToken(t *testing.T) {
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Options{})
	if a.Token() == "" || a.Token() == b.Token() {
		t.Errorf("tokens %q %q", a.Token(), b.Token())
	}
	if rec := do(t, a, "GET", "/cloudapi/v6/datacenters", a.Token(), ""); rec.Code != 200 {
		t.Errorf("random token rejected: %d", rec.Code)
	}
}
