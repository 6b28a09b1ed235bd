package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// startTestSim starts a simulator for a test; the command line reaches it
// through IONOS_API_URL, with the credentials the test sets.
func startTestSim(t *testing.T, o sim.Options) *sim.Server {
	t.Helper()
	o.Timing.Scale = 0.0005
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// contains fails the test for each of want that text lacks, and each of
// unwant that it has, whatever the line breaks of wrapped text.
func contains(t *testing.T, what, text string, want, unwant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(flat(text), flat(w)) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
	for _, w := range unwant {
		if strings.Contains(flat(text), flat(w)) {
			t.Errorf("%s says %q:\n%s", what, w, text)
		}
	}
}

// On the command line, a rejection names the credentials in use, and the
// fix is to run the command again, not to restart an MCP client.
func TestCLICredentialErrors(t *testing.T) {
	const user = "ops@example.com"
	s := startTestSim(t, sim.Options{Username: user, Password: "right-password"})
	for _, tt := range []struct {
		name   string
		env    map[string]string
		args   []string
		want   []string
		unwant []string
	}{
		{"basic auth, wrong password", map[string]string{"IONOS_USERNAME": user, "IONOS_PASSWORD": "wrong-password"},
			[]string{"call", "list_servers"},
			[]string{"401", "IONOS_USERNAME and IONOS_PASSWORD is wrong", "then run the command again"},
			[]string{"the token in IONOS_TOKEN", "restart", "wrong-password"}},
		{"wrong token", map[string]string{"IONOS_TOKEN": "not-the-token"},
			[]string{"call", "get_server", `{"server":"etl-1"}`},
			[]string{"401", "IONOS_TOKEN is expired, revoked or mistyped", "Token Manager", "then run the command again"},
			[]string{"MCP client", "restart"}},
		{"doctor, wrong token", map[string]string{"IONOS_TOKEN": "not-the-token"},
			[]string{"doctor"},
			[]string{"401", "IONOS_TOKEN is expired", "then run the command again"},
			[]string{"listing data centers: listing data centers", "MCP client", "restart"}},
		{"doctor, wrong password", map[string]string{"IONOS_USERNAME": user, "IONOS_PASSWORD": "wrong-password"},
			[]string{"doctor"},
			[]string{"401", "IONOS_USERNAME and IONOS_PASSWORD is wrong", "then run the command again"},
			[]string{"the token in IONOS_TOKEN", "restart"}},
		{"no credentials", nil,
			[]string{"call", "list_servers"},
			[]string{"no IONOS credentials: set IONOS_TOKEN", "then run the command again"},
			[]string{"MCP client", "restart"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			t.Setenv("IONOS_API_URL", s.URL)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, errs := runIn(t, "", append([]string{"--env-file", ""}, tt.args...)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, errs)
			}
			contains(t, "stderr", errs, tt.want, tt.unwant)
		})
	}
	// The right password works: the rejections above were the password's.
	isolate(t)
	t.Setenv("IONOS_API_URL", s.URL)
	t.Setenv("IONOS_USERNAME", user)
	t.Setenv("IONOS_PASSWORD", "right-password")
	if code, _, errs := runIn(t, "", "--env-file", "", "call", "list_datacenters"); code != 0 {
		t.Fatalf("right password: exit %d: %s", code, errs)
	}
}

