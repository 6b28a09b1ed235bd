package cloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apiurl"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/reconcile"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/waiting"
)

// Config configures a Client.
type Config struct {
	Token          string // bearer token (IONOS_TOKEN); wins over Username/Password
	Username       string // basic-auth fallback (IONOS_USERNAME)
	Password       string // (IONOS_PASSWORD)
	APIURL         string // IONOS_API_URL; empty = the public endpoint
	ContractNumber string // IONOS_CONTRACT_NUMBER, for users with several contracts
	PinnedCert     string // IONOS_PINNED_CERT: SHA-256 fingerprint of the API's certificate
	UserAgent      string

	// HTTPClient replaces the client's own HTTP stack (tests, benchmarks).
	HTTPClient *http.Client
	// CallTimeout bounds each API request; the caller's context may end it sooner. Default 30s.
	CallTimeout time.Duration
	// PageSize is the limit asked for on each page of a collection. Default 1000.
	PageSize int32
	// Parallelism bounds the concurrent requests of one inventory. Default 8.
	Parallelism int
	// Poll paces waits; zero fields take waiting.DefaultPoll's.
	Poll waiting.Poll
	// Learner shares what waits took between the clients of a process; nil
	// = the client learns alone.
	Learner *waiting.Learner
	// Backoff paces retried reads; zero fields take transport.DefaultBackoff's.
	Backoff transport.Backoff
	// Scope, when set, limits the client to the data centers it accepts:
	// the others are left out of every list and refused by id.
	Scope  func(Datacenter) bool
	Logger *slog.Logger
	// Budget, when set, shares the pause after a 429 with the other
	// processes that use the same credentials (hosted replicas sharing
	// Redis); nil = this client paces alone.
	Budget transport.Budget
}

// ErrNoCredentials means neither a token nor a username and password were given.
var ErrNoCredentials = errors.New("no IONOS credentials: set IONOS_TOKEN to a token created in the DCD under Management > Token Manager (or with GET https://api.ionos.com/auth/v1/tokens/generate)")

// Client is the domain client. It is safe for concurrent use.
type Client struct {
	api         *ionoscloud.APIClient
	base        *url.URL
	callTimeout time.Duration
	pageSize    int32
	parallelism int
	poll        waiting.Poll
	scope       func(Datacenter) bool
	learner     *waiting.Learner
	log         *slog.Logger
	costs       *planCosts // what the inventory's plans cost on this account
	maxAnswer   int64      // maxAnswerBytes; tests lower it

	// What streamed reads need (see stream.go); sdk-go holds the same.
	hc        *http.Client
	auth      string // the Authorization header: a secret, never logged
	userAgent string
	contract  string

	// dcOfServer remembers which data center holds a server. A server never
	// moves between data centers, so this never goes stale, and it lets a
	// server id be used without naming its data center.
	dcOfServer sync.Map // server id -> Datacenter
	// dcByID remembers data centers read to judge a request's targets
	// against the allow-list; names rarely change, and a renamed data
	// center is judged by its old name until the process restarts.
	dcByID sync.Map // data center id -> Datacenter
}

