package cloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// These tests play an IONOS Cloud API that has moved on since sdk-go
// v6.3.11 was generated: a new resource type, a new vmState, a number past
// int32, optional fields left out, and unknown fields at every level. Each
// answer is valid JSON an API could send; sdk-go fails on several of them
// (its Type enum refuses unknown values, its int32 fields refuse big
// numbers), and the client must fall back to decoding the body leniently
// and still return the data. A body that is not JSON at all must give a
// clear error, never a panic.

const (
	evoDC1 = "6555a419-dfea-5e7e-a304-5a25af9434af" // an ordinary data center, with evolved servers
	evoDC2 = "0b7b23c6-4b0e-4a4d-9f5c-2f3d4c5b6a71" // a data center of a "future-thing" type, no metadata

	evoWeb    = "a7e25b39-4a90-556a-8717-8a99351095d0" // as today, plus unknown fields
	evoFuture = "992cfdb0-b219-5d79-b5b3-779d902dcd33" // "type": "future-thing"
	evoHiber  = "3c1d0f6e-8a2b-4c3d-9e4f-5a6b7c8d9e0f" // "vmState": "HIBERNATED"
	evoHuge   = "4d2e1f7a-9b3c-4d4e-8f5a-6b7c8d9e0f1a" // "cores": 99999999999
	evoBare   = "5e3f2a8b-0c4d-4e5f-9a6b-7c8d9e0f1a2b" // no metadata, no cpuFamily, no availabilityZone
	evoLone   = "6f4a3b9c-1d5e-4f6a-8b7c-8d9e0f1a2b3c" // the one server of DC2

	evoReqUnknown = "9451b7c3-e28a-54e3-9197-51054f1f5553" // a request on a target of an unknown type
	evoReqKnown   = "8340a6b2-d179-43d2-8086-40f43e0e4442" // the same, with a known type
)

// evoServers are the servers of each data center, as the API would send them.
var evoServers = map[string][]string{
	evoDC1: {
		`{"id":"` + evoWeb + `","type":"server","href":"https://x/servers/` + evoWeb + `","x-top":[1,{"a":null}],
		  "metadata":{"etag":"e-web","createdDate":"2024-01-15T09:31:00.000Z","state":"AVAILABLE","x-meta":{"k":"v"}},
		  "properties":{"name":"web-1","cores":4,"ram":8192,"availabilityZone":"ZONE_1","vmState":"RUNNING","cpuFamily":"INTEL_ICELAKE","type":"ENTERPRISE","x-prop":{"deep":[{"er":true}]}},
		  "entities":{"volumes":{"id":"` + evoWeb + `/volumes","type":"collection","x-ent":1}}}`,
		`{"id":"` + evoFuture + `","type":"future-thing","metadata":{"etag":"e-fut","state":"AVAILABLE"},
		  "properties":{"name":"quantum-1","cores":2,"ram":4096,"vmState":"RUNNING","type":"QUANTUM","x-qubits":128}}`,
		`{"id":"` + evoHiber + `","type":"server","metadata":{"etag":"e-hib","state":"AVAILABLE"},
		  "properties":{"name":"sleepy-1","cores":2,"ram":2048,"vmState":"HIBERNATED","cpuFamily":"AMD_EPYC","type":"ENTERPRISE"}}`,
		`{"id":"` + evoHuge + `","type":"server","metadata":{"etag":"e-huge","state":"BUSY"},
		  "properties":{"name":"huge-1","cores":99999999999,"ram":1e12,"vmState":"SHUTOFF","type":"VCPU"}}`,
		`{"id":"` + evoBare + `","type":"server",
		  "properties":{"name":"bare-1","vmState":"RUNNING","type":"CUBE"}}`,
	},
	evoDC2: {
		`{"id":"` + evoLone + `","type":"server","metadata":{"etag":"e-lone","state":"AVAILABLE"},
		  "properties":{"name":"lone-1","cores":1,"ram":1024,"vmState":"SUSPENDED","type":"CUBE"}}`,
	},
}

