package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// simFlags are the flags of `ionos-mcp sim`.
type simFlags struct {
	addr        string
	token       string
	username    string
	password    string
	dataset     string
	saveDataset string
	dcs         int
	perDC       int
	volumes     int // per generated server
	nics        int // per generated server
	lans        int // per generated data center
	shapeSet    bool
	seed        int64
	timeScale   float64
	rateLimit   int
	rateBurst   int
	latency     time.Duration
	jitter      time.Duration
	perMB       time.Duration
	gateway     time.Duration
	faults      []string
}

// newSimCmd serves the simulated IONOS Cloud API v6 until the command's
// context ends (SIGINT or SIGTERM in main).
func newSimCmd(s Streams) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve a simulated IONOS Cloud API v6 at http://ADDR/cloudapi/v6",
		Long: "sim serves a simulator of the IONOS Cloud API v6 (data centers, servers and their volumes, CD-ROMs\n" +
			"and NICs, LANs, load balancers, power actions, requests) with no account and no network.\n" +
			"It prints IONOS_API_URL=http://ADDR on stdout; point sdk-go, ionosctl or ionos-mcp at it with\n" +
			"that variable and the accepted token in IONOS_TOKEN.\n" +
			"Answers cost time by their size (--latency-per-mb) and a gateway times out long ones with a 504\n" +
			"(--gateway-timeout), as in front of the real API.\n" +
			"It runs at the real API's pace by default (--time-scale 1); the simulator embedded in demo and --sim\n" +
			"runs ten times faster (0.1), to be tried at a prompt.\n" +
			"See docs/simulator.md for datasets, timing, costs, faults and the /_sim control API.",
		Example: "  ionos-mcp sim --addr 127.0.0.1:18080 --token dev\n" +
			"  ionos-mcp sim --generate-datacenters 50 --servers-per-datacenter 40 --time-scale 0.1\n" +
			"  ionos-mcp sim --generate-datacenters 500 --servers-per-datacenter 20 --volumes-per-server 3 --nics-per-server 2\n" +
			"  ionos-mcp sim --fault kind=status,status=429,retry-after=2,p=0.2 --latency 80ms --jitter 40ms\n" +
			"  ionos-mcp sim --fault kind=latency,latency=2m,path=/datacenters,min-depth=3 --latency-per-mb 0",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			f.shapeSet = fl.Changed("volumes-per-server") || fl.Changed("nics-per-server") || fl.Changed("lans-per-datacenter")
			if err := oldGenerateFlag(fl, s); err != nil {
				return err
			}
			return runSim(cmd, s, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:18080", "listen address (port 0 picks a free port)")
	fl.StringVar(&f.token, "token", "", "bearer token to accept (default $IONOS_TOKEN, else a random one printed on stderr)")
	fl.StringVar(&f.username, "username", "", "also accept Basic auth with this user (default $IONOS_USERNAME)")
	fl.StringVar(&f.password, "password", "", "password for --username (default $IONOS_PASSWORD)")
	fl.StringVar(&f.dataset, "dataset", "", "load the account's data from this JSON file (see --save-dataset)")
	fl.StringVar(&f.saveDataset, "save-dataset", "", "write the dataset in use to this file, then serve")
	fl.IntVar(&f.dcs, "generate-datacenters", 0, "generate this many data centers instead of the default dataset")
	fl.IntVar(&f.dcs, "datacenters", 0, "deprecated: use --generate-datacenters")
	_ = fl.MarkHidden("datacenters")
	fl.IntVar(&f.perDC, "servers-per-datacenter", 0, "with --generate-datacenters: servers in each generated data center")
	fl.IntVar(&f.volumes, "volumes-per-server", sim.DefaultVolumesPerServer, "volumes of each generated server, the first its boot volume (0 = none)")
	fl.IntVar(&f.nics, "nics-per-server", sim.DefaultNICsPerServer, "NICs of each generated server (0 = none)")
	fl.IntVar(&f.lans, "lans-per-datacenter", sim.DefaultLANsPerDatacenter, "LANs of each generated data center, the first public (0 = none, and then no NICs)")
	fl.Int64Var(&f.seed, "seed", 1, "seed of generated data, fault probabilities and jitter (same seed, same run)")
	fl.Float64Var(&f.timeScale, "time-scale", apiPace, timeScaleHelp)
	fl.IntVar(&f.rateLimit, "rate-limit", 0, "allow this many calls per minute per account (0 = unlimited)")
	fl.IntVar(&f.rateBurst, "rate-burst", 0, "token bucket size with --rate-limit (default: the per-minute rate / 6, at least 1)")
	fl.DurationVar(&f.latency, "latency", 0, "add this latency to every API call (a latency fault)")
	fl.DurationVar(&f.jitter, "jitter", 0, "with --latency: uniform jitter of ± this much")
	fl.DurationVar(&f.perMB, "latency-per-mb", sim.DefaultLatencyPerMB, "hold every answer this long per MB of its body (0 = answers cost nothing)")
	fl.DurationVar(&f.gateway, "gateway-timeout", sim.DefaultGatewayTimeout, "answer 504 when an answer would take longer than this (0 = never)")
	fl.StringArrayVar(&f.faults, "fault", nil, "inject a fault, e.g. kind=status,status=503,p=0.1 (repeatable; see docs/simulator.md)")
	return cmd
}

