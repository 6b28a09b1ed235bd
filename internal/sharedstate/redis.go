package sharedstate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// prefix keeps our keys apart from anything else in the same Redis.
const prefix = "ionos-mcp:"

// Redis is the Store of replicas that share one Redis.
type Redis struct {
	rdb  *redis.Client
	rate *redis_rate.Limiter
	addr string // host:port, for messages; never the URL, which may hold a password
	// downUntil (Unix nanoseconds) makes calls fail at once for a moment
	// after Redis did not answer: reads that go on without Redis should not
	// each wait out a dial timeout.
	downUntil atomic.Int64
}

// downFor is how long a failure to reach Redis is believed before the
// next call tries again.
const downFor = time.Second

// OpenRedis connects to the Redis at rawURL (redis:// or rediss://, with
// an optional password and database number) and checks that it answers.
// A URL that cannot be parsed is an error; a Redis that does not answer
// yet is one too, but the store is returned with it, ready to use once
// Redis is up (a replica may start before its Redis does).
func OpenRedis(ctx context.Context, rawURL string) (*Redis, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("IONOS_MCP_REDIS_URL: %s: want redis://[:password@]host:port[/db] or rediss://…", parseProblem(rawURL))
	}
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout = opTimeout
	opt.MaxRetries = 1
	rdb := redis.NewClient(opt)
	r := &Redis{rdb: rdb, rate: redis_rate.NewLimiter(rdb), addr: opt.Addr}
	pctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		return r, r.unavailable(err)
	}
	return r, nil
}

// parseProblem describes what is wrong with a Redis URL without repeating
// it, since it may hold a password.
func parseProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "not a URL"
	case u.Scheme != "redis" && u.Scheme != "rediss":
		return fmt.Sprintf("scheme %q is not redis or rediss", u.Scheme)
	}
	return "not a valid Redis URL"
}

func (r *Redis) unavailable(err error) error {
	r.downUntil.Store(time.Now().Add(downFor).UnixNano())
	return fmt.Errorf("%w (%s): %v", ErrUnavailable, r.addr, err)
}

// down fails fast while Redis was just found unreachable.
func (r *Redis) down() error {
	if time.Now().UnixNano() < r.downUntil.Load() {
		return fmt.Errorf("%w (%s): it did not answer a moment ago", ErrUnavailable, r.addr)
	}
	return nil
}

// Claim implements Store with SET NX: Redis runs it atomically, so of
// any number of replicas exactly one sees it succeed.
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := r.down(); err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	ok, err := r.rdb.SetNX(ctx, prefix+"claim:"+key, 1, ttl).Result()
	if err != nil {
		return false, r.unavailable(err)
	}
	return ok, nil
}

// Allow implements Store with the GCRA of redis_rate, which reads Redis's
// own clock, so replicas whose clocks drift still share one bucket.
func (r *Redis) Allow(ctx context.Context, key string, l Limit, n int) (Decision, error) {
	if n > l.Burst {
		return Decision{RetryAfter: -1}, nil
	}
	if err := r.down(); err != nil {
		return Decision{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	res, err := r.rate.AllowN(ctx, prefix+key, gcra(l), n)
	if err != nil {
		return Decision{}, r.unavailable(err)
	}
	if res.Allowed >= n {
		return Decision{Allowed: true}, nil
	}
	return Decision{RetryAfter: max(res.RetryAfter, time.Millisecond)}, nil
}

// gcra expresses a rate as redis_rate wants it: whole events per period.
func gcra(l Limit) redis_rate.Limit {
	if l.PerSecond >= 1 && l.PerSecond == math.Trunc(l.PerSecond) {
		return redis_rate.Limit{Rate: int(l.PerSecond), Burst: l.Burst, Period: time.Second}
	}
	return redis_rate.Limit{Rate: 1, Burst: l.Burst, Period: time.Duration(float64(time.Second) / l.PerSecond)}
}

// holdScript extends a hold and never shortens it.
var holdScript = redis.NewScript(`
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
end
return 1`)

// Hold implements Store.
func (r *Redis) Hold(ctx context.Context, key string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := r.down(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := holdScript.Run(ctx, r.rdb, []string{prefix + "hold:" + key}, d.Milliseconds()).Err(); err != nil {
		return r.unavailable(err)
	}
	return nil
}

// Held implements Store.
func (r *Redis) Held(ctx context.Context, key string) (time.Duration, error) {
	if err := r.down(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	d, err := r.rdb.PTTL(ctx, prefix+"hold:"+key).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, r.unavailable(err)
	}
	return max(d, 0), nil
}

// Put implements Store.
func (r *Redis) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := r.down(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := r.rdb.Set(ctx, prefix+"value:"+key, value, ttl).Err(); err != nil {
		return r.unavailable(err)
	}
	return nil
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := r.down(); err != nil {
		return nil, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	v, err := r.rdb.Get(ctx, prefix+"value:"+key).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, r.unavailable(err)
	}
	return v, true, nil
}

// Shared implements Store.
func (r *Redis) Shared() bool { return true }

// Close implements Store.
func (r *Redis) Close() error { return r.rdb.Close() }
