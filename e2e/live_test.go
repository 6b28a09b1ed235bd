//go:build live

// The live suite runs against a real IONOS account (or anything that
// IONOS_API_URL points at):
//
//	IONOS_TOKEN=... go test -tags live -v -run Live ./e2e/
//
// It is read-only unless IONOS_LIVE_SERVER names a server (by name or id,
// with IONOS_LIVE_DATACENTER when the name is not unique) that it may
// reboot. It checks that the inventory plans agree, measures them, walks
// list_servers through the built binary, reads the server labels, and,
// with a server to act on, checks what the API's request list records of a
// POST: the reconciliation of lost writes and the wait of power_servers
// rely on it.
package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

func liveClient(t *testing.T) *cloud.Client {
	t.Helper()
	if os.Getenv("IONOS_TOKEN") == "" {
		t.Skip("IONOS_TOKEN is not set: the live suite needs an IONOS account (see the package doc)")
	}
	c, err := cloud.New(cloud.Config{Token: os.Getenv("IONOS_TOKEN"), APIURL: os.Getenv("IONOS_API_URL"),
		ContractNumber: os.Getenv("IONOS_CONTRACT_NUMBER"), UserAgent: "ionos-mcp-live-suite"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The plans list the same data centers and servers; what each cost is
// reported.
func TestLivePlansAgree(t *testing.T) {
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	auto, err := c.InventoryPlan(ctx, cloud.PlanAuto)
	if err != nil {
		t.Fatalf("the inventory (auto): %v", err)
	}
	perDC, err := c.InventoryPlan(ctx, cloud.PlanPerDatacenter)
	if err != nil {
		t.Fatalf("the inventory per data center: %v", err)
	}
	for _, inv := range []cloud.Inventory{auto, perDC} {
		st := inv.Stats
		t.Logf("%-14s %d data centers, %d servers: %d requests, %.1f MB, %s; %d deep pages, %d data centers on their own %s",
			st.Plan, len(inv.Datacenters), len(inv.Servers), st.Requests, float64(st.Bytes)/1e6, st.Took.Round(time.Millisecond),
			st.DeepPages, st.PerDatacenter, st.Fallback)
	}
	pc := c.PlanCosts()
	t.Logf("learned: %.0f bytes per data center in deep pages, %.3f s per MB; next deep page: %d data centers", pc.BytesPerDatacenter, pc.SecondsPerMB, pc.NextPage)
	if got, want := placement(auto), placement(perDC); got != want {
		t.Fatalf("the plans disagree on which servers are where:\nauto:           %s\nper data center: %s", got, want)
	}
}

// placement lists data center/server id pairs in order, for comparing
// inventories read moments apart (states may move; membership does not).
func placement(inv cloud.Inventory) string {
	var b strings.Builder
	for _, s := range inv.Servers {
		b.WriteString(s.DatacenterID + "/" + s.ID + " ")
	}
	return b.String()
}

// list_servers, walked through the built binary over stdio, lists every
// server of the account once.
func TestLiveWalk(t *testing.T) {
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	inv, err := c.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--read-only")
	cmd.Env = os.Environ()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "live-suite", Version: "1"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	seen, calls, textBytes := map[string]int{}, 0, 0
	start := time.Now()
	var first time.Duration
	for cursor := ""; ; {
		args := map[string]any{}
		if cursor != "" {
			args["cursor"] = cursor
		}
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "list_servers", Arguments: args})
		if err != nil || res.IsError {
			t.Fatalf("list_servers page %d: %v %v", calls+1, err, res)
		}
		calls++
		if calls == 1 {
			first = time.Since(start)
		}
		for _, ct := range res.Content {
			if tc, ok := ct.(*mcp.TextContent); ok {
				textBytes += len(tc.Text)
			}
		}
		var out struct {
			Datacenters []struct {
				Servers []struct {
					ID string `json:"id"`
				} `json:"servers"`
			} `json:"datacenters"`
			Next string `json:"next"`
		}
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		for _, dc := range out.Datacenters {
			for _, s := range dc.Servers {
				seen[s.ID]++
			}
		}
		if cursor = out.Next; cursor == "" {
			break
		}
	}
	t.Logf("list_servers: %d servers in %d calls, first page %s, all %s, %.0f text bytes a server",
		len(seen), calls, first.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), float64(textBytes)/float64(max(len(seen), 1)))
	for _, s := range inv.Servers {
		if seen[s.ID] != 1 {
			t.Errorf("server %s (%s) was listed %d times", s.Name, s.ID, seen[s.ID])
		}
	}
	if len(seen) != len(inv.Servers) {
		t.Errorf("the walk listed %d servers, the inventory %d", len(seen), len(inv.Servers))
	}
}