// oldGenerateFlag keeps sim's --datacenters working for one release, as
// an alias of --generate-datacenters: the other commands' --datacenters is
// the allow-list, and one name for two meanings misled users. The notice
// goes to stderr, not where pflag's MarkDeprecated would print it: the
// command's stdout, whose first line scripts read as IONOS_API_URL.
func oldGenerateFlag(fl *pflag.FlagSet, s Streams) error {
	if !fl.Changed("datacenters") {
		return nil
	}
	if fl.Changed("generate-datacenters") {
		return errors.New("--datacenters is the old name of --generate-datacenters: give only --generate-datacenters")
	}
	fmt.Fprintln(s.Err, "sim: --datacenters is deprecated and goes in the next release; use --generate-datacenters "+
		"(--datacenters is the data-center allow-list of the other commands)")
	return nil
}

// runSim validates everything before it listens, so a bad flag serves nothing.
func runSim(cmd *cobra.Command, s Streams, f *simFlags) error {
	log, err := simLogger(cmd, s)
	if err != nil {
		return err
	}
	opts, err := f.options(log)
	if err != nil {
		return err
	}
	simulator, err := sim.New(opts)
	if err != nil {
		return err
	}
	if err := f.save(opts.Dataset); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", f.addr, err)
	}
	if opts.Token == "" {
		fmt.Fprintf(s.Err, "sim: accepting bearer token %s\n", simulator.Token())
	}
	url := "http://" + ln.Addr().String()
	if _, err := fmt.Fprintf(s.Out, "IONOS_API_URL=%s\n", url); err != nil {
		_ = ln.Close()
		return fmt.Errorf("sim: write URL: %w", err)
	}
	log.Info("sim: serving the IONOS Cloud API v6", "url", url+"/cloudapi/v6",
		"datacenters", len(opts.Dataset.Datacenters), "servers", opts.Dataset.ServerCount(),
		"volumes", opts.Dataset.VolumeCount())
	return serveUntilDone(cmd.Context(), sim.NewHTTPServer(simulator), ln, log)
}

// serveUntilDone serves until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("sim: serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("sim: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close() // calls still running after the grace period are cut
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sim: serve: %w", err)
	}
	return nil
}

// options turns the flags (and the environment) into simulator options.
func (f *simFlags) options(log *slog.Logger) (sim.Options, error) {
	opts := sim.Options{
		Token:    firstNonEmpty(f.token, os.Getenv("IONOS_TOKEN")),
		Username: firstNonEmpty(f.username, os.Getenv("IONOS_USERNAME")),
		Password: firstNonEmpty(f.password, os.Getenv("IONOS_PASSWORD")),
		Seed:     f.seed,
		Timing:   sim.Timing{Scale: f.timeScale},
		Logger:   log,
	}
	if err := checkTimeScale("--time-scale", f.timeScale); err != nil {
		return opts, err
	}
	if (opts.Username == "") != (opts.Password == "") {
		return opts, errors.New("--username and --password go together (or IONOS_USERNAME and IONOS_PASSWORD)")
	}
	var err error
	if opts.Dataset, err = f.loadDataset(); err != nil {
		return opts, err
	}
	if opts.RateLimit, err = f.rateLimitOption(); err != nil {
		return opts, err
	}
	if opts.LatencyPerMB, opts.GatewayTimeout, err = f.costOptions(); err != nil {
		return opts, err
	}
	opts.Faults, err = f.faultOptions()
	return opts, err
}

// costOptions maps the cost flags to Options, where 0 means the default:
// on the command line the default is shown and 0 turns a cost off.
func (f *simFlags) costOptions() (perMB, gateway time.Duration, err error) {
	if f.perMB < 0 || f.gateway < 0 {
		return 0, 0, fmt.Errorf("--latency-per-mb %v --gateway-timeout %v: must not be negative (0 turns them off)", f.perMB, f.gateway)
	}
	off := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	return off(f.perMB), off(f.gateway), nil
}