var evoDatacenters = []string{
	`{"id":"` + evoDC1 + `","type":"datacenter","href":"https://x/datacenters/` + evoDC1 + `","x-top":"new",
	  "metadata":{"etag":"e-dc1","state":"AVAILABLE","x-meta":[]},
	  "properties":{"name":"production","description":"shop","location":"de/fra","version":7,"x-prop":{"n":1e400}}%s}`,
	`{"id":"` + evoDC2 + `","type":"future-thing",
	  "properties":{"name":"future","location":"xx/new"}%s}`,
}

// Servers as the client should report them.
var (
	evoDC1Want = cloud.Datacenter{ID: evoDC1, Name: "production", Location: "de/fra", Description: "shop", State: "AVAILABLE"}
	evoDC2Want = cloud.Datacenter{ID: evoDC2, Name: "future", Location: "xx/new"}

	evoWant = map[string]cloud.Server{
		evoWeb:    {ID: evoWeb, Name: "web-1", Type: "ENTERPRISE", VMState: "RUNNING", State: "AVAILABLE", Cores: 4, RAM: 8192, CPUFamily: "INTEL_ICELAKE", AvailabilityZone: "ZONE_1", Etag: "e-web"},
		evoFuture: {ID: evoFuture, Name: "quantum-1", Type: "QUANTUM", VMState: "RUNNING", State: "AVAILABLE", Cores: 2, RAM: 4096, Etag: "e-fut"},
		evoHiber:  {ID: evoHiber, Name: "sleepy-1", Type: "ENTERPRISE", VMState: "HIBERNATED", State: "AVAILABLE", Cores: 2, RAM: 2048, CPUFamily: "AMD_EPYC", Etag: "e-hib"},
		evoHuge:   {ID: evoHuge, Name: "huge-1", Type: "VCPU", VMState: "SHUTOFF", State: "BUSY", Cores: math.MaxInt32, RAM: math.MaxInt32, Etag: "e-huge"},
		evoBare:   {ID: evoBare, Name: "bare-1", Type: "CUBE", VMState: "RUNNING"},
		evoLone:   {ID: evoLone, Name: "lone-1", Type: "CUBE", VMState: "SUSPENDED", State: "AVAILABLE", Cores: 1, RAM: 1024, Etag: "e-lone"},
	}
)

func evoServerWant(id string, dc cloud.Datacenter) cloud.Server {
	s := evoWant[id]
	s.DatacenterID, s.DatacenterName = dc.ID, dc.Name
	return s
}

// evolvedAPI is the test double of the IONOS Cloud API v6. broken, when
// set, is the answer of every read: status 200 and that body.
type evolvedAPI struct {
	t      *testing.T
	broken *struct{ contentType, body string }

	mu   sync.Mutex
	seen []string // method and path of every request
}

func (a *evolvedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen = append(a.seen, r.Method+" "+r.URL.Path)
	a.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer t" {
		http.Error(w, `{"httpStatus":401,"messages":[{"errorCode":"315","message":"Unauthorized"}]}`, http.StatusUnauthorized)
		return
	}
	if a.broken != nil {
		if a.broken.contentType != "" {
			w.Header().Set("Content-Type", a.broken.contentType)
		}
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, a.broken.body)
		return
	}
	depth, _ := strconv.Atoi(r.URL.Query().Get("depth"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	p := strings.TrimPrefix(r.URL.Path, "/cloudapi/v6")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "datacenters":
		var items []string
		if offset == 0 {
			for i, dc := range evoDatacenters {
				items = append(items, fmt.Sprintf(dc, a.entities(depth, []string{evoDC1, evoDC2}[i])))
			}
		}
		a.json(w, `{"id":"datacenters","type":"collection","x-col":{"v":2},"items":[`+strings.Join(items, ",")+`],"offset":`+strconv.Itoa(offset)+`,"limit":1000,"_links":{"self":"x"}}`)
	case len(parts) == 2 && parts[0] == "datacenters":
		for i, id := range []string{evoDC1, evoDC2} {
			if parts[1] == id {
				a.json(w, fmt.Sprintf(evoDatacenters[i], a.entities(depth, id)))
				return
			}
		}
		a.notFound(w)
	case len(parts) == 3 && parts[0] == "datacenters" && parts[2] == "servers":
		servers, ok := evoServers[parts[1]]
		if !ok {
			a.notFound(w)
			return
		}
		if offset > 0 {
			servers = nil
		}
		a.json(w, `{"id":"`+parts[1]+`/servers","type":"collection","items":[`+strings.Join(servers, ",")+`],"_links":{},"x-col":null}`)
	case len(parts) == 4 && parts[0] == "datacenters" && parts[2] == "servers":
		for _, s := range evoServers[parts[1]] {
			if strings.Contains(s, `"id":"`+parts[3]+`"`) {
				a.json(w, s)
				return
			}
		}
		a.notFound(w)
	case len(parts) == 3 && parts[0] == "requests" && parts[2] == "status":
		typ := map[string]string{evoReqUnknown: "future-thing", evoReqKnown: "server"}[parts[1]]
		if typ == "" {
			a.notFound(w)
			return
		}
		a.json(w, `{"id":"`+parts[1]+`/status","type":"request-status","x-new":{},"metadata":{"status":"DONE","message":"Request has been successfully executed","etag":"e","x-meta":1,
			"targets":[{"target":{"id":"`+evoFuture+`","type":"`+typ+`","href":"x","x-t":[]},"status":"DONE","x-s":true}]}}`)
	default:
		a.notFound(w)
	}
}

