package sim

import (
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	s, clock := newTestSim(t, Options{RateLimit: RateLimit{PerMinute: 60, Burst: 3},
		Accounts: []Account{{Token: "other"}}})
	for i, want := range []string{"2", "1", "0"} {
		rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
		if rec.Code != 200 || rec.Header().Get("X-RateLimit-Remaining") != want {
			t.Fatalf("call %d: %d remaining %q, want 200 and %s", i+1, rec.Code, rec.Header().Get("X-RateLimit-Remaining"), want)
		}
		if rec.Header().Get("X-RateLimit-Limit") != "60" || rec.Header().Get("X-RateLimit-Burst") != "3" {
			t.Errorf("limit headers %v", rec.Header())
		}
	}
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	checkError(t, rec, 429, "429")
	if got := rec.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	if rec := do(t, s, "GET", "/cloudapi/v6/datacenters", "other", ""); rec.Code != 200 {
		t.Errorf("another account was limited too: %d", rec.Code)
	}
	clock.Advance(time.Second)
	if rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, ""); rec.Code != 200 {
		t.Errorf("after a second: %d", rec.Code)
	}
}

func TestRetryAfterRoundsUp(t *testing.T) {
	s, _ := newTestSim(t, Options{RateLimit: RateLimit{PerMinute: 6, Burst: 1}}) // a token per 10 s
	do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	rec := do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	if got := rec.Header().Get("Retry-After"); got != "10" {
		t.Errorf("Retry-After %q, want 10", got)
	}
}

func TestNominalRateHeaders(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	for _, token := range []string{testToken, ""} { // also on a 401
		h := do(t, s, "GET", "/cloudapi/v6/datacenters", token, "").Header()
		if h.Get("X-RateLimit-Limit") != "600" || h.Get("X-RateLimit-Burst") != "50" || h.Get("X-RateLimit-Remaining") != "50" {
			t.Errorf("token %q: headers %v", token, h)
		}
	}
}
