// Package config turns flags, the environment and a .env file into one
// validated Config. Precedence: flags, then the process environment, then
// .env in the working directory. When they hold no IONOS credentials, the
// credentials come from the file of `ionosctl login` (see ionosctl.go).
package config

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apiurl"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
)

// Config is everything the program needs to run. It holds secrets: it is
// never logged as a whole (see LogValue).
type Config struct {
	// IONOS credentials and endpoint, named as ionosctl and sdk-go name them.
	Token          string // IONOS_TOKEN
	Username       string // IONOS_USERNAME
	Password       string // IONOS_PASSWORD
	APIURL         string // IONOS_API_URL
	ContractNumber string // IONOS_CONTRACT_NUMBER
	PinnedCert     string // IONOS_PINNED_CERT
	// Credentials says where Token, or Username and Password, came from:
	// the environment, or the profile of ionosctl's file (IONOS_MCP_PROFILE).
	Credentials CredentialSource

	ReadOnly    bool           // IONOS_MCP_READ_ONLY
	Confirm     confirm.Policy // IONOS_MCP_CONFIRM
	ConfirmKey  string         // IONOS_MCP_CONFIRM_KEY; empty = random per process
	Protect     []string       // IONOS_MCP_PROTECT
	Datacenters []string       // IONOS_MCP_DATACENTERS
	AuditLog    string         // IONOS_MCP_AUDIT_LOG
	LogLevel    slog.Level     // IONOS_MCP_LOG_LEVEL
	WaitTimeout time.Duration  // IONOS_MCP_WAIT_TIMEOUT: default timeout_seconds of writes
	TextJSON    bool           // IONOS_MCP_TEXT=json: list text content as JSON, not compact lines
	MaxSetSize  int            // IONOS_MCP_MAX_SET_SIZE: the most servers one power_servers call plans; 0 = the default

	HTTP HTTP

	// CLI is set by the command line's own commands (call, tools, doctor,
	// demo), whose errors must say to run the command again rather than to
	// restart an MCP client. It is not read from the environment.
	CLI bool
}

// HTTP configures `serve --http`.
type HTTP struct {
	Addr           string   // --http ADDR
	Stateful       bool     // --stateful
	Auth           string   // --auth: "token" (server-held IONOS credentials), "passthrough" or "oauth"
	Token          string   // IONOS_MCP_HTTP_TOKEN: the endpoint's own bearer token
	AllowedHosts   []string // IONOS_MCP_ALLOWED_HOSTS
	AllowedOrigins []string // IONOS_MCP_ALLOWED_ORIGINS
	TrustedProxies []string // IONOS_MCP_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
	InsecureNoAuth bool     // --insecure-no-auth-on-public-interface
	RedisURL       string   // IONOS_MCP_REDIS_URL: the Redis that replicas share spent confirmations and limits in (a secret: it may hold a password)

	// --auth oauth: the endpoint is an OAuth 2.1 resource server.
	OAuthIssuer     string // IONOS_MCP_OAUTH_ISSUER: the identity provider whose access tokens are accepted
	OAuthAudience   string // IONOS_MCP_OAUTH_AUDIENCE: this endpoint's canonical URL, required in a token's aud
	OAuthReadScope  string // IONOS_MCP_OAUTH_READ_SCOPE: grants the read tools
	OAuthPowerScope string // IONOS_MCP_OAUTH_POWER_SCOPE: grants every tool (it implies the read scope)
}

// The default scope names of --auth oauth.
const (
	DefaultOAuthReadScope  = "ionos-mcp:read"
	DefaultOAuthPowerScope = "ionos-mcp:power"
)

// Lookup reads one setting, reporting whether it is set.
type Lookup func(key string) (string, bool)

// Environment returns a Lookup over the process environment, falling back to
// the .env file at dotenv; "" reads no file. A missing file is ignored
// unless required: the default ./.env is optional, but a file named on
// purpose (--env-file) that is not there is a mistake to report, not a
// file with no settings.
func Environment(dotenv string, required bool) (Lookup, error) {
	file := map[string]string{}
	if dotenv != "" {
		m, err := godotenv.Read(dotenv)
		switch {
		case err == nil:
			file = m
		case errors.Is(err, os.ErrNotExist) && required:
			return nil, fmt.Errorf("--env-file %s: no such file; name an existing file, or leave out --env-file to read ./.env when there is one", dotenv)
		case errors.Is(err, os.ErrNotExist):
		default:
			return nil, fmt.Errorf("reading %s: %w", dotenv, err)
		}
	}
	return func(key string) (string, bool) {
		if v, ok := os.LookupEnv(key); ok {
			return v, true
		}
		v, ok := file[key]
		return v, ok
	}, nil
}

// FromMap is a Lookup over a map, for tests.
func FromMap(m map[string]string) Lookup {
	return func(key string) (string, bool) { v, ok := m[key]; return v, ok }
}

