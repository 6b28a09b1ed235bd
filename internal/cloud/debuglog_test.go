package cloud_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// apiLine is one "api request" line of the debug log.
type apiLine struct {
	Msg       string `json:"msg"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Duration  *int64 `json:"duration"`
	RequestID string `json:"request_id"`
	XRequest  string `json:"x_request_id"`
	Retries   *int   `json:"retries"`
}

// apiLines reads the "api request" lines of a JSON log.
func apiLines(t *testing.T, log []byte) []apiLine {
	t.Helper()
	var lines []apiLine
	sc := bufio.NewScanner(bytes.NewReader(log))
	for sc.Scan() {
		var l apiLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if l.Msg == "api request" {
			lines = append(lines, l)
		}
	}
	return lines
}

// requestIDGateway passes everything on to the simulator and puts an id
// of its own on every answer, as the API's front does.
func requestIDGateway(t *testing.T, s *sim.Server) *httptest.Server {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		resp.Header.Set("X-Request-Id", fmt.Sprintf("gw-%d", n.Add(1)))
		return nil
	}
	gw := httptest.NewServer(proxy)
	t.Cleanup(gw.Close)
	return gw
}

// At debug level each API request is one line with its method, path,
// status, duration, the API's request id and its retries, and nothing of
// the credentials or the query.
func TestDebugLogOneLinePerAPIRequest(t *testing.T) {
	const token = "debug-log-token-4b1d"
	s, err := sim.Start(sim.Options{Token: token, Timing: sim.Timing{Scale: 0.0005},
		Faults: []sim.Fault{{Kind: sim.FaultStatus, Method: "GET", Path: "/datacenters", Status: 503, Count: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	gw := requestIDGateway(t, s)
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := cloud.New(cloud.Config{Token: token, APIURL: gw.URL, Logger: log,
		Backoff: cloud.Backoff{Base: time.Millisecond, Max: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ListDatacenters(ctx); err != nil { // answered 503 once, then retried
		t.Fatal(err)
	}
	srv := shutoffServer(t, c)
	if _, _, err := c.GetServer(ctx, cloud.Datacenter{ID: srv.DatacenterID}, srv.ID, 0); err != nil {
		t.Fatal(err)
	}
	reqID, err := c.PowerAction(ctx, srv, cloud.Start)
	if err != nil {
		t.Fatal(err)
	}

	lines := apiLines(t, buf.Bytes())
	retries := 0
	for _, l := range lines {
		if l.Method == "" || !strings.HasPrefix(l.Path, "/cloudapi/v6/") || strings.Contains(l.Path, "?") ||
			l.Status == 0 || l.Duration == nil || !strings.HasPrefix(l.XRequest, "gw-") || l.Retries == nil {
			t.Errorf("incomplete line %+v", l)
			continue
		}
		retries += *l.Retries
	}
	if sent := int(s.Stats().Requests); len(lines) != sent-retries || retries != 1 {
		t.Errorf("%d lines with %d retries for %d requests received; want one line per request, one retry:\n%s", len(lines), retries, sent, buf.String())
	}
	if !hasLine(lines, "GET", "/cloudapi/v6/datacenters", 200, 1) || !hasLine(lines, "POST", "/cloudapi/v6/datacenters/"+srv.DatacenterID+"/servers/"+srv.ID+"/start", 202, 0) {
		t.Errorf("the retried listing or the POST is missing:\n%s", buf.String())
	}
	// The write's line names the request it created, as the tool returns it.
	for _, l := range lines {
		if l.Method == "POST" && l.RequestID != reqID {
			t.Errorf("the POST's line names request %q, want %q", l.RequestID, reqID)
		}
	}
	for _, secret := range []string{token, "Bearer", "depth=", "pretty"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, buf.String())
		}
	}
}

func hasLine(lines []apiLine, method, path string, status, retries int) bool {
	for _, l := range lines {
		if l.Method == method && l.Path == path && l.Status == status && l.Retries != nil && *l.Retries == retries {
			return true
		}
	}
	return false
}