// entities is the nested servers collection of a data center at depth 2
// and more, as the API inlines it.
func (a *evolvedAPI) entities(depth int, dc string) string {
	if depth < 2 {
		return ""
	}
	return `,"entities":{"servers":{"id":"` + dc + `/servers","type":"collection","items":[` + strings.Join(evoServers[dc], ",") + `]},"x-ent":{"lans":{}}}`
}

func (a *evolvedAPI) json(w http.ResponseWriter, body string) {
	if !json.Valid([]byte(body)) {
		a.t.Errorf("the test double sends invalid JSON: %s", body)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

func (a *evolvedAPI) notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"httpStatus":404,"messages":[{"errorCode":"309","message":"Resource does not exist"}]}`)
}

func newEvolved(t *testing.T) (*cloud.Client, *evolvedAPI) {
	t.Helper()
	api := &evolvedAPI{t: t}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c, err := cloud.New(cloud.Config{Token: "t", APIURL: srv.URL, CallTimeout: 5 * time.Second, Backoff: cloud.Backoff{Base: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func TestEvolvedListDatacenters(t *testing.T) {
	c, _ := newEvolved(t)
	got, err := c.ListDatacenters(context.Background())
	if err != nil {
		t.Fatalf("ListDatacenters: %v", err)
	}
	if diff := cmp.Diff([]cloud.Datacenter{evoDC1Want, evoDC2Want}, got); diff != "" {
		t.Errorf("ListDatacenters (-want +got):\n%s", diff)
	}
	for _, dc := range []cloud.Datacenter{evoDC1Want, evoDC2Want} {
		got, err := c.GetDatacenter(context.Background(), dc.ID)
		if err != nil {
			t.Fatalf("GetDatacenter(%s): %v", dc.Name, err)
		}
		if diff := cmp.Diff(dc, got); diff != "" {
			t.Errorf("GetDatacenter(%s) (-want +got):\n%s", dc.Name, diff)
		}
	}
}

func TestEvolvedListServers(t *testing.T) {
	c, _ := newEvolved(t)
	got, err := c.ListServers(context.Background(), evoDC1Want)
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	var want []cloud.Server
	for _, id := range []string{evoWeb, evoFuture, evoHiber, evoHuge, evoBare} {
		want = append(want, evoServerWant(id, evoDC1Want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListServers (-want +got):\n%s", diff)
	}
}

func TestEvolvedGetServer(t *testing.T) {
	c, _ := newEvolved(t)
	for _, id := range []string{evoWeb, evoFuture, evoHiber, evoHuge, evoBare} {
		got, raw, err := c.GetServer(context.Background(), evoDC1Want, id, 0)
		if err != nil {
			t.Errorf("GetServer(%s): %v", evoWant[id].Name, err)
			continue
		}
		if diff := cmp.Diff(evoServerWant(id, evoDC1Want), got); diff != "" {
			t.Errorf("GetServer(%s) (-want +got):\n%s", evoWant[id].Name, diff)
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil || obj["id"] != id {
			t.Errorf("GetServer(%s): raw %s (%v)", evoWant[id].Name, raw, err)
		}
	}
	// By name, across the account: resolution lists everything first.
	got, err := c.ResolveServer(context.Background(), "QUANTUM-1", "")
	if err != nil || got.ID != evoFuture {
		t.Errorf("ResolveServer(QUANTUM-1) = %+v, %v", got, err)
	}
}

func TestEvolvedRequestStatus(t *testing.T) {
	c, _ := newEvolved(t)
	for _, tc := range []struct{ id, typ string }{{evoReqUnknown, "future-thing"}, {evoReqKnown, "server"}} {
		got, err := c.RequestStatus(context.Background(), tc.id)
		if err != nil {
			t.Errorf("RequestStatus(%s target): %v", tc.typ, err)
			continue
		}
		want := cloud.RequestStatus{RequestID: tc.id, Status: cloud.StatusDone, Message: "Request has been successfully executed",
			Targets: []cloud.RequestTarget{{ID: evoFuture, Type: tc.typ, Status: cloud.StatusDone}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RequestStatus(%s target) (-want +got):\n%s", tc.typ, diff)
		}
	}
	got, err := c.WaitRequest(context.Background(), evoReqUnknown, nil)
	if err != nil || !got.Finished() {
		t.Errorf("WaitRequest = %+v, %v", got, err)
	}
}

func TestEvolvedInventory(t *testing.T) {
	c, api := newEvolved(t)
	inv, err := c.Inventory(context.Background())
	if err != nil {
		t.Fatalf("Inventory: %v", err)
	}
	if diff := cmp.Diff([]cloud.Datacenter{evoDC1Want, evoDC2Want}, inv.Datacenters); diff != "" {
		t.Errorf("Inventory data centers (-want +got):\n%s", diff)
	}
	var want []cloud.Server
	for _, id := range []string{evoWeb, evoFuture, evoHiber, evoHuge, evoBare} {
		want = append(want, evoServerWant(id, evoDC1Want))
	}
	want = append(want, evoServerWant(evoLone, evoDC2Want))
	if diff := cmp.Diff(want, inv.Servers, cmpopts.SortSlices(func(a, b cloud.Server) bool { return a.ID < b.ID })); diff != "" {
		t.Errorf("Inventory servers (-want +got):\n%s\nrequests: %v", diff, api.seen)
	}
}

// The raw listing (list_datacenters with depth) pairs the API's objects
// with their lenient reading by index. A data center with fields that the
// SDK's data center model ignores but the lenient shape reads for servers,
// of a type neither expects, used to stop the lenient decoding after the
// first item: index out of range, a panic.
func TestEvolvedListDatacentersRaw(t *testing.T) {
	c, api := newEvolved(t)
	api.broken = &struct{ contentType, body string }{"application/json",
		`{"type":"collection","items":[
		  {"id":"` + evoDC1 + `","type":"datacenter","properties":{"name":"production","cores":"many","type":5,"vmState":{}},"metadata":{"state":"AVAILABLE"}},
		  {"id":"` + evoDC2 + `","type":"datacenter","properties":{"name":"future","ram":"lots"}}],"_links":{}}`}
	dcs, raws, err := c.ListDatacentersRaw(context.Background(), 1)
	if err != nil {
		t.Fatalf("ListDatacentersRaw: %v", err)
	}
	want := []cloud.Datacenter{{ID: evoDC1, Name: "production", State: "AVAILABLE"}, {ID: evoDC2, Name: "future"}}
	if diff := cmp.Diff(want, dcs); diff != "" {
		t.Errorf("ListDatacentersRaw (-want +got):\n%s", diff)
	}
	if len(raws) != 2 || raws[0]["id"] != evoDC1 || raws[1]["id"] != evoDC2 {
		t.Errorf("ListDatacentersRaw raw objects: %v", raws)
	}
}

// A body that is not what was asked for gives an error that says so, from
// every read, and nothing panics.
func TestEvolvedBrokenBodies(t *testing.T) {
	bodies := []struct {
		name, contentType, body string
		want                    string // in the error
	}{
		{"html page", "text/html; charset=utf-8", "<html><body>Service temporarily unavailable</body></html>", "HTML page"},
		{"text", "text/plain", "upstream connect error", "upstream connect error"},
		{"json type, not json", "application/json", "upstream connect error", "not with the JSON expected"},
		{"truncated json", "application/json", `{"items":[{"id":"` + evoWeb + `","properties":{"name":"we`, "not with the JSON expected"},
		{"json array", "application/json", `[1,2,3]`, "not with the JSON expected"},
		{"items not an array", "application/json", `{"items":{"id":"x"},"id":{"not":"a string"}}`, "not with the JSON expected"},
		{"no content type", "", "\x00\x01binary\xff", "not with the JSON expected"},
		{"empty", "application/json", "", "empty body"},
		{"null", "application/json", "null", "empty body"},
	}
	reads := []struct {
		name string
		call func(c *cloud.Client) error
	}{
		{"ListDatacenters", func(c *cloud.Client) error { _, err := c.ListDatacenters(context.Background()); return err }},
		{"GetDatacenter", func(c *cloud.Client) error { _, err := c.GetDatacenter(context.Background(), evoDC1); return err }},
		{"ListServers", func(c *cloud.Client) error { _, err := c.ListServers(context.Background(), evoDC1Want); return err }},
		{"GetServer", func(c *cloud.Client) error {
			_, _, err := c.GetServer(context.Background(), evoDC1Want, evoWeb, 0)
			return err
		}},
		{"RequestStatus", func(c *cloud.Client) error { _, err := c.RequestStatus(context.Background(), evoReqKnown); return err }},
		{"Inventory", func(c *cloud.Client) error { _, err := c.Inventory(context.Background()); return err }},
		{"ListDatacentersRaw", func(c *cloud.Client) error { _, _, err := c.ListDatacentersRaw(context.Background(), 1); return err }},
		{"Ping", func(c *cloud.Client) error { return c.Ping(context.Background()) }},
	}
	for _, b := range bodies {
		for _, r := range reads {
			t.Run(b.name+"/"+r.name, func(t *testing.T) {
				c, api := newEvolved(t)
				api.broken = &struct{ contentType, body string }{b.contentType, b.body}
				var err error
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("panic: %v", p)
						}
					}()
					err = r.call(c)
				}()
				if err == nil {
					t.Fatalf("no error for a 200 with %q", b.body)
				}
				if !strings.Contains(err.Error(), b.want) {
					t.Errorf("error %q does not say %q", err, b.want)
				}
				if strings.Contains(err.Error(), "\x00") || strings.Contains(err.Error(), "\xff") {
					t.Errorf("error %q carries the body's raw bytes", err)
				}
				var nf *cloud.NotFoundError
				if errors.As(err, &nf) || cloud.StatusOf(err) != 0 {
					t.Errorf("error %q passes for an API error", err)
				}
			})
		}
	}
}

// A request status without a status would be waited on until the deadline;
// it is an error at once, from the SDK's decoding and from the lenient one.
func TestEvolvedRequestStatusWithoutStatus(t *testing.T) {
	for _, body := range []string{
		`{"id":"x","type":"request-status","metadata":{"etag":"e"}}`,
		`{"id":"x","type":"request-status","metadata":{"etag":"e","targets":[{"target":{"id":"y","type":"future-thing"}}]}}`,
		`{"id":"x","type":"future-thing","metadata":"soon"}`,
	} {
		c, api := newEvolved(t)
		api.broken = &struct{ contentType, body string }{"application/json", body}
		got, err := c.RequestStatus(context.Background(), evoReqKnown)
		if err == nil || !strings.Contains(err.Error(), "status") {
			t.Errorf("RequestStatus with %s = %+v, %v; want an error", body, got, err)
		}
	}
}
