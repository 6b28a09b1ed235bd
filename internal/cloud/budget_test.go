package cloud_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// sent records when each request left for the API, below the clients'
// own limiters, and closes got429 at the first 429.
type sent struct {
	next   http.RoundTripper
	got429 chan struct{}
	once   sync.Once
	mu     sync.Mutex
	at     []time.Time
	code   []int
}

func (s *sent) RoundTrip(r *http.Request) (*http.Response, error) {
	now := time.Now()
	resp, err := s.next.RoundTrip(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, now)
	code := 0
	if err == nil {
		code = resp.StatusCode
	}
	s.code = append(s.code, code)
	if code == http.StatusTooManyRequests {
		s.once.Do(func() { close(s.got429) })
	}
	return resp, err
}

// holding is a shared budget that says when a pause was stored in it.
type holding struct {
	*sharedstate.Memory
	held chan struct{}
	once sync.Once
}

func (h *holding) Hold(ctx context.Context, key string, d time.Duration) error {
	err := h.Memory.Hold(ctx, key, d)
	h.once.Do(func() { close(h.held) })
	return err
}

// Replicas that share a budget wait out together the pause one of them was
// told by a 429: the second replica's first request leaves only after the
// Retry-After the first replica got, instead of drawing a 429 of its own.
// Alone (logged for comparison), it leaves at once.
func TestSharedBudgetSharesThePauseAfterA429(t *testing.T) {
	for _, shared := range []bool{true, false} {
		t.Run(map[bool]string{true: "shared", false: "alone"}[shared], func(t *testing.T) {
			fault, err := sim.ParseFault("kind=status,status=429,retry-after=2,count=1")
			if err != nil {
				t.Fatal(err)
			}
			s, err := sim.Start(sim.Options{Faults: []sim.Fault{fault}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			rec := &sent{next: http.DefaultTransport, got429: make(chan struct{})}
			budget := &holding{Memory: sharedstate.NewMemory(), held: make(chan struct{})}
			paused := rec.got429 // alone, nothing is stored: the 429 itself is the moment
			if shared {
				paused = budget.held
			}
			client := func() *cloud.Client {
				cfg := cloud.Config{Token: s.Token(), APIURL: s.URL + "/", HTTPClient: &http.Client{Transport: rec}}
				if shared {
					cfg.Budget = budget
				}
				c, err := cloud.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			a, b := client(), client()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			aDone := make(chan error, 1)
			go func() { aDone <- a.Ping(ctx) }() // a 429, a 2 s wait, then 200
			<-paused
			if err := b.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-aDone; err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.code) != 3 || rec.code[0] != http.StatusTooManyRequests {
				t.Fatalf("answers %v, want a 429 first, then two more", rec.code)
			}
			// The second replica's request is the first one after the 429
			// that is not the first replica's retry; both leave at or after
			// the pause when it is shared.
			gap := min(rec.at[1].Sub(rec.at[0]), rec.at[2].Sub(rec.at[0]))
			t.Logf("%s: the next request left %v after the 429", map[bool]string{true: "shared", false: "alone"}[shared], gap.Round(time.Millisecond))
			if shared && gap < 1900*time.Millisecond {
				t.Fatalf("a request left %v after the 429, before the shared pause of 2 s ended", gap)
			}
		})
	}
}
