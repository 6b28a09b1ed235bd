package sim

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// sdkEnv is the simulator on a real listener with sdk-go pointed at it the
// way IONOS_API_URL does it.
type sdkEnv struct {
	srv    *Server
	clock  *ManualClock
	client *ionoscloud.APIClient
	ctx    context.Context
}

func newSDKEnv(t *testing.T, opts Options, token string) *sdkEnv {
	t.Helper()
	clock := NewManualClock(t0)
	opts.Clock = clock
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Timing == (Timing{}) {
		opts.Timing = testTiming
	}
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := ionoscloud.NewConfiguration("", "", token, srv.URL)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	cfg.HTTPClient = &http.Client{Transport: transport, Timeout: 10 * time.Second}
	cfg.MaxRetries = 1 // observe 429s and 5xx instead of retrying them
	return &sdkEnv{srv: srv, clock: clock, client: ionoscloud.NewAPIClient(cfg), ctx: context.Background()}
}

func (e *sdkEnv) server(t *testing.T, dcID, srvID string) (vmState, state, etag string) {
	t.Helper()
	s, _, err := e.client.ServersApi.DatacentersServersFindById(e.ctx, dcID, srvID).Execute()
	if err != nil {
		t.Fatalf("get server: %v", err)
	}
	return *s.Properties.VmState, *s.Metadata.State, *s.Metadata.Etag
}

func (e *sdkEnv) status(t *testing.T, location string) (status, message string) {
	t.Helper()
	rs, _, err := e.client.GetRequestStatus(e.ctx, location)
	if err != nil {
		t.Fatalf("GetRequestStatus(%s): %v", location, err)
	}
	return *rs.Metadata.Status, *rs.Metadata.Message
}

// act runs a power action and returns the Location header.
func (e *sdkEnv) act(t *testing.T, action, dcID, srvID string) string {
	t.Helper()
	api := e.client.ServersApi
	var resp *ionoscloud.APIResponse
	var err error
	switch action {
	case "start":
		resp, err = api.DatacentersServersStartPost(e.ctx, dcID, srvID).Execute()
	case "stop":
		resp, err = api.DatacentersServersStopPost(e.ctx, dcID, srvID).Execute()
	case "reboot":
		resp, err = api.DatacentersServersRebootPost(e.ctx, dcID, srvID).Execute()
	case "suspend":
		resp, err = api.DatacentersServersSuspendPost(e.ctx, dcID, srvID).Execute()
	case "resume":
		resp, err = api.DatacentersServersResumePost(e.ctx, dcID, srvID).Execute()
	}
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s: status %d", action, resp.StatusCode)
	}
	loc, err := resp.SafeLocation()
	if err != nil || loc == nil || !strings.HasPrefix(loc.String(), e.srv.URL+"/cloudapi/v6/requests/") {
		t.Fatalf("%s: Location %v, %v", action, loc, err)
	}
	return loc.String()
}

func TestSDKListAndGet(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	dcs, _, err := e.client.DataCentersApi.DatacentersGet(e.ctx).Depth(1).Execute()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, dc := range *dcs.Items {
		names = append(names, *dc.Properties.Name+"@"+*dc.Properties.Location)
	}
	if got := strings.Join(names, " "); got != "production@de/fra staging@de/txl analytics@us/las" {
		t.Errorf("data centers %s", got)
	}
	prod := *(*dcs.Items)[0].Id
	servers, _, err := e.client.ServersApi.DatacentersServersGet(e.ctx, prod).Depth(1).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(*servers.Items); n != 5 || *(*servers.Items)[3].Properties.Type != "CUBE" {
		t.Errorf("%d servers; 4th %v", n, *(*servers.Items)[3].Properties.Type)
	}
	if *servers.Limit != 1000 || *servers.Offset != 0 || servers.Links.Self == nil {
		t.Errorf("paging fields %v %v %v", *servers.Limit, *servers.Offset, servers.Links)
	}
	id := *(*servers.Items)[0].Id
	s, _, err := e.client.ServersApi.DatacentersServersFindById(e.ctx, prod, id).Execute()
	if err != nil || *s.Properties.Name != "web-1" || *s.Properties.Cores != 4 {
		t.Fatalf("get server: %v %v", s.Properties, err)
	}
}

