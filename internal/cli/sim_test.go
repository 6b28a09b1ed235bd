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
	r := startSimCmd(t, "--token", "x", "--datacenters", "2", "--servers-per-datacenter", "3", "--save-dataset", file)
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
		"bad fault":             {"--fault", "kind=bogus"},
		"bad fault key":         {"--fault", "kind=fail,colour=red"},
		"missing dataset":       {"--dataset", missing},
		"dataset and generate":  {"--dataset", missing, "--datacenters", "2"},
		"burst without rate":    {"--rate-burst", "5"},
		"negative rate":         {"--rate-limit", "-1"},
		"jitter alone":          {"--jitter", "5ms"},
		"zero time scale":       {"--time-scale", "0"},
		"user without password": {"--username", "u", "--password", ""},
		"bad address":           {"--addr", "256.0.0.1:99999"},
		"zero datacenters":      {"--servers-per-datacenter", "5"},
		"extra argument":        {"now"},
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
