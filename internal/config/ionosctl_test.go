package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// secret marks every credential in these files: no error or log line may
// show it.
const secret = "s3cr3t"

// loginFile is a file as `ionosctl login` writes it (yaml.v3's Marshal of
// sdk-go-bundle's FileConfig: four-space indents, every product of the API
// index), with a second profile added by hand, as users do.
const loginFile = `version: 1.0
currentProfile: user
profiles:
    - name: user
      environment: prod
      credentials:
        token: eyJ-user-` + secret + `
        s3AccessKey: ""
        s3SecretKey: ""
    - name: Staging
      environment: staging
      credentials:
        token: eyJ-staging-` + secret + `
        s3AccessKey: ""
        s3SecretKey: ""
    - name: basic
      environment: prod
      credentials:
        username: ops@example.com
        password: pw-` + secret + `
        token: ""
        s3AccessKey: ""
        s3SecretKey: ""
environments:
    - name: prod
      products:
        - name: auth
          endpoints:
            - name: https://api.ionos.com/auth/v1
              skipTlsVerify: false
        - name: cloud
          endpoints:
            - name: https://api.ionos.com/cloudapi/v6
              skipTlsVerify: false
        - name: dns
          endpoints:
            - location: de/fra
              name: https://dns.de-fra.ionos.com
              skipTlsVerify: false
    - name: staging
      certificateAuthData: LS0tLS1CRUdJTi
      products:
        - name: cloud
          endpoints:
            - location: de/fra
              name: https://fra.staging.example/cloudapi/v6
              skipTlsVerify: true
            - name: https://api.staging.example/cloudapi/v6
              skipTlsVerify: true
`

// home is a user's home directory in a test: the files of ionosctl go
// under it, and the Lookup points HOME and XDG_CONFIG_HOME at it.
type home struct {
	t   *testing.T
	dir string
	env map[string]string
}

func newHome(t *testing.T) *home {
	dir := t.TempDir()
	return &home{t: t, dir: dir, env: map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, ".config")}}
}

