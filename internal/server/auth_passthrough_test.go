package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// passthroughBehind is a pass-through endpoint; trusted are its trusted
// proxies.
func passthroughBehind(t *testing.T, so sim.Options, trusted []string) *hosted {
	return startHosted(t, so, func(c *config.Config) {
		c.HTTP.Auth, c.HTTP.Token, c.HTTP.TrustedProxies = AuthPassthrough, "", trusted
	}, HTTPOptions{RatePerSecond: 1000})
}

// flood sends n made-up tokens, from the source xff(i) when it is not
// empty, on a few goroutines at once, and counts the answers by status.
func flood(t *testing.T, url string, n int, xff func(i int) string) map[int]int {
	t.Helper()
	var (
		mu    sync.Mutex
		codes = map[int]int{}
		wg    sync.WaitGroup
		errs  = make(chan error, n)
		next  = make(chan int)
	)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				hdr := map[string]string{"Authorization": fmt.Sprintf("Bearer made-up-token-%04d-0123456789", i)}
				if x := xff(i); x != "" {
					hdr["X-Forwarded-For"] = x
				}
				a, err := send(http.MethodPost, url, hdr, initBody)
				if err != nil {
					errs <- err
					continue
				}
				if a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") == "" {
					errs <- fmt.Errorf("503 without Retry-After: %q", a.body)
				}
				mu.Lock()
				codes[a.status]++
				mu.Unlock()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return codes
}

// verifyBound is how many tokens one source may have checked in d: the
// burst, and what refills meanwhile.
func verifyBound(d time.Duration) int64 {
	return verifyBurst + int64(verifyPerSecond*d.Seconds()) + 1
}

// A flood of made-up tokens from one source spends that source's budget
// only: a real user elsewhere is let in at the first try.
func TestPassthroughFloodDoesNotLockOthersOut(t *testing.T) {
	h := passthroughBehind(t, sim.Options{}, []string{"127.0.0.1"})
	url := h.ts.URL + "/mcp"
	before, start := h.sim.Stats().Requests, time.Now()
	codes := flood(t, url, 200, func(int) string { return "203.0.113.66" })
	calls, took := h.sim.Stats().Requests-before, time.Since(start)
	if codes[http.StatusServiceUnavailable] == 0 || codes[http.StatusUnauthorized] == 0 {
		t.Errorf("flood answers %v: want 401 while the source's budget lasts, then 503", codes)
	}
	if calls > verifyBound(took) {
		t.Errorf("the flood made %d API calls in %v, want at most %d", calls, took, verifyBound(took))
	}
	a := mustSend(t, http.MethodPost, url, map[string]string{"Authorization": "Bearer " + h.sim.Token(), "X-Forwarded-For": "198.51.100.7"}, initBody)
	if a.status != http.StatusOK {
		t.Fatalf("a valid token from another source after the flood: %d %q, want 200", a.status, a.body)
	}
}

// X-Forwarded-For from a peer that is not a trusted proxy is ignored: a
// flood that names a new source in each request still has one budget.
func TestPassthroughIgnoresUntrustedForwardedFor(t *testing.T) {
	for _, trusted := range [][]string{nil, {"10.0.0.0/8"}} {
		t.Run(fmt.Sprint(trusted), func(t *testing.T) {
			h := passthroughBehind(t, sim.Options{}, trusted)
			before, start := h.sim.Stats().Requests, time.Now()
			codes := flood(t, h.ts.URL+"/mcp", 200, func(i int) string { return fmt.Sprintf("203.0.%d.%d", i/250, i%250+1) })
			calls, took := h.sim.Stats().Requests-before, time.Since(start)
			if calls > verifyBound(took) {
				t.Errorf("a flood with a forged source per request made %d API calls in %v, want at most %d: X-Forwarded-For was believed", calls, took, verifyBound(took))
			}
			if codes[http.StatusServiceUnavailable] == 0 {
				t.Errorf("flood answers %v: want 503 once the one budget is spent", codes)
			}
		})
	}
}

// The verdict cache knows a token by its full SHA-256, which never
// appears in the logs; the logs name the caller by its short fingerprint.
func TestVerdictCacheKeyIsTheFullHash(t *testing.T) {
	s, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: 0.0005}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var logs syncBuffer
	srv, err := New(Options{Config: config.Config{APIURL: s.URL, HTTP: config.HTTP{Addr: "127.0.0.1:0", Auth: AuthPassthrough}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), HTTPClient: &http.Client{Transport: &failFirst{}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	a := newAuthenticator(srv, srv.cfg.HTTP, &sources{})
	tok := s.Token()
	// The first check fails and is logged; the second one is cached.
	if _, no := a.passthrough(context.Background(), tok, "192.0.2.1"); no == nil || no.status != http.StatusServiceUnavailable {
		t.Fatalf("a check that could not reach the API: %+v, want 503", no)
	}
	if _, no := a.passthrough(context.Background(), tok, "192.0.2.1"); no != nil {
		t.Fatalf("a valid token: %+v", no)
	}
	a.cache.mu.Lock()
	keys := make([]string, 0, len(a.cache.m))
	for k := range a.cache.m {
		keys = append(keys, k)
	}
	a.cache.mu.Unlock()
	if len(keys) != 1 || keys[0] != tokenKey(tok) || len(keys[0]) != 64 {
		t.Fatalf("cache keys %q, want the 64 hex digits of the token's SHA-256", keys)
	}
	out := logs.String()
	if !strings.Contains(out, "ionos-"+fingerprint(tok)) {
		t.Errorf("the log does not name the caller by its fingerprint: %s", out)
	}
	if strings.Contains(out, tokenKey(tok)) || strings.Contains(out, tok) {
		t.Errorf("the log holds the cache key or the token: %s", out)
	}
}

// failFirst fails the first API call as an unreachable API would, and
// passes the others.
type failFirst struct{ failed atomic.Bool }

func (f *failFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.failed.CompareAndSwap(false, true) {
		return nil, errors.New("connection refused (test)")
	}
	return http.DefaultTransport.RoundTrip(r)
}
