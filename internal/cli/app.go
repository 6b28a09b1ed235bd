package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
	"github.com/ionos-mcp/ionos-mcp/internal/server"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// app holds what every command shares: the streams and the global flags.
type app struct {
	s        Streams
	envFile  string
	logLevel string
}

// serverFlags are the flags of the commands that build an MCP server.
type serverFlags struct {
	sim       bool
	simScale  float64
	readOnly  bool
	confirm   string
	protect   []string
	dcs       []string
	auditLog  string
	waitLimit int
	maxSet    int
	profile   string
}

func (f *serverFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.sim, "sim", false, "use the embedded IONOS Cloud API simulator instead of the real API")
	fs.Float64Var(&f.simScale, "sim-time-scale", embeddedPace, "with --sim: "+timeScaleHelp)
	fs.BoolVar(&f.readOnly, "read-only", false, "register only the read tools (IONOS_MCP_READ_ONLY)")
	fs.StringVar(&f.confirm, "confirm", "", "confirmation of stop/reboot/suspend: auto, human, elicit, token or none (IONOS_MCP_CONFIRM)")
	fs.StringSliceVar(&f.protect, "protect", nil, "servers that may never be stopped, rebooted or suspended: names, ids or globs (IONOS_MCP_PROTECT)")
	fs.StringSliceVar(&f.dcs, "datacenters", nil, "the only data centers to see and act on: names, ids or globs (IONOS_MCP_DATACENTERS)")
	fs.StringVar(&f.auditLog, "audit-log", "", "append a JSON line per call of a write tool to this file (IONOS_MCP_AUDIT_LOG)")
	fs.IntVar(&f.waitLimit, "wait-timeout", 0, "default seconds a write waits for its request (IONOS_MCP_WAIT_TIMEOUT; default 40)")
	fs.IntVar(&f.maxSet, "max-set-size", 0, "the most servers one power_servers call plans (IONOS_MCP_MAX_SET_SIZE; default 200)")
	fs.StringVar(&f.profile, "profile", "", "the profile of ionosctl's file whose token to use when IONOS_TOKEN is unset (IONOS_MCP_PROFILE; default its currentProfile)")
}

// config loads the configuration: flags over environment over .env.
func (a *app) config(cmd *cobra.Command, f *serverFlags, h *httpFlags) (config.Config, error) {
	// The default ./.env is optional; a file named with --env-file must exist.
	env, err := config.Environment(a.envFile, cmd.Flags().Changed("env-file"))
	if err != nil {
		return config.Config{}, err
	}
	if f != nil && cmd.Flags().Changed("profile") {
		env = config.With(env, "IONOS_MCP_PROFILE", f.profile)
	}
	if f != nil && f.sim {
		env = config.WithoutIonosctl(env)
	}
	cfg, err := config.Load(env)
	if err != nil {
		return config.Config{}, err
	}
	if a.logLevel != "" {
		if cfg.LogLevel, err = config.Level(a.logLevel); err != nil {
			return config.Config{}, err
		}
	}
	if h != nil {
		applyHTTPFlags(cmd.Flags(), h, &cfg.HTTP)
	}
	if f == nil {
		return cfg, nil
	}
	flags := cmd.Flags()
	if flags.Changed("read-only") {
		cfg.ReadOnly = f.readOnly
	}
	if flags.Changed("confirm") {
		if cfg.Confirm, err = confirm.ParsePolicy(f.confirm); err != nil {
			return config.Config{}, fmt.Errorf("--confirm: %w", err)
		}
	}
	if flags.Changed("protect") {
		cfg.Protect = f.protect
	}
	if flags.Changed("datacenters") {
		cfg.Datacenters = f.dcs
	}
	if flags.Changed("audit-log") {
		cfg.AuditLog = f.auditLog
	}
	if flags.Changed("wait-timeout") {
		if cfg.WaitTimeout, err = config.Seconds("--wait-timeout", fmt.Sprint(f.waitLimit)); err != nil {
			return config.Config{}, err
		}
	}
	if flags.Changed("max-set-size") {
		if cfg.MaxSetSize, err = config.SetSize("--max-set-size", fmt.Sprint(f.maxSet)); err != nil {
			return config.Config{}, err
		}
	}
	return cfg, nil
}

func applyHTTPFlags(flags *pflag.FlagSet, h *httpFlags, c *config.HTTP) {
	c.Addr, c.Stateful, c.Auth, c.InsecureNoAuth = h.addr, h.stateful, h.auth, h.insecure
	if flags.Changed("allowed-hosts") {
		c.AllowedHosts = h.allowedHosts
	}
	if flags.Changed("allowed-origins") {
		c.AllowedOrigins = h.allowedOrigins
	}
	if flags.Changed("trusted-proxies") {
		c.TrustedProxies = h.trustedProxies
	}
	h.applyOAuth(flags, c)
}