// write puts content at rel under the home directory and returns its path.
func (h *home) write(rel, content string) string {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *home) load(extra map[string]string) (Config, error) {
	m := map[string]string{}
	for k, v := range h.env {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return Load(FromMap(m))
}

// creds is what of a Config these tests compare.
type creds struct {
	Token, Username, Password, APIURL string
	Source                            CredentialSource
}

func credsOf(c Config) creds {
	return creds{c.Token, c.Username, c.Password, c.APIURL, c.Credentials}
}

const ownFile = ".config/ionosctl/config.yaml" // where `ionosctl login` writes on Linux

func TestIonosctlFile(t *testing.T) {
	prod := "https://api.ionos.com"
	for _, tt := range []struct {
		name  string
		files map[string]string // under the home directory
		env   map[string]string
		want  creds
	}{
		{"ionosctl login's file, its currentProfile", map[string]string{ownFile: loginFile}, nil,
			creds{Token: "eyJ-user-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "user", APIURL: true}}},
		{"IONOS_MCP_PROFILE, matched as ionosctl matches, with its environment's endpoint",
			map[string]string{ownFile: loginFile}, map[string]string{"IONOS_MCP_PROFILE": " staging "},
			creds{Token: "eyJ-staging-" + secret, APIURL: "https://api.staging.example",
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "Staging", APIURL: true}}},
		{"IONOS_CURRENT_PROFILE, the SDKs' own", map[string]string{ownFile: loginFile}, map[string]string{"IONOS_CURRENT_PROFILE": "Staging"},
			creds{Token: "eyJ-staging-" + secret, APIURL: "https://api.staging.example",
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "Staging", APIURL: true}}},
		{"IONOS_MCP_PROFILE wins over IONOS_CURRENT_PROFILE", map[string]string{ownFile: loginFile},
			map[string]string{"IONOS_CURRENT_PROFILE": "Staging", "IONOS_MCP_PROFILE": "user"},
			creds{Token: "eyJ-user-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "user", APIURL: true}}},
		{"IONOS_API_URL wins over the profile's endpoint", map[string]string{ownFile: loginFile},
			map[string]string{"IONOS_MCP_PROFILE": "Staging", "IONOS_API_URL": "http://127.0.0.1:9"},
			creds{Token: "eyJ-staging-" + secret, APIURL: "http://127.0.0.1:9",
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "Staging"}}},
		{"a profile with username and password", map[string]string{ownFile: loginFile}, map[string]string{"IONOS_MCP_PROFILE": "basic"},
			creds{Username: "ops@example.com", Password: "pw-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "basic", APIURL: true}}},
		{"the SDKs' shared file", map[string]string{".ionos/config": loginFile}, nil,
			creds{Token: "eyJ-user-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.ionos/config", Profile: "user", APIURL: true}}},
		{"ionosctl's own file before the SDKs'", map[string]string{ownFile: loginFile, ".ionos/config": strings.ReplaceAll(loginFile, "eyJ-user-", "other-")}, nil,
			creds{Token: "eyJ-user-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "user", APIURL: true}}},
		{"IONOS_CONFIG_FILE names the only file", map[string]string{ownFile: loginFile, "elsewhere/ionos.yaml": strings.ReplaceAll(loginFile, "eyJ-user-", "named-")},
			map[string]string{"IONOS_CONFIG_FILE": "{home}/elsewhere/ionos.yaml"},
			creds{Token: "named-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/elsewhere/ionos.yaml", Profile: "user", APIURL: true}}},
		{"the JSON of ionosctl before v6.9", map[string]string{".config/ionosctl/config.json": `{"userdata.token":"old-` + secret + `","userdata.api-url":"https://api.ionos.com"}`}, nil,
			creds{Token: "old-" + secret, Source: CredentialSource{File: "~/.config/ionosctl/config.json", Profile: "user"}}},
		{"a legacy JSON without credentials is passed over", map[string]string{".config/ionosctl/config.json": `{"userdata.api-url":"x"}`, ".ionos/config": loginFile}, nil,
			creds{Token: "eyJ-user-" + secret, APIURL: prod,
				Source: CredentialSource{File: "~/.ionos/config", Profile: "user", APIURL: true}}},
		{"one profile and no currentProfile", map[string]string{ownFile: "profiles:\n  - name: only\n    credentials:\n      token: t-" + secret + "\n"}, nil,
			creds{Token: "t-" + secret, Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "only"}}},
		{"the product's name before ionosctl v6.9.1, and a path after the host dropped as ionosctl drops it",
			map[string]string{ownFile: "currentProfile: p\nprofiles:\n  - name: p\n    environment: e\n    credentials: {token: t-" + secret + "}\n" +
				"environments:\n  - name: e\n    products:\n      - name: compute\n        endpoints:\n          - name: https://proxy.example:8443/ionos/cloudapi/v6\n"}, nil,
			creds{Token: "t-" + secret, APIURL: "https://proxy.example:8443",
				Source: CredentialSource{File: "~/.config/ionosctl/config.yaml", Profile: "p", APIURL: true}}},
		{"no file: no credentials, no error", nil, nil, creds{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t)
			for rel, content := range tt.files {
				h.write(rel, content)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "{home}", h.dir)
			}
			c, err := h.load(env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, credsOf(c)); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

// The environment's credentials win, and the file is then not read at all:
// a broken file does not matter.
func TestIonosctlEnvironmentWins(t *testing.T) {
	h := newHome(t)
	h.write(ownFile, "profiles: [")
	for _, tt := range []struct {
		name string
		env  map[string]string
		want creds
	}{
		{"IONOS_TOKEN", map[string]string{"IONOS_TOKEN": "env-token", "IONOS_MCP_PROFILE": "Staging"},
			creds{Token: "env-token", Source: CredentialSource{Env: "IONOS_TOKEN", UnusedProfile: "Staging"}}},
		{"basic auth", map[string]string{"IONOS_USERNAME": "u", "IONOS_PASSWORD": "p"},
			creds{Username: "u", Password: "p", Source: CredentialSource{Env: "IONOS_USERNAME/IONOS_PASSWORD"}}},
		{"half of basic auth is shown as missing, not replaced by the file", map[string]string{"IONOS_USERNAME": "u"},
			creds{Username: "u"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := h.load(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, credsOf(c)); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

// Each problem of the file is an error that names the file and the fix,
// and never shows a credential.
func TestIonosctlErrors(t *testing.T) {
	const profileFix = "set IONOS_MCP_PROFILE (or --profile) to one of"
	for _, tt := range []struct {
		name    string
		file    string // at ownFile; "" = none
		env     map[string]string
		want    []string
		rootsOK bool // the case holds when running as root too
	}{
		{"unknown profile lists the profiles", loginFile, map[string]string{"IONOS_MCP_PROFILE": "prod"},
			[]string{"~/.config/ionosctl/config.yaml", `no profile "prod" (named by IONOS_MCP_PROFILE or --profile)`, `"user", "Staging", "basic"`, profileFix, "IONOS_TOKEN"}, true},
		{"a currentProfile that is not there", strings.Replace(loginFile, "currentProfile: user", "currentProfile: gone", 1), nil,
			[]string{`no profile "gone" (named by its currentProfile)`, `"user", "Staging", "basic"`}, true},
		{"no currentProfile among several", strings.Replace(loginFile, "currentProfile: user\n", "", 1), nil,
			[]string{"no currentProfile", `"user", "Staging", "basic"`}, true},
		{"not YAML", loginFile[:200] + "\n  - name: [broken\n", nil,
			[]string{"~/.config/ionosctl/config.yaml: line ", "not valid YAML", "ionosctl login", "IONOS_TOKEN"}, true},
		{"a list where a map belongs, next to the token", "profiles:\n  - eyJ-" + secret + "\n", nil,
			[]string{"line 2: a value of the wrong kind", "ionosctl login"}, true},
		{"a map where the token belongs", "profiles:\n  - name: user\n    credentials:\n      token: {eyJ-" + secret + ": x}\n", nil,
			[]string{"line 4: a value of the wrong kind"}, true},
		{"no token", strings.Replace(loginFile, "token: eyJ-user-"+secret, `token: ""`, 1), nil,
			[]string{`profile "user" holds no token (` + "`ionosctl logout`", "run `ionosctl login`, or set IONOS_TOKEN"}, true},
		{"the placeholder of --example", strings.Replace(loginFile, "token: eyJ-user-"+secret, "token: <token>", 1), nil,
			[]string{"placeholder of `ionosctl login --example`"}, true},
		{"a token with a line break", strings.Replace(loginFile, "token: eyJ-user-"+secret, `token: "eyJ-`+secret+`\nmore"`, 1), nil,
			[]string{"spaces or line breaks"}, true},
		{"no profiles", "version: 1.0\n", nil, []string{"no profiles; run `ionosctl login`"}, true},
		{"an empty file", "empty", nil, []string{"no profiles"}, true},
		{"an endpoint that is no API URL", strings.Replace(loginFile, "https://api.ionos.com/cloudapi/v6", "ftp://api.ionos.com", 1), nil,
			[]string{`profile "user": the endpoint of its environment for the cloud API: scheme must be http or https`, "set IONOS_API_URL"}, true},
		{"an endpoint with credentials in it", strings.Replace(loginFile, "https://api.ionos.com/cloudapi/v6", "https://me:"+secret+"@api.ionos.com", 1), nil,
			[]string{"credentials in the URL are not allowed"}, true},
		{"IONOS_CONFIG_FILE that is not there", "", map[string]string{"IONOS_CONFIG_FILE": "{home}/nope.yaml"},
			[]string{"IONOS_CONFIG_FILE=~/nope.yaml: no such file", "ionosctl cfg location"}, true},
		{"IONOS_CONFIG_FILE naming a directory", "", map[string]string{"IONOS_CONFIG_FILE": "{home}"},
			[]string{"not a regular file"}, true},
		{"a profile asked for, and no file", "", map[string]string{"IONOS_MCP_PROFILE": "user"},
			[]string{"IONOS_MCP_PROFILE=user (or --profile): no ionosctl configuration file was found", "~/.config/ionosctl/config.yaml, ~/.config/ionosctl/config.json, ~/.ionos/config", "run `ionosctl login`"}, true},
		{"an unreadable file", "mode 000", nil, []string{"~/.config/ionosctl/config.yaml: cannot be read (permission denied)", "fix its permissions"}, false},
		{"too large", "#" + strings.Repeat("x", maxIonosctlFile) + "\n", nil, []string{"larger than 4 MiB"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.rootsOK && os.Geteuid() == 0 {
				t.Skip("root reads any file")
			}
			h := newHome(t)
			switch tt.file {
			case "":
			case "empty":
				h.write(ownFile, "")
			case "mode 000":
				if err := os.Chmod(h.write(ownFile, loginFile), 0); err != nil {
					t.Fatal(err)
				}
			default:
				h.write(ownFile, tt.file)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "{home}", h.dir)
			}
			_, err := h.load(env)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), h.dir) {
				t.Errorf("error shows a credential or the home directory: %v", err)
			}
		})
	}
	// The legacy JSON's decoder quotes the file; its error does not.
	h := newHome(t)
	h.write(".config/ionosctl/config.json", `{"userdata.token": eyJ-`+secret+`}`)
	if _, err := h.load(nil); err == nil || !strings.Contains(err.Error(), "config.json: not valid JSON") || strings.Contains(err.Error(), secret) {
		t.Errorf("legacy JSON: %v", err)
	}
}

// The file is only read: its content and its time stay as they were.
func TestIonosctlFileNeverWritten(t *testing.T) {
	h := newHome(t)
	p := h.write(ownFile, loginFile)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	for _, profile := range []string{"", "Staging", "nonesuch"} {
		_, _ = h.load(map[string]string{"IONOS_MCP_PROFILE": profile})
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != loginFile || !st.ModTime().Equal(old) || st.Mode().Perm() != 0o600 {
		t.Fatalf("the file changed: mtime %v (was %v), mode %v", st.ModTime(), old, st.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) != 1 {
		t.Fatalf("files appeared next to it: %v", entries)
	}
}

// A Config with credentials from the file logs where they came from, not
// what they are.
func TestIonosctlNoSecretInLog(t *testing.T) {
	h := newHome(t)
	h.write(ownFile, loginFile)
	for _, profile := range []string{"user", "basic"} {
		c, err := h.load(map[string]string{"IONOS_MCP_PROFILE": profile})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
		for _, out := range []string{b.String(), c.String(), c.Credentials.String()} {
			if strings.Contains(out, secret) {
				t.Fatalf("secret in %q", out)
			}
		}
		if want := `credentials="ionosctl config ~/.config/ionosctl/config.yaml (profile \"` + profile + `\")"`; !strings.Contains(b.String(), want) {
			t.Errorf("log line lacks %s: %s", want, b.String())
		}
	}
}

func TestDisplayPath(t *testing.T) {
	home := filepath.FromSlash("/home/ada")
	for path, want := range map[string]string{
		"/home/ada/.ionos/config": "~/.ionos/config",
		"/home/adam/x":            "/home/adam/x",
		"/etc/ionos/config":       "/etc/ionos/config",
		"/home/ada":               "~",
	} {
		if got := displayPath(filepath.FromSlash(path), home); got != filepath.FromSlash(want) {
			t.Errorf("displayPath(%q) = %q, want %q", path, got, want)
		}
	}
	if got := displayPath("/x/y", ""); got != "/x/y" {
		t.Errorf("without a home: %q", got)
	}
}
