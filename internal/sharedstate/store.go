// Package sharedstate holds what the replicas of a hosted deployment must
// agree on: that a confirmation grant runs once, how much of a rate budget
// is left, and the plans of set actions awaiting a decision. One process keeps it in memory; replicas share it in
// Redis (IONOS_MCP_REDIS_URL).
package sharedstate

import (
	"context"
	"errors"
	"time"
)

// Limit is a token bucket: PerSecond refill, Burst size.
type Limit struct {
	PerSecond float64
	Burst     int
}

// Decision is the outcome of taking from a bucket.
type Decision struct {
	Allowed bool
	// RetryAfter is how long until the same request would be allowed; zero
	// when allowed, negative when it never would be (more than the burst).
	RetryAfter time.Duration
}

// Store is the state replicas share. Every method is safe for concurrent
// use, and in Redis atomic across replicas.
type Store interface {
	// Claim marks key as taken for ttl. It reports true to the one caller
	// that took it first, whatever the timing, and false to every other.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Allow takes n tokens from the bucket key when it holds them.
	Allow(ctx context.Context, key string, l Limit, n int) (Decision, error)
	// Hold keeps key held for at least d from now (it never shortens a hold).
	Hold(ctx context.Context, key string, d time.Duration) error
	// Held says how long key is still held; zero when it is not.
	Held(ctx context.Context, key string) (time.Duration, error)
	// Put keeps value under key for ttl, replacing what was there.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Get returns the value kept under key; found is false when there is
	// none, or it expired.
	Get(ctx context.Context, key string) (value []byte, found bool, err error)
	// Shared reports whether other processes see the same state.
	Shared() bool
	Close() error
}

// ErrUnavailable wraps every failure to reach the shared store, so that
// callers can tell "the store is down" from "the store said no".
var ErrUnavailable = errors.New("the shared state store (IONOS_MCP_REDIS_URL) cannot be reached")

// opTimeout bounds every call to Redis: a shared store that does not
// answer must not hold a tool call for long.
const opTimeout = 2 * time.Second