// logger writes structured logs to stderr: stdout is the MCP protocol in
// stdio mode.
func (a *app) logger(cfg config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(a.s.Err, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// startSim runs the embedded simulator on loopback and points cfg at it, so
// that the whole stack, sdk-go and HTTP included, runs as against the real API.
func startSim(cfg *config.Config, scale float64, log *slog.Logger) (*sim.Server, error) {
	srv, err := sim.Start(sim.Options{Timing: sim.Timing{Scale: scale}, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("starting the simulator: %w", err)
	}
	cfg.APIURL, cfg.Token, cfg.Username, cfg.Password = srv.URL, srv.Token(), "", ""
	return srv, nil
}

// runtime is a server, and the simulator behind it when --sim was given.
type runtime struct {
	cfg config.Config
	log *slog.Logger
	srv *server.Server
	sim *sim.Server
}

func (r *runtime) Close() {
	_ = r.srv.Close()
	if r.sim != nil {
		_ = r.sim.Close()
	}
}

// newRuntime loads the configuration and builds the server.
func (a *app) newRuntime(cmd *cobra.Command, f *serverFlags, h *httpFlags) (*runtime, error) {
	cfg, err := a.config(cmd, f, h)
	if err != nil {
		return nil, err
	}
	return a.build(cfg, f)
}

// newCLIRuntime is newRuntime for the command line's own commands: their
// errors say to run the command again, not to restart an MCP client. With
// keepKey (call) and confirmation tokens, every run shares one key, so
// that the run that confirms accepts the token of the run that previewed.
func (a *app) newCLIRuntime(cmd *cobra.Command, f *serverFlags, keepKey bool) (*runtime, error) {
	cfg, err := a.config(cmd, f, nil)
	if err != nil {
		return nil, err
	}
	cfg.CLI = true
	if keepKey && cfg.ConfirmKey == "" && cfg.Confirm == confirm.Token && !cfg.ReadOnly {
		cfg.ConfirmKey = a.userConfirmKey(cfg)
	}
	return a.build(cfg, f)
}

// userConfirmKey is the confirmation key kept for this user, in their
// configuration directory. When it cannot be kept, the run signs with a
// key of its own, and says what that means.
func (a *app) userConfirmKey(cfg config.Config) string {
	log := a.logger(cfg)
	dir, err := os.UserConfigDir()
	if err == nil {
		path := filepath.Join(dir, "ionos-mcp", "confirm.key")
		var key string
		if key, err = confirm.KeyFile(path); err == nil {
			log.Debug("confirmation tokens are signed with the key kept for this user", "file", path)
			return key
		}
	}
	log.Warn("cannot keep a confirmation key for this user, so a confirmation token from this run works only in this run; "+
		"set IONOS_MCP_CONFIRM_KEY (at least 16 characters) to share one between runs", "err", err)
	return ""
}

// build builds the server of cfg, and the simulator with --sim.
func (a *app) build(cfg config.Config, f *serverFlags) (*runtime, error) {
	var err error
	r := &runtime{cfg: cfg, log: a.logger(cfg)}
	if cfg.HTTP.Addr != "" {
		if err := server.CheckHTTP(cfg.HTTP); err != nil {
			return nil, err
		}
	}
	if f != nil && f.sim {
		if err := checkTimeScale("--sim-time-scale", f.simScale); err != nil {
			return nil, err
		}
		if r.sim, err = startSim(&r.cfg, f.simScale, r.log); err != nil {
			return nil, err
		}
		r.log.Info("using the embedded simulator", "url", r.sim.URL)
	}
	r.srv, err = server.New(server.Options{Config: r.cfg, Version: Version(), Logger: r.log})
	if err != nil {
		if r.sim != nil {
			_ = r.sim.Close()
		}
		return nil, err
	}
	return r, nil
}

// connect opens an in-process MCP client session on the server: the real
// protocol, without a subprocess.
func connect(ctx context.Context, srv *server.Server, opts *mcp.ClientOptions) (*mcp.ClientSession, error) {
	st, ct := mcp.NewInMemoryTransports()
	if _, err := srv.Connect(ctx, st); err != nil {
		return nil, err
	}
	return mcp.NewClient(&mcp.Implementation{Name: "ionos-mcp-cli", Version: Version()}, opts).Connect(ctx, ct, nil)
}

func since(t time.Time) string { return time.Since(t).Round(10 * time.Millisecond).String() }
