package sim

import (
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// Simulator is the simulated IONOS Cloud API v6. It is an http.Handler; use
// Start for a real listener. Safe for concurrent use.
type Simulator struct {
	clock     Clock
	timing    timing
	rateLimit RateLimit
	maxBody   int64
	log       *slog.Logger
	cost      costModel
	sleep     sleepFunc // holds answers; tests replace it to record what it was asked

	def     *account            // the default account
	byToken map[string]*account // immutable after New
	byUser  map[string]*account // Basic-auth users; immutable after New

	faults *faultSet
	stats  *statsRecorder
	bufs   sync.Pool // *jsonWriter

	// Advertised X-RateLimit-* values when rate limiting is off.
	nominalLimit, nominalBurst []string
}

// New builds a Simulator. It fails on invalid options: a dataset that does
// not validate, duplicate tokens or users, a bad fault.
func New(opts Options) (*Simulator, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	tm, err := opts.Timing.resolve()
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	fs, err := newFaultSet(opts.Seed, opts.Faults)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	s := &Simulator{
		clock:     opts.Clock,
		timing:    tm,
		rateLimit: opts.RateLimit,
		maxBody:   opts.MaxBodyBytes,
		log:       opts.Logger,
		cost:      newCostModel(opts.LatencyPerMB, opts.GatewayTimeout),
		sleep:     sleep,
		byToken:   map[string]*account{},
		byUser:    map[string]*account{},
		faults:    fs,
		stats:     newStatsRecorder(),
	}
	s.applyDefaults()
	if err := s.addAccounts(opts); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	s.bufs.New = func() any { return &jsonWriter{buf: make([]byte, 0, 4096)} }
	return s, nil
}

func (s *Simulator) applyDefaults() {
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.maxBody == 0 {
		s.maxBody = defaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	limit, burst := nominalPerMinute, nominalBurst
	if s.rateLimit.enabled() {
		limit, burst = s.rateLimit.PerMinute, max(s.rateLimit.Burst, 1)
	}
	s.nominalLimit = []string{strconv.Itoa(limit)}
	s.nominalBurst = []string{strconv.Itoa(burst)}
}

// addAccounts builds the default account and the extra ones, each from its
// own copy of its dataset so callers can keep using theirs.
func (s *Simulator) addAccounts(opts Options) error {
	token := opts.Token
	if token == "" {
		token = randomToken()
	}
	all := append([]Account{{Token: token, Username: opts.Username, Password: opts.Password, Dataset: opts.Dataset}}, opts.Accounts...)
	for i, a := range all {
		d := a.Dataset
		if d == nil {
			d = dataset.Default()
		}
		if err := d.Validate(); err != nil {
			return fmt.Errorf("account %d: %w", i, err)
		}
		if _, dup := s.byToken[a.Token]; dup {
			return fmt.Errorf("account %d: token is already used by another account", i)
		}
		acct := newAccount(i, opts.Seed, a.Token, a.Username, a.Password, d, s.rateLimit)
		s.byToken[a.Token] = acct
		if a.Username != "" {
			if _, dup := s.byUser[a.Username]; dup {
				return fmt.Errorf("account %d: username %q is already used by another account", i, a.Username)
			}
			s.byUser[a.Username] = acct
		}
		if i == 0 {
			s.def = acct
		}
	}
	return nil
}

// maxPooledBuffer keeps a rare huge listing from pinning its buffer, while
// letting the common big ones reuse theirs instead of growing a new one
// every time: 1,000 servers at depth 1 are about 1.6 MB, the depth-3
// inventory of a 10,000-server account about 38 MB (growing that buffer
// from scratch allocates 200 MB). sync.Pool drops buffers nobody reuses.
const maxPooledBuffer = 64 << 20

func (s *Simulator) getWriter() *jsonWriter { return s.bufs.Get().(*jsonWriter) }

func (s *Simulator) putWriter(jw *jsonWriter) {
	if cap(jw.buf) <= maxPooledBuffer {
		s.bufs.Put(jw)
	}
}

// Token is the default account's bearer token.
func (s *Simulator) Token() string { return s.def.token }

// Stats returns a snapshot of the call statistics.
func (s *Simulator) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the statistics.
func (s *Simulator) ResetStats() { s.stats.reset() }

// SetFaults replaces the active faults (Fired counts are kept as given). An
// invalid fault leaves the active ones in place; the error says which.
func (s *Simulator) SetFaults(f []Fault) error { return s.faults.set(f) }

// AddFault appends one fault.
func (s *Simulator) AddFault(f Fault) error { return s.faults.add(f) }

// Faults returns the active faults with their Fired counts.
func (s *Simulator) Faults() []Fault { return s.faults.snapshot() }

// Snapshot is a deep copy of the default account's current state, with every
// effect that is due applied.
func (s *Simulator) Snapshot() *dataset.Dataset { return s.snapshot(s.def) }

// SnapshotAccount is Snapshot for the account with the given bearer token.
func (s *Simulator) SnapshotAccount(token string) (*dataset.Dataset, bool) {
	a, ok := s.byToken[token]
	if !ok {
		return nil, false
	}
	return s.snapshot(a), true
}

func (s *Simulator) snapshot(a *account) *dataset.Dataset {
	var d *dataset.Dataset
	a.view(s.clock.Now(), func(_ time.Time) { d = a.dataset() })
	return d
}