// Load reads the configuration. It does not require credentials: commands
// that call the API check for them (see cloud.ErrNoCredentials).
func Load(get Lookup) (Config, error) {
	s := func(key string) string { v, _ := get(key); return strings.TrimSpace(v) }
	c := Config{
		Token:          s("IONOS_TOKEN"),
		Username:       s("IONOS_USERNAME"),
		Password:       s("IONOS_PASSWORD"),
		APIURL:         s("IONOS_API_URL"),
		ContractNumber: s("IONOS_CONTRACT_NUMBER"),
		PinnedCert:     s("IONOS_PINNED_CERT"),
		ConfirmKey:     s("IONOS_MCP_CONFIRM_KEY"),
		Protect:        List(s("IONOS_MCP_PROTECT")),
		Datacenters:    List(s("IONOS_MCP_DATACENTERS")),
		AuditLog:       s("IONOS_MCP_AUDIT_LOG"),
		HTTP: HTTP{
			Auth:           "token",
			Token:          s("IONOS_MCP_HTTP_TOKEN"),
			AllowedHosts:   List(s("IONOS_MCP_ALLOWED_HOSTS")),
			AllowedOrigins: List(s("IONOS_MCP_ALLOWED_ORIGINS")),
			TrustedProxies: List(s("IONOS_MCP_TRUSTED_PROXIES")),
			RedisURL:       s("IONOS_MCP_REDIS_URL"),

			OAuthIssuer:     s("IONOS_MCP_OAUTH_ISSUER"),
			OAuthAudience:   s("IONOS_MCP_OAUTH_AUDIENCE"),
			OAuthReadScope:  cmp.Or(s("IONOS_MCP_OAUTH_READ_SCOPE"), DefaultOAuthReadScope),
			OAuthPowerScope: cmp.Or(s("IONOS_MCP_OAUTH_POWER_SCOPE"), DefaultOAuthPowerScope),
		},
	}
	var err error
	switch profile := s(envProfile); {
	case c.Token != "":
		c.Credentials = CredentialSource{Env: "IONOS_TOKEN", UnusedProfile: profile}
	case c.Username != "" || c.Password != "":
		// Half of basic auth is a mistake to show, not a reason to use
		// another source.
		if c.Username != "" && c.Password != "" {
			c.Credentials = CredentialSource{Env: "IONOS_USERNAME/IONOS_PASSWORD", UnusedProfile: profile}
		}
	default:
		if err = c.fromIonosctl(get); err != nil {
			return Config{}, err
		}
	}
	if c.ReadOnly, err = Bool("IONOS_MCP_READ_ONLY", s("IONOS_MCP_READ_ONLY")); err != nil {
		return Config{}, err
	}
	if c.Confirm, err = confirm.ParsePolicy(s("IONOS_MCP_CONFIRM")); err != nil {
		return Config{}, fmt.Errorf("IONOS_MCP_CONFIRM: %w", err)
	}
	if c.LogLevel, err = Level(s("IONOS_MCP_LOG_LEVEL")); err != nil {
		return Config{}, err
	}
	if v := s("IONOS_MCP_WAIT_TIMEOUT"); v != "" {
		if c.WaitTimeout, err = Seconds("IONOS_MCP_WAIT_TIMEOUT", v); err != nil {
			return Config{}, err
		}
	}
	if v := s("IONOS_MCP_MAX_SET_SIZE"); v != "" {
		if c.MaxSetSize, err = SetSize("IONOS_MCP_MAX_SET_SIZE", v); err != nil {
			return Config{}, err
		}
	}
	switch v := strings.ToLower(s("IONOS_MCP_TEXT")); v {
	case "", "compact":
	case "json":
		c.TextJSON = true
	default:
		return Config{}, fmt.Errorf("IONOS_MCP_TEXT=%q: want compact (a line per server, the default) or json", v)
	}
	if c.ConfirmKey != "" && len(c.ConfirmKey) < 16 {
		return Config{}, errors.New("IONOS_MCP_CONFIRM_KEY must be at least 16 characters (for example: openssl rand -hex 32)")
	}
	return c, nil
}

// List splits a comma-separated setting, dropping empty entries.
func List(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Bool reads a boolean setting; empty is false.
func Bool(key, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", key, v)
	}
	return b, nil
}

// Level reads a log level name; empty is info.
func Level(v string) (slog.Level, error) {
	var l slog.Level
	if v == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return 0, fmt.Errorf("IONOS_MCP_LOG_LEVEL=%q: want debug, info, warn or error", v)
	}
	return l, nil
}

// Seconds reads a positive whole number of seconds.
func Seconds(key, v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 3600 {
		return 0, fmt.Errorf("%s=%q: want a number of seconds from 1 to 3600", key, v)
	}
	return time.Duration(n) * time.Second, nil
}

// MaxSetSizeLimit bounds IONOS_MCP_MAX_SET_SIZE: a plan is kept, shown and
// checked whole, and past a few thousand servers one call's timeout cannot
// follow them anyway.
const MaxSetSizeLimit = 5000

// SetSize reads the most servers one set action may plan.
func SetSize(key, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > MaxSetSizeLimit {
		return 0, fmt.Errorf("%s=%q: want a number of servers from 1 to %d", key, v, MaxSetSizeLimit)
	}
	return n, nil
}

// HasCredentials reports whether IONOS credentials are configured.
func (c Config) HasCredentials() bool {
	return c.Token != "" || (c.Username != "" && c.Password != "")
}

// LogValue lists the settings without their secrets, so that a Config
// passed to slog by mistake leaks nothing.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("token_set", c.Token != ""),
		slog.Bool("basic_auth_set", c.Username != "" && c.Password != ""),
		slog.String("credentials", c.Credentials.String()),
		slog.String("api_url", apiurl.Redact(c.APIURL)),
		slog.Bool("read_only", c.ReadOnly),
		slog.String("confirm", string(c.Confirm)),
		slog.Bool("confirm_key_set", c.ConfirmKey != ""),
		slog.Any("protect", c.Protect),
		slog.Any("datacenters", c.Datacenters),
		slog.String("audit_log", c.AuditLog),
		slog.String("http_addr", c.HTTP.Addr),
		slog.String("http_auth", c.HTTP.Auth),
		slog.Bool("redis_url_set", c.HTTP.RedisURL != ""),
		slog.String("oauth_issuer", c.HTTP.OAuthIssuer),
		slog.String("oauth_audience", c.HTTP.OAuthAudience),
	)
}

// String keeps secrets out of fmt verbs as well.
func (c Config) String() string { return c.LogValue().String() }
