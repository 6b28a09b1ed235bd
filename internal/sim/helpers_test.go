package sim

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// testToken is the default account's token in tests.
const testToken = "test-token"

// t0 is where every ManualClock in the tests starts.
var t0 = time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)

// newTestSim builds a simulator with a ManualClock and the test token,
// applying opts on top. Answers cost nothing unless opts say otherwise:
// the cost model's tests set LatencyPerMB and record the sleeps.
func newTestSim(t testing.TB, opts Options) (*Simulator, *ManualClock) {
	t.Helper()
	clock := NewManualClock(t0)
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.LatencyPerMB == 0 {
		opts.LatencyPerMB = -1
	}
	if opts.Clock == nil {
		opts.Clock = clock
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, clock
}

// do sends one request through ServeHTTP. An empty token sends no
// Authorization header.
func do(t testing.TB, h http.Handler, method, target, token string, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// get is call with GET and the test token, failing unless the answer is 200.
func get(t testing.TB, h http.Handler, target string) map[string]any {
	t.Helper()
	rec := do(t, h, http.MethodGet, target, testToken, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s", target, rec.Code, rec.Body)
	}
	return decodeMap(t, rec.Body.Bytes())
}

func decodeMap(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// post sends a power action and returns the request id from Location.
func post(t testing.TB, h http.Handler, dcID, srvID, action string) string {
	t.Helper()
	target := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/" + action
	rec := do(t, h, http.MethodPost, target, testToken, "")
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST %s: status %d, body %s", target, rec.Code, rec.Body)
	}
	return requestIDFromLocation(t, rec.Header().Get("Location"))
}

func requestIDFromLocation(t testing.TB, loc string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(loc, "http://example.com/cloudapi/v6/requests/")
	if !ok {
		// real listeners: any host
		_, rest, ok = strings.Cut(loc, "/cloudapi/v6/requests/")
	}
	id, ok2 := strings.CutSuffix(rest, "/status")
	if !ok || !ok2 || !dataset.IsUUID(id) {
		t.Fatalf("Location %q is not .../cloudapi/v6/requests/{uuid}/status", loc)
	}
	return id
}

// path walks a decoded JSON document: keys for objects, ints for arrays.
func path(t testing.TB, v any, steps ...any) any {
	t.Helper()
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("path %v: %T is not an object at %q", steps, v, k)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("path %v: no key %q in %v", steps, k, keys(m))
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("path %v: %T has no index %d", steps, v, k)
			}
			v = a[k]
		}
	}
	return v
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// dc and server ids of the default dataset, by name.
func defaultIDs(t testing.TB, dcName, srvName string) (dcID, srvID string) {
	t.Helper()
	for _, dc := range dataset.Default().Datacenters {
		if dc.Name != dcName {
			continue
		}
		if srvName == "" {
			return dc.ID, ""
		}
		for _, s := range dc.Servers {
			if s.Name == srvName {
				return dc.ID, s.ID
			}
		}
	}
	t.Fatalf("no %s/%s in the default dataset", dcName, srvName)
	return "", ""
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
