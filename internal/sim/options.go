package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// Options configure a Simulator. The zero value works: one account with a
// random token, dataset.Default, the real clock and DefaultTiming.
type Options struct {
	Token        string           // bearer token of the default account; "" = a random token (see Simulator.Token)
	Username     string           // optional Basic-auth user of the default account (with Password)
	Password     string           // password for Username
	Dataset      *dataset.Dataset // default account's data; nil = dataset.Default()
	Accounts     []Account        // additional accounts, each with its own token and dataset (isolated state and request ids)
	Clock        Clock            // nil = real time
	Timing       Timing           // durations of the asynchronous engine
	RateLimit    RateLimit        // zero = off
	Faults       []Fault          // initial faults (see Fault)
	Seed         int64            // seeds every random choice (fault probabilities, jitter, request ids), so runs repeat
	MaxBodyBytes int64            // request body limit; 0 = 1 MiB
	Logger       *slog.Logger     // nil = discard

	// LatencyPerMB is the time an answer costs per 1,000,000 bytes of its
	// body, on top of latency faults (real time, like them). 0 means
	// DefaultLatencyPerMB; a negative value means answers cost nothing.
	LatencyPerMB time.Duration
	// GatewayTimeout is when the gateway in front of the API gives up on
	// an answer and sends 504 instead (a POST behind it is still
	// executed). 0 means DefaultGatewayTimeout; a negative value means no
	// gateway timeout.
	GatewayTimeout time.Duration
}

// Defaults of the cost model. An API that builds about 10 MB of deep JSON
// a second costs 100 ms per MB; 60 s is the common idle timeout of load
// balancers and proxies (nginx, AWS ALB). docs/simulator.md says more.
const (
	DefaultLatencyPerMB   = 100 * time.Millisecond
	DefaultGatewayTimeout = 60 * time.Second
)

// Account is one more IONOS account: its own credentials and its own data.
// A nil Dataset means dataset.Default().
type Account struct {
	Token    string
	Username string
	Password string
	Dataset  *dataset.Dataset
}

// Timing of the asynchronous engine. Zero fields take DefaultTiming's value
// (use a negative value for "no time at all"); Scale multiplies every
// duration (0 means 1), so --time-scale 0.01 turns a 20 s start into 200 ms.
type Timing struct {
	Queue    time.Duration // from acceptance until RUNNING (when nothing is ahead on the server)
	Start    time.Duration // RUNNING phase length of a start
	Stop     time.Duration // ... of a stop
	Reboot   time.Duration // ... of a reboot
	Suspend  time.Duration // ... of a suspend
	Resume   time.Duration // ... of a resume
	StateLag time.Duration // after the request is DONE, the server reaches its final vmState this much later
	Scale    float64
}

// DefaultTiming is human-paced but realistic: an agent waiting on a start sees
// it queue, run for a while and settle, as on the real platform.
func DefaultTiming() Timing {
	return Timing{
		Queue:    time.Second,
		Start:    20 * time.Second,
		Stop:     10 * time.Second,
		Reboot:   25 * time.Second,
		Suspend:  10 * time.Second,
		Resume:   15 * time.Second,
		StateLag: time.Second,
		Scale:    1,
	}
}

// RateLimit is a token bucket per account: it refills PerMinute tokens per
// minute up to Burst. The zero value turns rate limiting off.
type RateLimit struct {
	PerMinute int `json:"perMinute"`
	Burst     int `json:"burst"`
}

// enabled reports whether requests are limited at all.
func (r RateLimit) enabled() bool { return r.PerMinute > 0 }

// Nominal values advertised in X-RateLimit-* when rate limiting is off, so
// clients that read the headers see plausible numbers.
const (
	nominalPerMinute = 600
	nominalBurst     = 50
)

// defaultMaxBodyBytes bounds request bodies when Options.MaxBodyBytes is 0.
const defaultMaxBodyBytes = 1 << 20

// timing is Timing resolved: defaults filled in and the scale applied.
type timing struct {
	queue, stateLag time.Duration
	action          [actionCount]time.Duration
}

func (t Timing) resolve() (timing, error) {
	scale := t.Scale
	if scale < 0 {
		return timing{}, fmt.Errorf("timing scale %v: must not be negative", scale)
	}
	if scale == 0 {
		scale = 1
	}
	d := DefaultTiming()
	pick := func(v, def time.Duration) time.Duration {
		switch {
		case v < 0:
			return 0
		case v == 0:
			v = def
		}
		return time.Duration(float64(v) * scale)
	}
	var r timing
	r.queue = pick(t.Queue, d.Queue)
	r.stateLag = pick(t.StateLag, d.StateLag)
	r.action[actionStart] = pick(t.Start, d.Start)
	r.action[actionStop] = pick(t.Stop, d.Stop)
	r.action[actionReboot] = pick(t.Reboot, d.Reboot)
	r.action[actionSuspend] = pick(t.Suspend, d.Suspend)
	r.action[actionResume] = pick(t.Resume, d.Resume)
	return r, nil
}

// validate checks what New cannot repair.
func (o *Options) validate() error {
	if o.MaxBodyBytes < 0 {
		return errors.New("max body bytes must not be negative")
	}
	if o.RateLimit.PerMinute < 0 || o.RateLimit.Burst < 0 {
		return fmt.Errorf("rate limit %d/min burst %d: must not be negative", o.RateLimit.PerMinute, o.RateLimit.Burst)
	}
	if (o.Username == "") != (o.Password == "") {
		return errors.New("default account: username and password go together")
	}
	for i, a := range o.Accounts {
		if a.Token == "" {
			return fmt.Errorf("account %d: token is empty", i+1)
		}
		if (a.Username == "") != (a.Password == "") {
			return fmt.Errorf("account %d: username and password go together", i+1)
		}
	}
	return nil
}
