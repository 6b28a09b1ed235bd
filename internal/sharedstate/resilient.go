package sharedstate

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"
)

// Resilient is how the hosted server uses a shared store: when it cannot
// be reached, claims and kept values fail (a grant that cannot be proven
// unused must not run, and a plan that other replicas cannot read must not
// be offered), while rate budgets fall back to this process's own, so
// reads go on.
// Each outage is logged, not each failed call.
type Resilient struct {
	Store
	local  *Memory
	log    *slog.Logger
	warned atomic.Int64 // Unix nanoseconds of the last warning
}

// warnEvery spaces the warnings of one outage.
const warnEvery = 30 * time.Second

// NewResilient wraps primary; log receives the outage warnings.
func NewResilient(primary Store, log *slog.Logger) *Resilient {
	return &Resilient{Store: primary, local: NewMemory(), log: log}
}

// Claim implements Store: no fallback, ever.
func (r *Resilient) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := r.Store.Claim(ctx, key, ttl)
	if err != nil {
		r.warn(err, "confirmed actions are refused until it is back")
	}
	return ok, err
}

// Allow implements Store, falling back to this process's bucket.
func (r *Resilient) Allow(ctx context.Context, key string, l Limit, n int) (Decision, error) {
	d, err := r.Store.Allow(ctx, key, l, n)
	if errors.Is(err, ErrUnavailable) {
		r.warn(err, "rate limits are counted per replica until it is back")
		return r.local.Allow(ctx, key, l, n)
	}
	return d, err
}

// Hold implements Store, falling back to this process's holds.
func (r *Resilient) Hold(ctx context.Context, key string, d time.Duration) error {
	err := r.Store.Hold(ctx, key, d)
	if errors.Is(err, ErrUnavailable) {
		r.warn(err, "pauses after the API's 429s are kept per replica until it is back")
		return r.local.Hold(ctx, key, d)
	}
	return err
}

// Held implements Store, falling back to this process's holds.
func (r *Resilient) Held(ctx context.Context, key string) (time.Duration, error) {
	d, err := r.Store.Held(ctx, key)
	if errors.Is(err, ErrUnavailable) {
		r.warn(err, "pauses after the API's 429s are kept per replica until it is back")
		return r.local.Held(ctx, key)
	}
	return d, err
}

// Put implements Store: no fallback, since other replicas would not see it.
func (r *Resilient) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	err := r.Store.Put(ctx, key, value, ttl)
	if err != nil {
		r.warn(err, "set actions cannot be planned until it is back")
	}
	return err
}

// Get implements Store: no fallback.
func (r *Resilient) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := r.Store.Get(ctx, key)
	if err != nil {
		r.warn(err, "planned set actions cannot run until it is back")
	}
	return v, ok, err
}

func (r *Resilient) warn(err error, consequence string) {
	now := time.Now().UnixNano()
	last := r.warned.Load()
	if now-last < int64(warnEvery) || !r.warned.CompareAndSwap(last, now) {
		return
	}
	r.log.Warn("shared state unreachable: "+consequence, "err", err)
}