// New builds a Client. It makes no API call.
func New(cfg Config) (*Client, error) {
	if cfg.Token == "" && (cfg.Username == "" || cfg.Password == "") {
		return nil, ErrNoCredentials
	}
	if strings.ContainsAny(cfg.Token, "\r\n") || strings.ContainsAny(cfg.Username, "\r\n:") {
		return nil, errors.New("IONOS credentials contain line breaks or a colon in the username; check IONOS_TOKEN / IONOS_USERNAME")
	}
	base, err := apiurl.Parse(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:        base,
		callTimeout: orDuration(cfg.CallTimeout, 30*time.Second),
		pageSize:    cfg.PageSize,
		parallelism: cfg.Parallelism,
		poll:        orPoll(cfg.Poll),
		scope:       cfg.Scope,
		learner:     cfg.Learner,
		log:         cfg.Logger,
		costs:       &planCosts{},
		maxAnswer:   maxAnswerBytes,
		auth:        authorization(cfg),
		userAgent:   userAgent(cfg.UserAgent),
		contract:    cfg.ContractNumber,
	}
	if c.pageSize <= 0 || c.pageSize > 10000 {
		c.pageSize = 1000
	}
	if c.parallelism <= 0 {
		c.parallelism = 8
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.learner == nil {
		c.learner = waiting.NewLearner()
	}
	c.hc = httpStack(cfg, base, c.log)
	c.api = newSDKClient(cfg, base, c.hc)
	return c, nil
}

// httpStack wraps the given HTTP client, or a new one, for one Client:
// per caller, over a transport that may be shared, with retries outside so
// that every attempt passes the limiter, and the call id put on every write.
// Each request is logged once, its retries included. Redirects are refused
// for writes and away from base's origin before the http.Client can follow
// them, since it would re-send a POST and carry the credentials to another
// port of the same host.
func httpStack(cfg Config, base *url.URL, log *slog.Logger) *http.Client {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = transport.NewHTTPClient(cfg.PinnedCert)
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	backoff := cfg.Backoff
	if backoff.Base <= 0 || backoff.Max <= 0 {
		backoff = transport.DefaultBackoff
	}
	limited := transport.Limit(next)
	if cfg.Budget != nil {
		limited = transport.LimitShared(next, cfg.Budget, accountKey(cfg, base))
	}
	rt := transport.Retry(reconcile.TagWrites(limited), backoff)
	rt = transport.GuardRedirects(transport.Log(rt, log), base)
	return &http.Client{Transport: rt, Timeout: hc.Timeout, CheckRedirect: transport.CheckRedirect(base)}
}

// accountKey names the API budget of one set of credentials without
// revealing them: every process with the same credentials on the same API
// shares it.
func accountKey(cfg Config, base *url.URL) string {
	h := sha256.New()
	for _, part := range []string{base.String(), cfg.Token, cfg.Username, cfg.Password, cfg.ContractNumber} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "api:" + hex.EncodeToString(h.Sum(nil))
}

// newSDKClient configures sdk-go so that it never logs, never retries on its
// own and never touches the process-wide http.DefaultClient.
func newSDKClient(cfg Config, base *url.URL, hc *http.Client) *ionoscloud.APIClient {
	sc := ionoscloud.NewConfiguration(cfg.Username, cfg.Password, cfg.Token, base.String())
	sc.LogLevel = ionoscloud.Off
	sc.Debug = false
	sc.Logger = log.New(io.Discard, "", 0)
	sc.MaxRetries = 1
	sc.UserAgent = userAgent(cfg.UserAgent)
	if cfg.ContractNumber != "" {
		sc.AddDefaultHeader("X-Contract-Number", cfg.ContractNumber)
	}
	// NewAPIClient rewrites the Transport of the client it is given when
	// IONOS_PINNED_CERT is set; give it a throwaway one and install ours after.
	sc.HTTPClient = &http.Client{}
	api := ionoscloud.NewAPIClient(sc)
	api.GetConfig().HTTPClient = hc
	return api
}

func userAgent(ua string) string {
	const own = "ionos-mcp"
	if ua == "" {
		return own
	}
	return ua
}

// BaseURL is the API base in use, e.g. https://api.ionos.com/cloudapi/v6.
func (c *Client) BaseURL() string { return c.base.String() }

// call bounds one API request by the client's call timeout.
func (c *Client) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.callTimeout)
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// orPoll fills the zero fields of p from waiting.DefaultPoll.
func orPoll(p waiting.Poll) waiting.Poll {
	if p.First <= 0 {
		p.First = waiting.DefaultPoll.First
	}
	if p.Max <= 0 {
		p.Max = waiting.DefaultPoll.Max
	}
	return p
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