// TestSDKPowerCycle drives every action through sdk-go, polling the
// Location as clients do while the ManualClock moves.
func TestSDKPowerCycle(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	prod, web1 := defaultIDs(t, "production", "web-1")
	_, cube := defaultIDs(t, "production", "cache-cube")
	steps := []struct {
		action, srv, vmState, state string
	}{
		{"stop", web1, VMShutoff, "INACTIVE"},
		{"start", web1, VMRunning, "AVAILABLE"},
		{"reboot", web1, VMRunning, "AVAILABLE"},
		{"suspend", cube, VMSuspended, "SUSPENDED"},
		{"resume", cube, VMRunning, "AVAILABLE"},
	}
	for _, step := range steps {
		_, _, etag0 := e.server(t, prod, step.srv)
		loc := e.act(t, step.action, prod, step.srv)
		if st, _ := e.status(t, loc); st != "QUEUED" {
			t.Fatalf("%s: %s right after acceptance", step.action, st)
		}
		_, state, etag1 := e.server(t, prod, step.srv)
		if state != "BUSY" || etag1 == etag0 {
			t.Fatalf("%s: state %s etag changed %v", step.action, state, etag1 != etag0)
		}
		e.clock.Advance(time.Second)
		if st, _ := e.status(t, loc); st != "RUNNING" {
			t.Fatalf("%s: %s after the queue", step.action, st)
		}
		e.clock.Advance(10 * time.Second)
		if st, msg := e.status(t, loc); st != "DONE" || msg != "Request has been successfully executed" {
			t.Fatalf("%s: %s %q", step.action, st, msg)
		}
		e.clock.Advance(2 * time.Second)
		vm, state, etag2 := e.server(t, prod, step.srv)
		if vm != step.vmState || state != step.state || etag2 == etag1 {
			t.Fatalf("%s: settled at %s/%s (etag changed %v), want %s/%s", step.action, vm, state, etag2 != etag1, step.vmState, step.state)
		}
	}
}

// TestSDKCubeStopFailsLate: the wrong pairing is accepted, then FAILED.
func TestSDKCubeStopFailsLate(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	prod, cube := defaultIDs(t, "production", "cache-cube")
	loc := e.act(t, "stop", prod, cube)
	e.clock.Advance(time.Minute)
	st, msg := e.status(t, loc)
	if st != "FAILED" || !strings.HasPrefix(msg, "[VDC-") {
		t.Fatalf("stop on CUBE: %s %q, want FAILED with a [VDC-...] message", st, msg)
	}
	if vm, state, _ := e.server(t, prod, cube); vm != VMRunning || state != "AVAILABLE" {
		t.Errorf("CUBE after a failed stop: %s/%s", vm, state)
	}
	req, _, err := e.client.RequestsApi.RequestsFindById(e.ctx, requestIDFromLocation(t, loc)).Depth(1).Execute()
	if err != nil || *req.Properties.Method != "POST" || !strings.HasSuffix(*req.Properties.Url, "/stop?depth=0&pretty=true") {
		t.Errorf("request: %v %v", req.Properties, err)
	}
}

func TestSDKQueueing(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	prod, web1 := defaultIDs(t, "production", "web-1")
	first := e.act(t, "reboot", prod, web1)
	second := e.act(t, "stop", prod, web1)
	e.clock.Advance(5 * time.Second)
	if a, _ := e.status(t, first); a != "RUNNING" {
		t.Fatalf("first %s", a)
	}
	if b, _ := e.status(t, second); b != "QUEUED" {
		t.Fatalf("second %s while the first runs", b)
	}
	e.clock.Advance(6 * time.Second) // first done at 11 s
	if a, _ := e.status(t, first); a != "DONE" {
		t.Fatalf("first %s", a)
	}
	if b, _ := e.status(t, second); b != "RUNNING" {
		t.Fatalf("second %s after the first finished", b)
	}
}

func sdkStatus(err error) int {
	var apiErr ionoscloud.GenericOpenAPIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode()
	}
	return 0
}

func TestSDKErrors(t *testing.T) {
	wrong := newSDKEnv(t, Options{}, "wrong-token")
	_, _, err := wrong.client.DataCentersApi.DatacentersGet(wrong.ctx).Execute()
	if sdkStatus(err) != 401 {
		t.Errorf("wrong token: %v", err)
	}
	e := newSDKEnv(t, Options{RateLimit: RateLimit{PerMinute: 60, Burst: 2}}, testToken)
	prod, _ := defaultIDs(t, "production", "")
	_, resp, err := e.client.ServersApi.DatacentersServersFindById(e.ctx, prod, "00000000-0000-4000-8000-000000000000").Execute()
	if sdkStatus(err) != 404 || !resp.HttpNotFound() {
		t.Errorf("unknown server: %v", err)
	}
	_, _, err = e.client.DataCentersApi.DatacentersGet(e.ctx).Execute() // second call: bucket now empty
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err = e.client.DataCentersApi.DatacentersGet(e.ctx).Execute()
	if sdkStatus(err) != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("rate limited: %v, Retry-After %q", err, resp.Header.Get("Retry-After"))
	}
	e.clock.Advance(time.Second)
	if _, _, err := e.client.DataCentersApi.DatacentersGet(e.ctx).Execute(); err != nil {
		t.Errorf("after a second: %v", err)
	}
}
