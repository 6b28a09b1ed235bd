package cloud_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// count429 counts the API's 429 answers below the clients' own limiters.
type count429 struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *count429) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.n.Add(1)
	}
	return resp, err
}

// Replicas that share a budget pace as one client of the account: three
// clients with the same token, drawing from one bucket, stay within the
// account's rate limit, where three that pace alone each spend the whole
// bucket and draw 429s.
func TestSharedBudgetPacesReplicasAsOne(t *testing.T) {
	s, err := sim.Start(sim.Options{RateLimit: sim.RateLimit{PerMinute: 1200, Burst: 6}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	run := func(budget func() cloud.Config) int64 {
		counter := &count429{next: http.DefaultTransport}
		var clients []*cloud.Client
		for range 3 {
			cfg := budget()
			cfg.Token, cfg.APIURL, cfg.HTTPClient = s.Token(), s.URL+"/", &http.Client{Transport: counter}
			c, err := cloud.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Each client first learns the account's limits from one answer.
		for _, c := range clients {
			if err := c.Ping(ctx); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(400 * time.Millisecond) // the account's bucket refills
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() {
				for range 8 {
					if err := c.Ping(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		return counter.n.Load()
	}
	shared := sharedstate.NewMemory()
	together := run(func() cloud.Config { return cloud.Config{Budget: shared} })
	time.Sleep(400 * time.Millisecond)
	alone := run(func() cloud.Config { return cloud.Config{} })
	t.Logf("429 answers: %d with a shared budget, %d pacing alone", together, alone)
	if together > 1 {
		t.Fatalf("%d 429 answers with a shared budget, want at most 1", together)
	}
}
