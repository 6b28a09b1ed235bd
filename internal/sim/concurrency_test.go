package sim

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// TestConcurrentClients hammers a real listener with reads and writes from
// many goroutines while simulated time moves; run with -race. Afterwards
// the books must balance and every server must have settled.
func TestConcurrentClients(t *testing.T) {
	clock := NewManualClock(t0)
	srv, err := Start(Options{Token: testToken, Clock: clock, Timing: testTiming})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()

	d := dataset.Default()
	const workers, rounds = 8, 25
	var calls, accepted atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() { // time moves while clients work
		for {
			select {
			case <-stop:
				return
			default:
				clock.Advance(500 * time.Millisecond)
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				dc := d.Datacenters[(w+i)%len(d.Datacenters)]
				s := dc.Servers[i%len(dc.Servers)]
				base := srv.URL + "/cloudapi/v6/datacenters/" + dc.ID
				send(t, client, "GET", srv.URL+"/cloudapi/v6/datacenters?depth=3&pretty=false", &calls)
				send(t, client, "GET", base+"/servers/"+s.ID, &calls)
				code, loc := send(t, client, "POST", base+"/servers/"+s.ID+"/"+actionNames[(w+i)%int(actionCount)], &calls)
				if code == http.StatusAccepted {
					accepted.Add(1)
					send(t, client, "GET", loc, &calls)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)

	st := srv.Stats()
	if st.Requests != calls.Load() || int64(len(st.Writes)) != accepted.Load() || accepted.Load() != workers*rounds {
		t.Errorf("stats: %d calls, %d writes; clients made %d calls, %d accepted", st.Requests, len(st.Writes), calls.Load(), accepted.Load())
	}
	clock.Advance(time.Hour)
	for _, dc := range srv.Snapshot().Datacenters {
		for _, s := range dc.Servers {
			if v := viewServer(t, srv, dc.ID, s.ID); v.state == "BUSY" {
				t.Errorf("%s/%s still BUSY an hour later", dc.Name, s.Name)
			}
		}
	}
	list := get(t, srv, "/cloudapi/v6/requests?filter.status=QUEUED")
	if n := len(path(t, list, "items").([]any)); n != 0 {
		t.Errorf("%d requests still QUEUED", n)
	}
}

// send makes one call; it must succeed at the HTTP level (any status).
func send(t *testing.T, c *http.Client, method, url string, calls *atomic.Int64) (int, string) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	calls.Add(1)
	resp, err := c.Do(req)
	if err != nil {
		t.Error(fmt.Errorf("%s %s: %w", method, url, err))
		return 0, ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		t.Errorf("%s %s: %d", method, url, resp.StatusCode)
	}
	return resp.StatusCode, resp.Header.Get("Location")
}