// With IONOS_LIVE_SERVER, a reboot of that server (or, if it is not
// running, a start and a stop) is sent with a call id of this suite's,
// and the request list must record the POST: its method, URL and headers.
func TestLiveRequestListRecordsPOST(t *testing.T) {
	ref := os.Getenv("IONOS_LIVE_SERVER")
	if ref == "" {
		t.Skip("IONOS_LIVE_SERVER is not set: the suite acts on no server")
	}
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := c.ResolveServer(ctx, ref, os.Getenv("IONOS_LIVE_DATACENTER"))
	if err != nil {
		t.Fatal(err)
	}
	actions := []cloud.Action{cloud.Reboot}
	if s.VMState != "RUNNING" {
		actions = []cloud.Action{cloud.Start, cloud.Stop}
		if cloud.TemplateBased(s.Type) {
			actions = []cloud.Action{cloud.Resume, cloud.Suspend}
		}
	}
	sdk := liveSDK(t)
	for _, a := range actions {
		callID := newLiveCallID()
		sent := time.Now()
		reqID := postTagged(ctx, t, sdk, s, a, callID)
		st, err := c.WaitRequest(ctx, reqID, nil)
		if err != nil || st.Status != cloud.StatusDone {
			t.Fatalf("%s of %s: request %s ended %+v, %v", a, s.Name, reqID, st, err)
		}
		if _, err := c.WaitServer(ctx, s, a.Target(), nil); err != nil {
			t.Fatalf("%s of %s: the server did not reach %s: %v", a, s.Name, a.Target(), err)
		}
		t.Logf("%s of %s: request %s DONE in %s", a, s.Name, reqID, time.Since(sent).Round(time.Second))
		checkRecorded(ctx, t, sdk, s, a, reqID, callID, sent)
		// The wait of power_servers reads the status from the request
		// list, not from the request: the list must carry it.
		settled, err := c.WaitAll(ctx, sent, []cloud.Tracked{{Server: s, Action: a, RequestID: reqID}}, nil)
		if err != nil || !settled[0].Reached || settled[0].Status != cloud.StatusDone {
			t.Fatalf("%s of %s: the set wait saw %+v, %v", a, s.Name, settled, err)
		}
	}
}

// GET /labels answers in the shape power_servers reads to select servers
// by label (read-only).
func TestLiveServerLabels(t *testing.T) {
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	labels, err := c.ServerLabels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range labels {
		n += len(l)
	}
	t.Logf("%d labels on %d servers", n, len(labels))
}

func liveSDK(t *testing.T) *ionoscloud.APIClient {
	t.Helper()
	base, err := cloud.ParseAPIURL(os.Getenv("IONOS_API_URL"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := ionoscloud.NewConfiguration("", "", os.Getenv("IONOS_TOKEN"), base.String())
	cfg.LogLevel = ionoscloud.Off
	return ionoscloud.NewAPIClient(cfg)
}

func newLiveCallID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// postTagged sends one power action with the call header the client puts
// on its writes, and returns the request id of its Location.
func postTagged(ctx context.Context, t *testing.T, sdk *ionoscloud.APIClient, s cloud.Server, a cloud.Action, callID string) string {
	t.Helper()
	sdk.GetConfig().AddDefaultHeader("X-Ionos-Mcp-Call", callID)
	sv := sdk.ServersApi
	var resp *ionoscloud.APIResponse
	var err error
	switch a {
	case cloud.Reboot:
		resp, err = sv.DatacentersServersRebootPost(ctx, s.DatacenterID, s.ID).Execute()
	case cloud.Start:
		resp, err = sv.DatacentersServersStartPost(ctx, s.DatacenterID, s.ID).Execute()
	case cloud.Stop:
		resp, err = sv.DatacentersServersStopPost(ctx, s.DatacenterID, s.ID).Execute()
	case cloud.Resume:
		resp, err = sv.DatacentersServersResumePost(ctx, s.DatacenterID, s.ID).Execute()
	case cloud.Suspend:
		resp, err = sv.DatacentersServersSuspendPost(ctx, s.DatacenterID, s.ID).Execute()
	}
	if err != nil {
		t.Fatalf("%s of %s: %v", a, s.Name, err)
	}
	id, err := cloud.RequestIDFromLocation(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("%s of %s: %v", a, s.Name, err)
	}
	return id
}

// checkRecorded finds the request in the account's request list the way
// the reconciliation does (method, URL, created after) and checks that it
// carries the call header.
func checkRecorded(ctx context.Context, t *testing.T, sdk *ionoscloud.APIClient, s cloud.Server, a cloud.Action, reqID, callID string, sent time.Time) {
	t.Helper()
	path := "/datacenters/" + s.DatacenterID + "/servers/" + s.ID + "/" + string(a)
	after := sent.Add(-2 * time.Minute).UTC().Format("2006-01-02 15:04:05")
	_, resp, err := sdk.RequestsApi.RequestsGet(ctx).Depth(1).FilterMethod("POST").FilterUrl(path).FilterCreatedAfter(after).Limit(100).Execute()
	if err != nil {
		t.Fatalf("searching the request list: %v", err)
	}
	var col struct {
		Items []struct {
			ID         string `json:"id"`
			Properties struct {
				Method  string            `json:"method"`
				URL     string            `json:"url"`
				Headers map[string]string `json:"headers"`
			} `json:"properties"`
		} `json:"items"`
	}
	if err := json.Unmarshal(resp.Payload, &col); err != nil {
		t.Fatalf("reading the request list: %v", err)
	}
	for _, r := range col.Items {
		if r.ID != reqID {
			continue
		}
		t.Logf("the request list records %s %s with %d headers", r.Properties.Method, r.Properties.URL, len(r.Properties.Headers))
		for k, v := range r.Properties.Headers {
			if strings.EqualFold(k, "X-Ionos-Mcp-Call") && v == callID {
				return
			}
		}
		t.Fatalf("request %s is listed without the call header: lost writes would be matched by action, server and time only", reqID)
	}
	t.Fatalf("request %s is not in the request list filtered by method POST, url %s and createdAfter %s: the reconciliation of lost writes would not find it", reqID, path, after)
}
