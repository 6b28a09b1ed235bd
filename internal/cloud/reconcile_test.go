package cloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

const (
	dcID  = "2e4d3c55-300c-595b-b73e-e0dc888f9007"
	srvID = "781355ba-1a74-533d-a93b-fe794f5d6136"
	reqID = "f2354da4-83e3-4e92-9d23-f3cb1ffecc31"
)

// lostWriteAPI plays an API whose answer to a POST is lost behind a
// gateway (an HTML 502), and whose request list holds the request the POST
// created, in a shape the SDK cannot decode (a target type it does not know).
func lostWriteAPI(t *testing.T, recordHeader bool) *httptest.Server {
	var mu sync.Mutex
	var callID string
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost:
			callID = r.Header.Get("X-Ionos-Mcp-Call")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
		case r.URL.Path == "/cloudapi/v6/requests":
			if r.URL.Query().Get("filter.method") != "POST" || !strings.Contains(r.URL.Query().Get("filter.url"), srvID+"/stop") {
				t.Errorf("request list searched with %s", r.URL.RawQuery)
			}
			headers := `{}`
			if recordHeader {
				headers = fmt.Sprintf(`{"X-Ionos-Mcp-Call":%q}`, callID)
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"requests","type":"collection","items":[
				{"id":"00000000-0000-4000-8000-000000000000","type":"request","metadata":{"createdDate":"2020-01-01T00:00:00Z"},
				 "properties":{"method":"POST","url":"https://api.example/cloudapi/v6/datacenters/%[1]s/servers/%[2]s/stop","headers":{}}},
				{"id":%[3]q,"type":"request","metadata":{"createdDate":%[4]q,"requestStatus":{"type":"future-thing"}},
				 "properties":{"method":"POST","url":"https://api.example/cloudapi/v6/datacenters/%[1]s/servers/%[2]s/stop?pretty=false","headers":%[5]s}}],
				"offset":0,"limit":100,"_links":{}}`, dcID, srvID, reqID, time.Now().UTC().Format(time.RFC3339), headers)
		default:
			http.NotFound(w, r)
		}
	}))
}

// A write whose answer was lost is found in the request list by its call
// id, or, when the API does not record it, by action, server and time; the
// POST is never sent twice.
func TestLostWriteIsFound(t *testing.T) {
	for _, tagged := range []bool{true, false} {
		t.Run(fmt.Sprintf("call id recorded: %v", tagged), func(t *testing.T) {
			api := lostWriteAPI(t, tagged)
			defer api.Close()
			c, err := cloud.New(cloud.Config{Token: "t", APIURL: api.URL})
			if err != nil {
				t.Fatal(err)
			}
			s := cloud.Server{ID: srvID, DatacenterID: dcID, Name: "etl-1"}
			id, err := c.PowerAction(context.Background(), s, cloud.Stop)
			if err != nil || id != reqID {
				t.Fatalf("PowerAction = %q, %v; want the request from the list", id, err)
			}
		})
	}
}

func TestLostWriteNotFound(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusGatewayTimeout)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"requests","type":"collection","items":[],"offset":0,"limit":100,"_links":{}}`)
	}))
	defer api.Close()
	c, _ := cloud.New(cloud.Config{Token: "t", APIURL: api.URL})
	_, err := c.PowerAction(context.Background(), cloud.Server{ID: srvID, DatacenterID: dcID, Name: "etl-1"}, cloud.Stop)
	var uw *cloud.UnconfirmedWriteError
	if !errors.As(err, &uw) || !uw.Checked || !strings.Contains(err.Error(), "most likely not executed") {
		t.Fatalf("PowerAction = %v", err)
	}
}

// A request of another call (tagged with another call id), for the same
// action on the same server a moment earlier, is not taken for the lost one.
func TestLostWriteIgnoresOtherCalls(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"requests","type":"collection","items":[
			{"id":%q,"type":"request","metadata":{"createdDate":%q},
			 "properties":{"method":"POST","url":"https://api.example/cloudapi/v6/datacenters/%s/servers/%s/stop","headers":{"X-Ionos-Mcp-Call":"an-earlier-call"}}}],
			"offset":0,"limit":100,"_links":{}}`, reqID, time.Now().UTC().Format(time.RFC3339), dcID, srvID)
	}))
	defer api.Close()
	c, _ := cloud.New(cloud.Config{Token: "t", APIURL: api.URL})
	id, err := c.PowerAction(context.Background(), cloud.Server{ID: srvID, DatacenterID: dcID, Name: "etl-1"}, cloud.Stop)
	var uw *cloud.UnconfirmedWriteError
	if id != "" || !errors.As(err, &uw) {
		t.Fatalf("PowerAction = %q, %v; another call's request was taken for this one", id, err)
	}
}
