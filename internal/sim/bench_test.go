package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// discard is a ResponseWriter that keeps nothing, so the benchmarks measure
// the simulator rather than a recorder's buffer.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func (d *discard) reset() {
	clear(d.h)
	d.code = 0
}

func benchRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	return r
}

// BenchmarkGetServer is one simple GET, as sdk-go sends it, through
// ServeHTTP: authentication, rate headers, routing, rendering.
func BenchmarkGetServer(b *testing.B) {
	s, _ := newTestSim(b, Options{})
	dcID, srvID := defaultIDs(b, "production", "web-1")
	req := benchRequest("GET", "/cloudapi/v6/datacenters/"+dcID+"/servers/"+srvID+"?depth=0&pretty=true")
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		s.ServeHTTP(w, req)
	}
	if w.code != http.StatusOK {
		b.Fatalf("status %d", w.code)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkGetServerParallel is the same GET from GOMAXPROCS goroutines:
// they share the account's read lock.
func BenchmarkGetServerParallel(b *testing.B) {
	s, _ := newTestSim(b, Options{})
	dcID, srvID := defaultIDs(b, "production", "web-1")
	target := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "?depth=0&pretty=true"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest("GET", target)
		w := &discard{h: http.Header{}}
		for pb.Next() {
			w.reset()
			s.ServeHTTP(w, req)
			if w.code != http.StatusOK {
				b.Errorf("status %d", w.code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkListServersDepth1 lists a 1,000-server data center at depth=1,
// compact, in one page.
func BenchmarkListServersDepth1(b *testing.B) {
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 1, ServersPerDatacenter: 1000, Seed: 1})
	s, _ := newTestSim(b, Options{Dataset: d})
	req := benchRequest("GET", "/cloudapi/v6/datacenters/"+d.Datacenters[0].ID+"/servers?depth=1&pretty=false")
	w := &sizer{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.n = 0
		s.ServeHTTP(w, req)
	}
	b.SetBytes(int64(w.n))
}

// BenchmarkListDatacentersDepth3 is the whole inventory of a 10,000-server
// account in one compact call, as the product's deep plan asks for it:
// 500 data centers of 20 servers with the generator's default devices (2
// volumes and 1 NIC per server, 2 LANs per data center). body-bytes is
// the size of the answer.
func BenchmarkListDatacentersDepth3(b *testing.B) {
	d := dataset.Generate(dataset.GenerateOptions{Datacenters: 500, ServersPerDatacenter: 20, Seed: 1})
	s, _ := newTestSim(b, Options{Dataset: d})
	req := benchRequest("GET", "/cloudapi/v6/datacenters?depth=3&pretty=false")
	w := &sizer{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.n = 0
		s.ServeHTTP(w, req)
	}
	b.SetBytes(int64(w.n))
	b.ReportMetric(float64(w.n), "body-bytes")
}

// keeper keeps the last body written.
type keeper struct {
	discard
	body []byte
}

func (k *keeper) Write(b []byte) (int, error) { k.body = append(k.body, b...); return len(b), nil }
func (k *keeper) reset()                      { k.discard.reset(); k.body = k.body[:0] }

type sizer struct {
	h http.Header
	n int
}

func (z *sizer) Header() http.Header         { return z.h }
func (z *sizer) Write(b []byte) (int, error) { z.n += len(b); return len(b), nil }
func (z *sizer) WriteHeader(int)             {}

// BenchmarkPowerCycle is a whole write as a client lives it: POST stop,
// then poll the status while time passes until DONE, then start it again
// (so every iteration has a running server to stop).
func BenchmarkPowerCycle(b *testing.B) {
	s, clock := newTestSim(b, Options{Timing: testTiming})
	dcID, srvID := defaultIDs(b, "production", "web-1")
	base := "/cloudapi/v6/datacenters/" + dcID + "/servers/" + srvID + "/"
	w := &keeper{discard: discard{h: http.Header{}}}
	done := []byte(`"status":"DONE"`)
	statusReq := func(loc string) *http.Request {
		return benchRequest("GET", strings.TrimPrefix(loc, "http://example.com"))
	}
	cycle := func(action string) {
		w.reset()
		s.ServeHTTP(w, benchRequest("POST", base+action))
		if w.code != http.StatusAccepted {
			b.Fatalf("%s: %d", action, w.code)
		}
		poll := statusReq(w.h.Get("Location") + "?pretty=false")
		for {
			clock.Advance(4 * time.Second)
			w.reset()
			s.ServeHTTP(w, poll)
			if w.code != http.StatusOK {
				b.Fatalf("poll: %d", w.code)
			}
			if bytes.Contains(w.body, done) {
				break
			}
		}
		clock.Advance(2 * time.Second) // settle
	}
	b.ReportAllocs()
	for b.Loop() {
		cycle("stop")
		cycle("start")
	}
}

// BenchmarkGenerate builds a 10,000-server account (500 × 20) and a
// simulator serving it.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d := dataset.Generate(dataset.GenerateOptions{Datacenters: 500, ServersPerDatacenter: 20, Seed: 1})
		if _, err := New(Options{Token: testToken, Dataset: d}); err != nil {
			b.Fatal(err)
		}
	}
}
