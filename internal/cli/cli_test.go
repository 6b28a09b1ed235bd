package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the command line with the given stdin and returns its exit code,
// stdout and stderr. The environment carries no IONOS settings.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	isolate(t)
	return runIn(t, stdin, append([]string{"--env-file", ""}, args...)...)
}

// isolate clears the IONOS settings of the environment and gives the test
// a configuration directory of its own (where `call` keeps its key).
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{"IONOS_TOKEN", "IONOS_USERNAME", "IONOS_PASSWORD", "IONOS_API_URL", "IONOS_MCP_CONFIRM", "IONOS_MCP_READ_ONLY",
		"IONOS_MCP_CONFIRM_KEY", "IONOS_MCP_DATACENTERS", "IONOS_MCP_PROTECT", "IONOS_MCP_AUDIT_LOG",
		"IONOS_CONFIG_FILE", "IONOS_CURRENT_PROFILE", "IONOS_MCP_PROFILE"} {
		t.Setenv(k, "")
	}
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("HOME", home)
}

// runIn is run with the environment as the test set it, and args as given.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// flat is s with every run of white space made one space, so that a test
// reads the words of output that was wrapped to the width.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestDemoYes(t *testing.T) {
	code, out, errs := run(t, "", "demo", "--yes", "--time-scale", "0.002")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"→ tool call: list_servers {}", "production", "staging", "analytics", "gpu-infer", "SUSPENDED",
		"3 data centers, 13 servers: 1 tool call",
		`→ tool call: stop_server {"server":"etl-1"}`, "forced power-off", "Proceed? [y/N] y",
		"DONE", "is now SHUTOFF",
	} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

// Without --yes and with no answer on stdin, the stop is declined and
// nothing changes.
func TestDemoDeclined(t *testing.T) {
	code, out, errs := run(t, "n\n", "demo", "--time-scale", "0.002")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out = flat(out); !strings.Contains(out, "status DECLINED") || !strings.Contains(out, "nothing was changed") || strings.Contains(out, "is now SHUTOFF") {
		t.Fatalf("declined demo:\n%s", out)
	}
}

func TestCallSim(t *testing.T) {
	code, out, errs := run(t, "", "call", "--sim", "list_servers", `{"datacenter":"staging"}`)
	if code != 0 || !strings.Contains(out, "build-runner") || !strings.Contains(out, "SHUTOFF") || strings.Contains(out, "etl-1") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, "", "call", "--sim", "--json", "get_server", `{"server":"etl-1"}`)
	if code != 0 || !strings.Contains(out, `"vmState": "RUNNING"`) {
		t.Fatalf("--json: exit %d\n%s", code, out)
	}
}

// A set action asks once on the terminal and prints a row per server.
func TestCallSet(t *testing.T) {
	code, out, errs := run(t, "y\n", "call", "--sim", "power_servers", `{"action":"stop","datacenter":"production","vm_state":"RUNNING"}`)
	if code != 0 || strings.Count(errs, "Proceed?") != 1 || !strings.Contains(errs, "Stop these 3 servers?") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"DONE: 3 of 3 planned servers stopped", "PLAN", "web-2", "REFUSED", "- production/cache-cube: server \"cache-cube\" is a CUBE server"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "n\n", "call", "--sim", "power_servers", `{"action":"reboot","datacenter":"production","vm_state":"RUNNING"}`)
	if code != 0 || !strings.Contains(out, "DECLINED") {
		t.Fatalf("declined: exit %d\n%s", code, out)
	}
}

func TestCallErrors(t *testing.T) {
	code, _, errs := run(t, "", "call", "--sim", "get_server", `{"server":"web-1"}`)
	if code != 1 || !strings.Contains(errs, "2 servers are named") {
		t.Fatalf("ambiguous: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "", "call", "--sim", "get_server", `{not json`)
	if code != 1 || !strings.Contains(errs, "arguments must be a JSON object") {
		t.Fatalf("bad JSON: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "", "call", "--sim", "get_server", `not json`)
	if code != 1 || !strings.Contains(errs, `argument "not json" is neither key=value nor a JSON object`) || !strings.Contains(errs, "server=not json") {
		t.Fatalf("neither JSON nor key=value: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "", "call", "list_servers")
	if code != 1 || !strings.Contains(errs, "IONOS_TOKEN") {
		t.Fatalf("no token: exit %d, %s", code, errs)
	}
}

func TestToolsAndReadOnly(t *testing.T) {
	code, out, _ := run(t, "", "tools", "--sim")
	if code != 0 || strings.Count(out, "_server (") < 6 || !strings.Contains(out, "stop_server (destructive") {
		t.Fatalf("tools: %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "tools", "--sim", "--read-only")
	if code != 0 || strings.Contains(out, "stop_server") || !strings.Contains(out, "list_servers") {
		t.Fatalf("tools --read-only: %d\n%s", code, out)
	}
}

func TestDoctor(t *testing.T) {
	code, out, errs := run(t, "", "doctor", "--sim")
	if code != 0 || !strings.Contains(out, "3 data centers listed") || !strings.Contains(out, "access works") {
		t.Fatalf("doctor --sim: %d\n%s\n%s", code, out, errs)
	}
	// The account's shape, what each plan cost, what was learned, the plan chosen.
	for _, want := range []string{
		`account      3 data centers, 13 servers (at most 5 in "production"`,
		"inventory    1 deep page, 0 data centers listed on their own: 1 API request,",
		"per-dc plan  3 data centers one by one: 3 requests,",
		"learned      deep pages: ",
		"chosen       deep pages",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor --sim lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = run(t, "", "doctor")
	if code != 1 || !strings.Contains(out, "none: set IONOS_TOKEN") || !strings.Contains(errs, "Token Manager") {
		t.Fatalf("doctor without token: %d\n%s\n%s", code, out, errs)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--confirm", "maybe"},
		{"serve", "--http", "0.0.0.0:0"},
		{"serve", "--http", "nonsense"},
		{"serve", "--http", "127.0.0.1:0", "--auth", "magic"},
		{"serve", "--protect", "db-\x01"}, // a control character no name can hold
	} {
		code, _, errs := run(t, "", args...)
		if code == 0 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := run(t, "", "version"); code != 0 || !strings.HasPrefix(out, "ionos-mcp ") {
		t.Fatalf("version: %d %q", code, out)
	}
}