// previewToken runs the first call of a token confirmation and returns
// the token.
func previewToken(t *testing.T) string {
	t.Helper()
	code, out, errs := runIn(t, "", "--env-file", "", "call", "--sim", "--confirm", "token", "--json", "stop_server", `{"server":"etl-1"}`)
	if code != 0 {
		t.Fatalf("preview: exit %d: %s", code, errs)
	}
	var res struct {
		Status            string `json:"status"`
		ConfirmationToken string `json:"confirmationToken"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Status != "CONFIRMATION_REQUIRED" || res.ConfirmationToken == "" {
		t.Fatalf("preview: %v\n%s", err, out)
	}
	return res.ConfirmationToken
}

// With IONOS_MCP_CONFIRM=token, the run that confirms accepts the token of
// the run that previewed: both sign with the key kept for the user, in a
// file of mode 0600 that no output shows.
func TestCallTokenConfirmationAcrossRuns(t *testing.T) {
	isolate(t)
	tok := previewToken(t)
	code, out, errs := runIn(t, "", "--env-file", "", "call", "--sim", "--confirm", "token", "stop_server",
		`{"server":"etl-1","confirmation_token":"`+tok+`"}`)
	if code != 0 || !strings.Contains(out, `"status": "DONE"`) {
		t.Fatalf("confirming run: exit %d\n%s\n%s", code, out, errs)
	}
	path := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "ionos-mcp", "confirm.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no key kept: %v", err)
	}
	if goruntime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	key, _ := os.ReadFile(path)
	if k := strings.TrimSpace(string(key)); len(k) < 32 || strings.Contains(out+errs, k) {
		t.Fatalf("key %d characters long, or shown in the output", len(k))
	}
}

// Runs with different keys do not accept each other's tokens, and the
// refusal says which setting makes them share one.
func TestCallTokenOfAnotherKeySaysHowToShare(t *testing.T) {
	isolate(t)
	t.Setenv("IONOS_MCP_CONFIRM_KEY", "first-key-0123456789")
	tok := previewToken(t)
	t.Setenv("IONOS_MCP_CONFIRM_KEY", "other-key-0123456789")
	code, _, errs := runIn(t, "", "--env-file", "", "call", "--sim", "--confirm", "token", "stop_server",
		`{"server":"etl-1","confirmation_token":"`+tok+`"}`)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	contains(t, "stderr", errs, []string{"another key", "IONOS_MCP_CONFIRM_KEY", "set to the same value", "Nothing was changed"}, nil)
}

// The listing on the command line says why it is empty, and bad input is
// an error with a non-zero exit.
func TestCallListingMessages(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		want   []string
		unwant []string
	}{
		{"vm_state not a vmState", []string{"list_servers", `{"vm_state":"ON"}`}, 1,
			[]string{`vm_state "ON" is not a vmState: use one of`}, nil},
		{"filter matching nothing", []string{"list_servers", `{"name":"zzz","filter":{"type":"cube"}}`}, 0,
			[]string{"(none match the filter)", `no server in these 3 data centers matched the filter name="zzz" filter.type="cube"`},
			[]string{"(no servers)"}},
		{"vm_state matching nothing in one data center", []string{"list_servers", `{"vm_state":"SUSPENDED"}`}, 0,
			[]string{"production", "(none match the filter)", "dev-cube", "gpu-infer"},
			[]string{"(no servers)", "matched the filter"}},
		{"limit 0", []string{"list_servers", `{"limit":0}`}, 1,
			[]string{"limit 0 is out of range: use 1 to 1000, or omit it for 500"}, nil},
		{"allow-list matching none, servers", []string{"--datacenters", "nowhere-*", "list_servers"}, 0,
			[]string{"IONOS_MCP_DATACENTERS", "matches none of this account's data centers"}, nil},
		{"allow-list matching none, data centers", []string{"--datacenters", "nowhere-*", "list_datacenters"}, 0,
			[]string{"IONOS_MCP_DATACENTERS", "matches none of this account's data centers"}, nil},
		{"read-only", []string{"--read-only", "stop_server", `{"server":"etl-1"}`}, 1,
			[]string{"stop_server is not available", "read-only mode", "IONOS_MCP_READ_ONLY", "then run the command again"},
			[]string{"unknown tool"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", append([]string{"call", "--sim"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, errs)
			}
			contains(t, "output", out+errs, tt.want, tt.unwant)
		})
	}
}

// A file named with --env-file must exist; the default ./.env need not.
func TestEnvFileMissing(t *testing.T) {
	isolate(t)
	t.Chdir(t.TempDir()) // no ./.env here
	missing := filepath.Join(t.TempDir(), "prod.env")
	code, _, errs := runIn(t, "", "--env-file", missing, "call", "--sim", "list_datacenters")
	if code != 1 || !strings.Contains(errs, missing) || !strings.Contains(errs, "no such file") {
		t.Fatalf("missing --env-file: exit %d: %s", code, errs)
	}
	if code, _, errs := runIn(t, "", "call", "--sim", "list_datacenters"); code != 0 {
		t.Fatalf("no ./.env and no --env-file: exit %d: %s", code, errs)
	}
}
