package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// lockedBuffer is a bytes.Buffer safe for the command's goroutine and the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningSim is `ionos-mcp sim` started in a goroutine.
type runningSim struct {
	url    string
	stderr *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

func startSimCmd(t *testing.T, args ...string) *runningSim {
	t.Helper()
	pr, pw := io.Pipe()
	r := &runningSim{stderr: &lockedBuffer{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	cmd := newSimCmd(Streams{In: strings.NewReader(""), Out: pw, Err: r.stderr})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	go func() {
		err := cmd.ExecuteContext(ctx)
		pw.CloseWithError(io.EOF)
		r.done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no URL line: %v (stderr: %s, exit: %v)", err, r.stderr, <-r.done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // nothing else is expected on stdout
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "IONOS_API_URL=http://127.0.0.1:")
	if !ok || url == "" {
		t.Fatalf("stdout line %q", line)
	}
	r.url = "http://127.0.0.1:" + url
	return r
}

func (r *runningSim) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("sim exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop after its context was cancelled")
	}
}

func getStatus(t *testing.T, client *http.Client, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestSimCommandServesAndStops(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := startSimCmd(t, "--token", "cli-token", "--time-scale", "0.01")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	if code := getStatus(t, client, r.url+"/cloudapi/v6/datacenters?depth=1", "cli-token"); code != 200 {
		t.Errorf("with token: %d", code)
	}
	if code := getStatus(t, client, r.url+"/cloudapi/v6/datacenters", ""); code != 401 {
		t.Errorf("without token: %d", code)
	}
	client.CloseIdleConnections()
	r.stop(t)
	if strings.Contains(r.stderr.String(), "cli-token") {
		t.Error("a token given by the user was printed")
	}
}

func TestSimCommandRandomToken(t *testing.T) {
	t.Setenv("IONOS_TOKEN", "")
	r := startSimCmd(t)
	defer r.stop(t)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.stderr.String(), "sim: accepting bearer token sim-") {
		if time.Now().After(deadline) {
			t.Fatalf("stderr: %s", r.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSimCommandEnvToken(t *testing.T) {
	t.Setenv("IONOS_TOKEN", "from-env")
	r := startSimCmd(t)
	defer r.stop(t)
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	if code := getStatus(t, client, r.url+"/cloudapi/v6/datacenters", "from-env"); code != 200 {
		t.Errorf("IONOS_TOKEN not accepted: %d", code)
	}
}

func TestSimCommandDatasetFiles(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.json")
	r := startSimCmd(t, "--token", "x", "--generate-datacenters", "2", "--servers-per-datacenter", "3", "--save-dataset", file)
	r.stop(t)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := sim.LoadDataset(f)
	f.Close()
	if err != nil || d.ServerCount() != 6 {
		t.Fatalf("saved dataset: %v", err)
	}
	r = startSimCmd(t, "--token", "x", "--dataset", file)
	r.stop(t)
}

func TestSimCommandBadFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	for name, args := range map[string][]string{
		"bad fault":              {"--fault", "kind=bogus"},
		"bad fault key":          {"--fault", "kind=fail,colour=red"},
		"missing dataset":        {"--dataset", missing},
		"dataset and generate":   {"--dataset", missing, "--generate-datacenters", "2"},
		"old and new name":       {"--datacenters", "2", "--generate-datacenters", "2"},
		"burst without rate":     {"--rate-burst", "5"},
		"negative rate":          {"--rate-limit", "-1"},
		"jitter alone":           {"--jitter", "5ms"},
		"zero time scale":        {"--time-scale", "0"},
		"user without password":  {"--username", "u", "--password", ""},
		"bad address":            {"--addr", "256.0.0.1:99999"},
		"zero datacenters":       {"--servers-per-datacenter", "5"},
		"extra argument":         {"now"},
		"shape without generate": {"--volumes-per-server", "3"},
		"negative NICs":          {"--generate-datacenters", "1", "--nics-per-server", "-1"},
		"too many volumes":       {"--generate-datacenters", "1", "--volumes-per-server", "1000"},
		"negative cost":          {"--latency-per-mb", "-1ms"},
		"negative gateway":       {"--gateway-timeout", "-1s"},
		"bad min-depth":          {"--fault", "kind=status,status=503,min-depth=99"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("IONOS_USERNAME", "")
			t.Setenv("IONOS_PASSWORD", "")
			var out, errOut bytes.Buffer
			cmd := newSimCmd(Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := cmd.ExecuteContext(ctx)
			if err == nil {
				t.Fatal("accepted")
			}
			if out.Len() != 0 {
				t.Errorf("printed %q on stdout: nothing must be served", out.String())
			}
		})
	}
}

// TestSimCommandDeviceFlags: generated data gets the devices the flags ask
// for (defaults 2, 1, 2; 0 = none) and --save-dataset writes them.
func TestSimCommandDeviceFlags(t *testing.T) {
	for name, c := range map[string]struct {
		args                []string
		volumes, nics, lans int
	}{
		"defaults": {nil, 2, 1, 2},
		"custom":   {[]string{"--volumes-per-server", "3", "--nics-per-server", "2", "--lans-per-datacenter", "3"}, 3, 2, 3},
		"none":     {[]string{"--volumes-per-server", "0", "--nics-per-server", "0", "--lans-per-datacenter", "0"}, 0, 0, 0},
		"no LANs":  {[]string{"--lans-per-datacenter", "0"}, 2, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "data.json")
			args := append([]string{"--token", "x", "--generate-datacenters", "2", "--servers-per-datacenter", "3", "--save-dataset", file}, c.args...)
			r := startSimCmd(t, args...)
			r.stop(t)
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d, err := sim.LoadDataset(f)
			if err != nil {
				t.Fatal(err)
			}
			dc := d.Datacenters[1]
			if s := dc.Servers[2]; len(s.Volumes) != c.volumes || len(s.NICs) != c.nics || len(dc.LANs) != c.lans {
				t.Errorf("%d volumes, %d NICs, %d LANs; want %d, %d, %d", len(s.Volumes), len(s.NICs), len(dc.LANs), c.volumes, c.nics, c.lans)
			}
		})
	}
}

// TestSimCostFlags: the flags show the defaults and 0 turns a cost off,
// while in Options 0 means the default and a negative value none.
func TestSimCostFlags(t *testing.T) {
	for _, c := range []struct {
		perMB, gateway         time.Duration
		wantPerMB, wantGateway time.Duration
	}{
		{sim.DefaultLatencyPerMB, sim.DefaultGatewayTimeout, sim.DefaultLatencyPerMB, sim.DefaultGatewayTimeout},
		{0, 0, -1, -1},
		{time.Second, 90 * time.Second, time.Second, 90 * time.Second},
	} {
		f := simFlags{perMB: c.perMB, gateway: c.gateway}
		perMB, gateway, err := f.costOptions()
		if err != nil || perMB != c.wantPerMB || gateway != c.wantGateway {
			t.Errorf("--latency-per-mb %v --gateway-timeout %v: Options %v %v (%v), want %v %v", c.perMB, c.gateway, perMB, gateway, err, c.wantPerMB, c.wantGateway)
		}
	}
	cmd := newSimCmd(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	for flag, want := range map[string]string{"latency-per-mb": "100ms", "gateway-timeout": "1m0s", "volumes-per-server": "2", "nics-per-server": "1", "lans-per-datacenter": "2"} {
		if got := cmd.Flag(flag).DefValue; got != want {
			t.Errorf("--%s default %q, want %q", flag, got, want)
		}
	}
}

// sim's generator flag is --generate-datacenters, apart from the
// allow-list --datacenters of the other commands; the old name still
// generates for one release, with a notice on stderr, and stdout still
// starts with the URL line scripts read. Help shows only the new name.
func TestSimGenerateDatacentersFlag(t *testing.T) {
	for _, tt := range []struct {
		flag   string
		notice bool
	}{{"--generate-datacenters", false}, {"--datacenters", true}} {
		t.Run(tt.flag, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "data.json")
			r := startSimCmd(t, "--token", "x", tt.flag, "2", "--servers-per-datacenter", "3", "--save-dataset", file)
			r.stop(t)
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if d, err := sim.LoadDataset(f); err != nil || len(d.Datacenters) != 2 || d.ServerCount() != 6 {
				t.Fatalf("dataset: %v", err)
			}
			notice := strings.Contains(r.stderr.String(), "--datacenters is deprecated and goes in the next release; use --generate-datacenters")
			if notice != tt.notice {
				t.Errorf("deprecation notice %v, want %v:\n%s", notice, tt.notice, r.stderr)
			}
		})
	}
	cmd := newSimCmd(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	usage := cmd.UsageString()
	if !strings.Contains(usage, "--generate-datacenters") || strings.Contains(usage, "--datacenters ") || strings.Contains(cmd.Example, "--datacenters") {
		t.Errorf("sim help:\n%s\n%s", usage, cmd.Example)
	}
}