func (f *simFlags) loadDataset() (*sim.Dataset, error) {
	generate := f.dcs != 0 || f.perDC != 0
	switch {
	case f.dataset != "" && generate:
		return nil, errors.New("--dataset and --generate-datacenters/--servers-per-datacenter exclude each other")
	case f.dataset != "":
		file, err := os.Open(f.dataset)
		if err != nil {
			return nil, fmt.Errorf("--dataset: %w", err)
		}
		defer file.Close()
		d, err := sim.LoadDataset(file)
		if err != nil {
			return nil, fmt.Errorf("--dataset %s: %w", f.dataset, err)
		}
		return d, nil
	case generate:
		return f.generate()
	case f.shapeSet:
		return nil, errors.New("--volumes-per-server, --nics-per-server and --lans-per-datacenter shape generated data: they need --generate-datacenters")
	}
	return sim.DefaultDataset(), nil
}

// maxDevicesPerOwner bounds the device flags, so a typo cannot ask for an
// account that does not fit in memory.
const maxDevicesPerOwner = 64

func (f *simFlags) generate() (*sim.Dataset, error) {
	if f.dcs < 1 || f.perDC < 0 {
		return nil, fmt.Errorf("--generate-datacenters %d --servers-per-datacenter %d: need at least 1 data center and no negative count", f.dcs, f.perDC)
	}
	if f.dcs*f.perDC > 1_000_000 {
		return nil, fmt.Errorf("--generate-datacenters %d × --servers-per-datacenter %d: at most 1,000,000 servers", f.dcs, f.perDC)
	}
	for _, c := range []struct {
		flag string
		n    int
	}{{"--volumes-per-server", f.volumes}, {"--nics-per-server", f.nics}, {"--lans-per-datacenter", f.lans}} {
		if c.n < 0 || c.n > maxDevicesPerOwner {
			return nil, fmt.Errorf("%s %d: want 0 (none) to %d", c.flag, c.n, maxDevicesPerOwner)
		}
	}
	// In GenerateOptions 0 is the default and a negative count is none;
	// on the command line 0 is none.
	none := func(n int) int {
		if n == 0 {
			return -1
		}
		return n
	}
	return sim.Generate(sim.GenerateOptions{Datacenters: f.dcs, ServersPerDatacenter: f.perDC, Seed: f.seed,
		VolumesPerServer: none(f.volumes), NICsPerServer: none(f.nics), LANsPerDatacenter: none(f.lans)}), nil
}

func (f *simFlags) rateLimitOption() (sim.RateLimit, error) {
	if f.rateLimit < 0 || f.rateBurst < 0 {
		return sim.RateLimit{}, fmt.Errorf("--rate-limit %d --rate-burst %d: must not be negative", f.rateLimit, f.rateBurst)
	}
	if f.rateLimit == 0 {
		if f.rateBurst != 0 {
			return sim.RateLimit{}, errors.New("--rate-burst needs --rate-limit")
		}
		return sim.RateLimit{}, nil
	}
	burst := f.rateBurst
	if burst == 0 {
		burst = max(f.rateLimit/6, 1)
	}
	return sim.RateLimit{PerMinute: f.rateLimit, Burst: burst}, nil
}

func (f *simFlags) faultOptions() ([]sim.Fault, error) {
	var faults []sim.Fault
	if f.latency < 0 || f.jitter < 0 {
		return nil, errors.New("--latency and --jitter must not be negative")
	}
	if f.jitter > 0 && f.latency == 0 {
		return nil, errors.New("--jitter needs --latency")
	}
	if f.latency > 0 {
		faults = append(faults, sim.Fault{Kind: sim.FaultLatency, Latency: f.latency, Jitter: f.jitter})
	}
	for _, spec := range f.faults {
		fault, err := sim.ParseFault(spec)
		if err != nil {
			return nil, fmt.Errorf("--fault: %w", err)
		}
		faults = append(faults, fault)
	}
	return faults, nil
}

// save writes the dataset in use when --save-dataset asks for it.
func (f *simFlags) save(d *sim.Dataset) error {
	if f.saveDataset == "" {
		return nil
	}
	file, err := os.Create(f.saveDataset)
	if err != nil {
		return fmt.Errorf("--save-dataset: %w", err)
	}
	if err := d.Save(file); err != nil {
		_ = file.Close()
		return fmt.Errorf("--save-dataset %s: %w", f.saveDataset, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("--save-dataset %s: %w", f.saveDataset, err)
	}
	return nil
}

// simLogger logs to stderr at the level of the global --log-level flag
// (default info); stdout carries only the IONOS_API_URL line.
func simLogger(cmd *cobra.Command, s Streams) (*slog.Logger, error) {
	level := slog.LevelInfo
	if fl := cmd.Flag("log-level"); fl != nil && fl.Value.String() != "" {
		if err := level.UnmarshalText([]byte(strings.ToUpper(fl.Value.String()))); err != nil {
			return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", fl.Value.String())
		}
	}
	return slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level})), nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
