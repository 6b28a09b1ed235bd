package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves goroutines behind: Close must
// stop the server and the engine has no background work at all.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestStartServesOverHTTP(t *testing.T) {
	srv, err := Start(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || strings.HasSuffix(srv.URL, "/") {
		t.Errorf("URL %q", srv.URL)
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	dcID, srvID := defaultIDs(t, "production", "web-1")
	req, _ := http.NewRequest("POST", srv.URL+"/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"/reboot", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 202 || !strings.HasPrefix(loc, srv.URL+"/cloudapi/v6/requests/") {
		t.Errorf("POST: %d Location %q; want 202 and a Location on %s", resp.StatusCode, loc, srv.URL)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := client.Get(srv.URL + "/cloudapi/v6/"); err == nil {
		t.Error("still serving after Close")
	}
}

// panicky is a ResponseWriter whose first Header call panics, standing in
// for any bug inside a handler.
type panicky struct {
	*httptest.ResponseRecorder
	calls int
}

func (p *panicky) Header() http.Header {
	p.calls++
	if p.calls == 1 {
		panic("boom")
	}
	return p.ResponseRecorder.Header()
}

func TestPanicAnswers500(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	w := &panicky{ResponseRecorder: httptest.NewRecorder()}
	s.ServeHTTP(w, httptest.NewRequest("GET", "/cloudapi/v6/datacenters", nil))
	checkError(t, w.ResponseRecorder, 500, "500")
}

// TestDropInProcessAborts: without a connection to hijack, a drop aborts
// the handler the way net/http defines (http.ErrAbortHandler).
func TestDropInProcessAborts(t *testing.T) {
	s, _ := newTestSim(t, Options{Faults: []Fault{{Kind: FaultDrop}}})
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	do(t, s, "GET", "/cloudapi/v6/datacenters", testToken, "")
	t.Error("no abort")
}

func TestInfoNeedsNoToken(t *testing.T) {
	s, _ := newTestSim(t, Options{})
	rec := do(t, s, "GET", "/cloudapi/v6/", "", "")
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 || !strings.Contains(string(body), `"name": "CLOUD API"`) {
		t.Errorf("%d %s", rec.Code, body)
	}
}

func TestLoggerGetsDebugLines(t *testing.T) {
	var buf strings.Builder
	s, _ := newTestSim(t, Options{Logger: newTextLogger(&buf)})
	get(t, s, "/cloudapi/v6/datacenters")
	if !strings.Contains(buf.String(), "path=/cloudapi/v6/datacenters status=200") {
		t.Errorf("log: %s", buf.String())
	}
	if strings.Contains(buf.String(), testToken) {
		t.Error("the token was logged")
	}
}
