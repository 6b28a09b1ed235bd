package sharedstate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate/redistest"
)

// stores runs each contract test on the memory store and on a real Redis.
func stores(t *testing.T) map[string]sharedstate.Store {
	t.Helper()
	rs := redistest.Start(t)
	r, err := sharedstate.OpenRedis(context.Background(), rs.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return map[string]sharedstate.Store{"memory": sharedstate.NewMemory(), "redis": r}
}

func TestClaimOnceUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for round := range 20 {
				key := name + "-grant-" + string(rune('a'+round))
				var wins atomic.Int32
				var wg sync.WaitGroup
				start := make(chan struct{})
				for range 16 {
					wg.Go(func() {
						<-start
						ok, err := s.Claim(ctx, key, time.Minute)
						if err != nil {
							t.Error(err)
						}
						if ok {
							wins.Add(1)
						}
					})
				}
				close(start)
				wg.Wait()
				if n := wins.Load(); n != 1 {
					t.Fatalf("round %d: %d callers claimed one key, want exactly 1", round, n)
				}
			}
		})
	}
}

func TestClaimExpires(t *testing.T) {
	now := time.Unix(1e9, 0)
	m := sharedstate.NewMemory().WithClock(func() time.Time { return now })
	ctx := context.Background()
	if ok, _ := m.Claim(ctx, "k", time.Second); !ok {
		t.Fatal("first claim refused")
	}
	if ok, _ := m.Claim(ctx, "k", time.Second); ok {
		t.Fatal("second claim within its time granted")
	}
	now = now.Add(2 * time.Second)
	if ok, _ := m.Claim(ctx, "k", time.Second); !ok {
		t.Fatal("a claim past its time still refused")
	}
}

func TestAllowSharesOneBucket(t *testing.T) {
	ctx := context.Background()
	// 1 per minute: nothing refills while the test runs.
	l := sharedstate.Limit{PerSecond: 1.0 / 60, Burst: 5}
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			allowed := 0
			for range 12 {
				d, err := s.Allow(ctx, "caller-"+name, l, 1)
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed {
					allowed++
				} else if d.RetryAfter <= 0 {
					t.Fatalf("refused with retry after %v", d.RetryAfter)
				}
			}
			if allowed != 5 {
				t.Fatalf("%d of 12 allowed from a bucket of 5", allowed)
			}
			if d, _ := s.Allow(ctx, "other-"+name, l, 3); !d.Allowed {
				t.Fatal("another key shares the bucket")
			}
			if d, _ := s.Allow(ctx, "other-"+name, l, 3); d.Allowed {
				t.Fatal("3 more taken from a bucket with 2 left")
			}
			if d, _ := s.Allow(ctx, "big-"+name, l, 6); d.Allowed || d.RetryAfter >= 0 {
				t.Fatalf("6 from a bucket of 5: %+v, want never (negative retry)", d)
			}
		})
	}
}

func TestHoldNeverShortens(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if d, _ := s.Held(ctx, "api"); d != 0 {
				t.Fatalf("held %v before any hold", d)
			}
			_ = s.Hold(ctx, "api", 30*time.Second)
			_ = s.Hold(ctx, "api", time.Second)
			d, err := s.Held(ctx, "api")
			if err != nil {
				t.Fatal(err)
			}
			if d < 25*time.Second || d > 30*time.Second {
				t.Fatalf("held %v, want about 30 s", d)
			}
		})
	}
}

func TestRedisDown(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	r, err := sharedstate.OpenRedis(ctx, rs.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rs.Stop()
	if _, err := r.Claim(ctx, "k", time.Minute); !errors.Is(err, sharedstate.ErrUnavailable) {
		t.Fatalf("claim with Redis down: %v, want ErrUnavailable", err)
	}
	if _, err := r.Allow(ctx, "k", sharedstate.Limit{PerSecond: 1, Burst: 1}, 1); !errors.Is(err, sharedstate.ErrUnavailable) {
		t.Fatalf("allow with Redis down: %v", err)
	}
	if _, _, err := r.Get(ctx, "k"); !errors.Is(err, sharedstate.ErrUnavailable) {
		t.Fatalf("get with Redis down: %v, want ErrUnavailable", err)
	}
	rs.Restart(t)
	time.Sleep(1100 * time.Millisecond) // past the moment a failure is believed
	if ok, err := r.Claim(ctx, "k", time.Minute); err != nil || !ok {
		t.Fatalf("after Redis came back: %v %v", ok, err)
	}
}

func TestOpenRedisErrorsKeepThePassword(t *testing.T) {
	for _, u := range []string{"http://:s3cret-pass@host:6379", "redis://:s3cret-pass@127.0.0.1:1/0", "::s3cret-pass"} {
		_, err := sharedstate.OpenRedis(context.Background(), u)
		if err == nil {
			t.Fatalf("%q: no error", u)
		}
		if msg := err.Error(); strings.Contains(msg, "s3cret-pass") {
			t.Fatalf("the error repeats the password: %s", msg)
		}
	}
}

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, found, err := s.Get(ctx, name+"-none"); err != nil || found {
				t.Fatalf("get of a key never put: found %v, err %v", found, err)
			}
			if err := s.Put(ctx, name+"-plan", []byte("first"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(ctx, name+"-plan", []byte("second"), time.Minute); err != nil {
				t.Fatal(err)
			}
			v, found, err := s.Get(ctx, name+"-plan")
			if err != nil || !found || string(v) != "second" {
				t.Fatalf("get: %q, found %v, err %v; want the last value put", v, found, err)
			}
		})
	}
}

func TestPutExpires(t *testing.T) {
	now := time.Unix(1e9, 0)
	m := sharedstate.NewMemory().WithClock(func() time.Time { return now })
	ctx := context.Background()
	if err := m.Put(ctx, "k", []byte("v"), time.Second); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	if _, found, _ := m.Get(ctx, "k"); found {
		t.Fatal("a value past its time is still found")
	}
}
