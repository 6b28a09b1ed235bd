package sim

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
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
		{"stop", web1, dataset.VMShutoff, "INACTIVE"},
		{"start", web1, dataset.VMRunning, "AVAILABLE"},
		{"reboot", web1, dataset.VMRunning, "AVAILABLE"},
		{"suspend", cube, dataset.VMSuspended, "SUSPENDED"},
		{"resume", cube, dataset.VMRunning, "AVAILABLE"},
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
	if vm, state, _ := e.server(t, prod, cube); vm != dataset.VMRunning || state != "AVAILABLE" {
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

// TestSDKDevices reads every kind of device with sdk-go's own calls and
// models: volumes, CD-ROMs, NICs, LANs, load balancers, the boot device.
func TestSDKDevices(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	ctx, d := e.ctx, dataset.Default()
	prod, web1 := d.Datacenters[0], d.Datacenters[0].Servers[0]

	srv, _, err := e.client.ServersApi.DatacentersServersFindById(ctx, prod.ID, web1.ID).Depth(2).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if boot := srv.Properties.BootVolume; boot == nil || *boot.Id != web1.BootDevice || *boot.Type != ionoscloud.VOLUME || srv.Properties.BootCdrom != nil {
		t.Errorf("boot device %+v / %+v, want volume %s", boot, srv.Properties.BootCdrom, web1.BootDevice)
	}
	vols := *srv.Entities.Volumes.Items
	if len(vols) != 1 || *vols[0].Properties.Size != 50 || *vols[0].Properties.Type != dataset.VolumeSSDStandard || *vols[0].Properties.BootServer != web1.ID {
		t.Errorf("web-1's volumes %+v", vols[0].Properties)
	}
	nics := *srv.Entities.Nics.Items
	if len(nics) != 2 || *nics[0].Properties.Lan != 1 || (*nics[0].Properties.Ips)[0] != "85.215.231.11" || *nics[0].Properties.Mac != web1.NICs[0].MAC {
		t.Errorf("web-1's NICs %+v", nics[0].Properties)
	}

	all, _, err := e.client.VolumesApi.DatacentersVolumesGet(ctx, prod.ID).Depth(1).Execute()
	if err != nil || len(*all.Items) != 8 {
		t.Fatalf("production volumes: %v %v", all, err)
	}
	vol, _, err := e.client.ServersApi.DatacentersServersVolumesFindById(ctx, prod.ID, web1.ID, web1.BootDevice).Execute()
	if err != nil || *vol.Properties.Image != web1.Volumes[0].Image || *vol.Properties.LicenceType != "LINUX" {
		t.Errorf("boot volume %+v %v", vol, err)
	}

	lans, _, err := e.client.LANsApi.DatacentersLansGet(ctx, prod.ID).Depth(2).Execute()
	if err != nil || len(*lans.Items) != 2 || !*(*lans.Items)[0].Properties.Public || len(*(*lans.Items)[1].Entities.Nics.Items) != 5 {
		t.Fatalf("LANs %v %v", lans, err)
	}
	lan, _, err := e.client.LANsApi.DatacentersLansFindById(ctx, prod.ID, "2").Execute()
	if err != nil || *lan.Properties.Name != "backend" || *lan.Properties.Ipv4CidrBlock != "10.7.222.0/24" {
		t.Errorf("LAN 2: %+v %v", lan, err)
	}
	lanNIC, _, err := e.client.LANsApi.DatacentersLansNicsFindById(ctx, prod.ID, "1", web1.NICs[0].ID).Execute()
	if err != nil || *lanNIC.Properties.FirewallActive != true {
		t.Errorf("NIC on LAN 1: %+v %v", lanNIC, err)
	}
	rules, _, err := e.client.FirewallRulesApi.DatacentersServersNicsFirewallrulesGet(ctx, prod.ID, web1.ID, web1.NICs[0].ID).Execute()
	if err != nil || len(*rules.Items) != 0 {
		t.Errorf("firewall rules %v %v", rules, err)
	}

	lbs, _, err := e.client.LoadBalancersApi.DatacentersLoadbalancersGet(ctx, prod.ID).Depth(1).Execute()
	if err != nil || len(*lbs.Items) != 1 || *(*lbs.Items)[0].Properties.Ip != "85.215.231.100" {
		t.Fatalf("load balancers %v %v", lbs, err)
	}
	balanced, _, err := e.client.LoadBalancersApi.DatacentersLoadbalancersBalancednicsGet(ctx, prod.ID, *(*lbs.Items)[0].Id).Execute()
	if err != nil || len(*balanced.Items) != 2 {
		t.Errorf("balanced NICs %v %v", balanced, err)
	}

	staging, batch := d.Datacenters[1], d.Datacenters[1].Servers[3]
	bs, _, err := e.client.ServersApi.DatacentersServersFindById(ctx, staging.ID, batch.ID).Execute()
	if err != nil || bs.Properties.BootCdrom == nil || *bs.Properties.BootCdrom.Id != batch.CDROMs[0].ID || bs.Properties.BootVolume != nil {
		t.Fatalf("batch-worker: %+v %v", bs.Properties, err)
	}
	cds, _, err := e.client.ServersApi.DatacentersServersCdromsGet(ctx, staging.ID, batch.ID).Depth(1).Execute()
	if err != nil || len(*cds.Items) != 1 || *(*cds.Items)[0].Properties.ImageType != "CDROM" {
		t.Errorf("CD-ROMs %v %v", cds, err)
	}
	img, _, err := e.client.ImagesApi.ImagesFindById(ctx, batch.CDROMs[0].ID).Execute()
	if err != nil || *img.Properties.Name != "debian-12.8.0-amd64-netinst.iso" || *img.Properties.Location != "de/txl" {
		t.Errorf("image %+v %v", img, err)
	}
}

// TestSDKListModifiers: sdk-go's Filter, OrderBy and MaxResults get the
// filtered, ordered, cut answers.
func TestSDKListModifiers(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	prod, _ := defaultIDs(t, "production", "")
	serverNames := func(s ionoscloud.Servers) string {
		var out []string
		for _, it := range *s.Items {
			out = append(out, *it.Properties.Name)
		}
		return strings.Join(out, " ")
	}
	api := e.client.ServersApi
	cases := []struct {
		name string
		req  ionoscloud.ApiDatacentersServersGetRequest
		want string
	}{
		{"filter", api.DatacentersServersGet(e.ctx, prod).Depth(1).Filter("type", "ENTERPRISE"), "web-1 web-2 db-1"},
		{"two filters", api.DatacentersServersGet(e.ctx, prod).Depth(1).Filter("type", "ENTERPRISE").Filter("cores", "8"), "db-1"},
		{"orderBy", api.DatacentersServersGet(e.ctx, prod).Depth(1).OrderBy("name"), "cache-cube db-1 gpu-train web-1 web-2"},
		{"maxResults", api.DatacentersServersGet(e.ctx, prod).Depth(1).MaxResults(2), "web-1 web-2"},
		{"all three", api.DatacentersServersGet(e.ctx, prod).Depth(1).MaxResults(4).Filter("vmState", "running").OrderBy("ram"), "cache-cube web-1 web-2 db-1"},
		{"typo", api.DatacentersServersGet(e.ctx, prod).Depth(1).Filter("nmae", "web"), ""},
	}
	for _, c := range cases {
		got, _, err := c.req.Execute()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if serverNames(got) != c.want {
			t.Errorf("%s: %q, want %q", c.name, serverNames(got), c.want)
		}
	}
	vols, _, err := e.client.VolumesApi.DatacentersVolumesGet(e.ctx, prod).Depth(1).Filter("type", "HDD").OrderBy("size").Execute()
	if err != nil || len(*vols.Items) != 2 || *(*vols.Items)[0].Properties.Size != 500 {
		t.Errorf("HDD volumes by size: %v %v", vols, err)
	}
	_, _, err = api.DatacentersServersGet(e.ctx, prod).OrderBy("colour").Execute()
	if sdkStatus(err) != 422 {
		t.Errorf("orderBy on an unknown property: %v, want a 422", err)
	}
}

// TestSDKLabels drives sdk-go's LabelsApi through a server label's life:
// list all, create, read by key and by URN, change, delete; and reads its
// errors for bad input.
func TestSDKLabels(t *testing.T) {
	e := newSDKEnv(t, Options{}, testToken)
	api, ctx := e.client.LabelsApi, e.ctx
	prod, web1 := defaultIDs(t, "production", "web-1")
	countLabels := func() int {
		t.Helper()
		all, _, err := api.LabelsGet(ctx).Execute()
		if err != nil {
			t.Fatalf("LabelsGet: %v", err)
		}
		return len(*all.Items)
	}

	all, _, err := api.LabelsGet(ctx).Depth(1).Execute()
	if err != nil || len(*all.Items) != 26 {
		t.Fatalf("LabelsGet: %v %v", all.Items, err)
	}
	first := (*all.Items)[0]
	if *first.Id != "urn:label:server:"+web1+":env" || *first.Properties.Value != "production" ||
		*first.Properties.ResourceType != "server" || *first.Properties.ResourceId != web1 {
		t.Errorf("first label %+v %+v", first, first.Properties)
	}
	webs, _, err := api.LabelsGet(ctx).Depth(1).Filter("key", "role").Filter("value", "web").Execute()
	if err != nil || len(*webs.Items) != 3 {
		t.Errorf("role=web: %v %v", webs.Items, err)
	}

	label := ionoscloud.LabelResource{Properties: &ionoscloud.LabelResourceProperties{
		Key: ionoscloud.PtrString("owner"), Value: ionoscloud.PtrString("shop")}}
	created, resp, err := api.DatacentersServersLabelsPost(ctx, prod, web1).Label(label).Execute()
	if err != nil || resp.StatusCode != http.StatusCreated || *created.Id != "owner" || *created.Properties.Value != "shop" || created.Metadata.Etag == nil {
		t.Fatalf("create: %+v %v", created, err)
	}
	got, _, err := api.DatacentersServersLabelsFindByKey(ctx, prod, web1, "owner").Execute()
	if err != nil || *got.Properties.Value != "shop" || *got.Metadata.Etag != *created.Metadata.Etag {
		t.Errorf("find by key: %+v %v", got, err)
	}
	keys, _, err := api.DatacentersServersLabelsGet(ctx, prod, web1).Execute()
	if err != nil || len(*keys.Items) != 3 || *(*keys.Items)[1].Id != "owner" || (*keys.Items)[1].Properties != nil {
		t.Errorf("server labels at depth 0: %v %v", keys.Items, err)
	}
	if n := countLabels(); n != 27 {
		t.Errorf("GET /labels lists %d labels after the create, want 27", n)
	}

	label.Properties.Value = ionoscloud.PtrString("payments")
	changed, _, err := api.DatacentersServersLabelsPut(ctx, prod, web1, "owner").Label(label).Execute()
	if err != nil || *changed.Properties.Value != "payments" || *changed.Metadata.Etag == *created.Metadata.Etag {
		t.Errorf("put: %+v %v", changed, err)
	}
	byURN, _, err := api.LabelsFindByUrn(ctx, "urn:label:server:"+web1+":owner").Execute()
	if err != nil || *byURN.Properties.Value != "payments" || *byURN.Properties.ResourceHref != e.srv.URL+"/cloudapi/v6/datacenters/"+prod+"/servers/"+web1 {
		t.Errorf("find by URN: %+v %v", byURN.Properties, err)
	}

	if resp, err := api.DatacentersServersLabelsDelete(ctx, prod, web1, "owner").Execute(); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %v", err)
	}
	if _, _, err := api.DatacentersServersLabelsFindByKey(ctx, prod, web1, "owner").Execute(); sdkStatus(err) != 404 {
		t.Errorf("find after delete: %v, want a 404", err)
	}
	if n := countLabels(); n != 26 {
		t.Errorf("GET /labels lists %d labels after the delete, want 26", n)
	}

	for name, bad := range map[string]ionoscloud.LabelResource{
		"existing key": {Properties: &ionoscloud.LabelResourceProperties{Key: ionoscloud.PtrString("env"), Value: ionoscloud.PtrString("x")}},
		"no value":     {Properties: &ionoscloud.LabelResourceProperties{Key: ionoscloud.PtrString("k")}},
		"bad key":      {Properties: &ionoscloud.LabelResourceProperties{Key: ionoscloud.PtrString("my key"), Value: ionoscloud.PtrString("x")}},
	} {
		_, _, err := api.DatacentersServersLabelsPost(ctx, prod, web1).Label(bad).Execute()
		var apiErr ionoscloud.GenericOpenAPIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode() != 422 {
			t.Errorf("%s: %v, want a 422", name, err)
			continue
		}
		if model, ok := apiErr.Model().(ionoscloud.Error); !ok || *(*model.Messages)[0].ErrorCode != "200" {
			t.Errorf("%s: error model %#v", name, apiErr.Model())
		}
	}
	if _, _, err := api.LabelsFindByUrn(ctx, "server:"+web1+":env").Execute(); sdkStatus(err) != 422 {
		t.Errorf("malformed URN: %v, want a 422", err)
	}
	if _, _, err := api.DatacentersServersLabelsGet(ctx, prod, "00000000-0000-4000-8000-000000000000").Execute(); sdkStatus(err) != 404 {
		t.Errorf("unknown server: %v, want a 404", err)
	}
	if _, _, err := api.DatacentersLabelsGet(ctx, prod).Execute(); sdkStatus(err) != 501 {
		t.Errorf("data center labels: %v, want a 501", err)
	}
}
