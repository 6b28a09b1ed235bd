package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// isolateIonosctl is isolate, and no IONOS SDK setting that picks another
// file or profile of ionosctl.
func isolateIonosctl(t *testing.T) {
	t.Helper()
	isolate(t)
	for _, k := range []string{"IONOS_CONFIG_FILE", "IONOS_CURRENT_PROFILE", "IONOS_MCP_PROFILE"} {
		t.Setenv(k, "")
	}
}

// writeIonosctlConfig writes the file `ionosctl login` writes, where it
// writes it on Linux, with a profile per token given; every profile's
// environment points the cloud API at api. It returns the path, its time
// set back an hour so that a write would show.
func writeIonosctlConfig(t *testing.T, api, current string, tokens map[string]string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1.0\ncurrentProfile: %s\nprofiles:\n", current)
	for name, token := range tokens {
		fmt.Fprintf(&b, "    - name: %s\n      environment: prod\n      credentials:\n        token: %s\n        s3AccessKey: \"\"\n        s3SecretKey: \"\"\n", name, token)
	}
	fmt.Fprintf(&b, "environments:\n    - name: prod\n      products:\n        - name: cloud\n          endpoints:\n            - name: %s/cloudapi/v6\n              skipTlsVerify: false\n", api)
	p := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "ionosctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return p
}

// unchanged fails the test when the file at p was written since
// writeIonosctlConfig.
func unchanged(t *testing.T, p string, content []byte) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != string(content) || time.Since(st.ModTime()) < 59*time.Minute || st.Mode().Perm() != 0o600 {
		t.Fatalf("ionosctl's file was changed: mtime %v, mode %v", st.ModTime(), st.Mode())
	}
}

// A user who ran `ionosctl login` runs doctor with nothing in the
// environment, and it works, saying where the token came from.
func TestDoctorIonosctlLogin(t *testing.T) {
	const token = "eyJ-ionosctl-login-token-0123456789"
	s := startTestSim(t, sim.Options{Token: token})
	isolateIonosctl(t)
	p := writeIonosctlConfig(t, s.URL, "user", map[string]string{"user": token})
	content, _ := os.ReadFile(p)

	code, out, errs := runIn(t, "", "--env-file", "", "doctor")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	contains(t, "doctor", out, []string{
		"API          " + s.URL + "/cloudapi/v6 (the endpoint of the ionosctl profile)",
		fmt.Sprintf(`credentials  bearer token from ionosctl config ~/.config/ionosctl/config.yaml (profile "user", %d characters)`, len(token)),
		"3 data centers listed", "access works",
	}, []string{token, os.Getenv("HOME")})
	contains(t, "stderr", errs, nil, []string{token})
	unchanged(t, p, content)
}

// --profile and IONOS_MCP_PROFILE pick the profile; a rejected token names
// its file and how to replace it; an unknown profile lists the real ones;
// IONOS_TOKEN wins over all of it.
func TestDoctorIonosctlProfiles(t *testing.T) {
	const right, wrong = "eyJ-right-token-0123456789", "eyJ-revoked-token-0123456789"
	s := startTestSim(t, sim.Options{Token: right})
	for _, tt := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		out    []string // in stdout
		errs   []string // in stderr
		unwant []string // in neither
	}{
		{"--profile", nil, []string{"doctor", "--profile", "ops"}, 0,
			[]string{`bearer token from ionosctl config ~/.config/ionosctl/config.yaml (profile "ops",`, "access works"}, nil, nil},
		{"IONOS_MCP_PROFILE", map[string]string{"IONOS_MCP_PROFILE": "ops"}, []string{"doctor"}, 0,
			[]string{`(profile "ops",`, "access works"}, nil, nil},
		{"--profile wins over IONOS_MCP_PROFILE", map[string]string{"IONOS_MCP_PROFILE": "user"}, []string{"doctor", "--profile", "ops"}, 0,
			[]string{`(profile "ops",`, "access works"}, nil, nil},
		{"the currentProfile's token is revoked", nil, []string{"doctor"}, 1,
			[]string{`(profile "user",`},
			[]string{"401", `ionosctl config ~/.config/ionosctl/config.yaml (profile "user") holds`, "`ionosctl login`", "set IONOS_TOKEN", "then run the command again"},
			[]string{"MCP client"}},
		{"an unknown profile", nil, []string{"doctor", "--profile", "prod"}, 1, nil,
			[]string{`no profile "prod" (named by IONOS_MCP_PROFILE or --profile)`, `"ops"`, `"user"`, "~/.config/ionosctl/config.yaml"}, nil},
		{"IONOS_TOKEN wins, and says the profile is not used", map[string]string{"IONOS_TOKEN": right, "IONOS_API_URL": s.URL}, []string{"doctor", "--profile", "prod"}, 0,
			[]string{"bearer token (IONOS_TOKEN,", `the ionosctl profile "prod" (IONOS_MCP_PROFILE or --profile) is not used, as IONOS_TOKEN wins`, "access works"}, nil, nil},
		{"--sim uses the simulator's token", nil, []string{"doctor", "--sim"}, 0,
			[]string{"credentials  the embedded simulator's own token (--sim)", "access works"}, nil, []string{"ionosctl config"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			isolateIonosctl(t)
			p := writeIonosctlConfig(t, s.URL, "user", map[string]string{"user": wrong, "ops": right})
			content, _ := os.ReadFile(p)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errs := runIn(t, "", append([]string{"--env-file", ""}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, errs)
			}
			secrets := append([]string{right, wrong}, tt.unwant...)
			contains(t, "stdout", out, tt.out, secrets)
			contains(t, "stderr", errs, tt.errs, secrets)
			unchanged(t, p, content)
		})
	}
}

// With --sim the simulator's token is used, so ionosctl's file is not read:
// a broken one, or an unknown --profile, does not stop a try-out.
func TestSimIgnoresIonosctlFile(t *testing.T) {
	isolateIonosctl(t)
	p := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "ionosctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("profiles: [ this is : not yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runIn(t, "", "--env-file", "", "doctor"); code == 0 || !strings.Contains(errs, "config.yaml") {
		t.Fatalf("without --sim a broken file must be reported: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := runIn(t, "", "--env-file", "", "doctor", "--sim")
	if code != 0 || !strings.Contains(out, "access works") {
		t.Fatalf("doctor --sim with a broken ionosctl file: exit %d\n%s\n%s", code, out, errs)
	}
}
