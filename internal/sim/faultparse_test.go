package sim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFault(t *testing.T) {
	good := map[string]Fault{
		"kind=status,status=429,retry-after=2,p=0.3,method=GET,path=/datacenters*": {Kind: FaultStatus, Status: 429, RetryAfter: 2, Probability: 0.3, Method: "GET", Path: "/datacenters*"},
		"kind=latency,latency=50ms,jitter=10ms":                                    {Kind: FaultLatency, Latency: 50 * time.Millisecond, Jitter: 10 * time.Millisecond},
		"kind=html502,method=POST,count=1":                                         {Kind: FaultHTML502, Method: "POST", Count: 1},
		"kind=drop,after=true,count=1":                                             {Kind: FaultDrop, After: true, Count: 1},
		"kind=fail,count=2":                                                        {Kind: FaultFail, Count: 2},
		" kind = status , status = 503 , method = post ":                           {Kind: FaultStatus, Status: 503, Method: "POST"},
	}
	for spec, want := range good {
		got, err := ParseFault(spec)
		if err != nil {
			t.Errorf("%q: %v", spec, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", spec, diff)
		}
		again, err := ParseFault(got.String())
		if err != nil || !cmp.Equal(got, again) {
			t.Errorf("String() %q does not round-trip: %v", got.String(), err)
		}
	}
	bad := map[string]string{
		"":                             "empty",
		"kind=explode":                 "kind",
		"kind=status":                  "status",
		"kind=status,status=200":       "400..599",
		"kind=status,status=x":         "bad value",
		"kind=latency":                 "needs latency",
		"kind=latency,latency=soon":    "bad value",
		"kind=fail,p=2":                "probability",
		"kind=fail,count=-1":           "negative",
		"kind=fail,colour=red":         "unknown key",
		"kind=fail,method=FETCH":       "method",
		"kind=html502,after=true":      "only kind=drop",
		"kind=drop,after=perhaps":      "bad value",
		"kind=fail,status":             "not key=value",
		"kind=latency,latency=-1s":     "negative",
		"kind=status,status=503,extra": "not key=value",
	}
	for spec, want := range bad {
		_, err := ParseFault(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", spec, err, want)
		}
	}
}

func TestFaultJSON(t *testing.T) {
	f := Fault{Kind: FaultLatency, Latency: 50 * time.Millisecond, Jitter: 10 * time.Millisecond, Count: 3, Fired: 1}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"latency","count":3,"fired":1,"latency":"50ms","jitter":"10ms"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Fault
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(f, back) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	for _, bad := range []string{`{"kind":"latency","latency":"soon"}`, `{"kind":"status","colour":"red"}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"/datacenters*", "/datacenters", true},
		{"/datacenters*", "/datacenters/x/servers/y/stop", true},
		{"*/stop", "/datacenters/x/servers/y/stop", true},
		{"*/stop", "/datacenters/x/servers/y/start", false},
		{"/requests/*/status", "/requests/abc/status", true},
		{"/requests/*/status", "/requests", false},
		{"*", "", true},
		{"", "", true},
		{"/a*b*c", "/aXbYc", true},
		{"/a*b*c", "/aXbY", false},
		{"/datacenters", "/datacenters/x", false},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}
