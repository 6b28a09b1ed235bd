package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apiurl"
)

// CredentialSource says where the IONOS credentials of a Config came from,
// so that doctor and the errors of a rejected token name what to fix. It
// holds no secret.
type CredentialSource struct {
	// Env is the settings the credentials came from: "IONOS_TOKEN" or
	// "IONOS_USERNAME/IONOS_PASSWORD".
	Env string
	// File is, when Env is empty, the ionosctl configuration file the
	// credentials came from, with "~" for the home directory.
	File    string
	Profile string // the profile of File whose credentials are used
	// APIURL reports that the API endpoint came from the profile too.
	APIURL bool
	// UnusedProfile is a profile asked for (IONOS_MCP_PROFILE, --profile)
	// that is not used because the environment holds credentials.
	UnusedProfile string
}

// FromFile reports whether the credentials came from ionosctl's file.
func (s CredentialSource) FromFile() bool { return s.Env == "" && s.File != "" }

func (s CredentialSource) String() string {
	switch {
	case s.Env != "":
		return s.Env
	case s.File != "":
		return fmt.Sprintf("ionosctl config %s (profile %q)", s.File, s.Profile)
	}
	return "none"
}

// The settings that steer the reading of ionosctl's file. IONOS_CONFIG_FILE
// and IONOS_CURRENT_PROFILE are the IONOS SDKs' own, which ionosctl reads
// too; IONOS_MCP_PROFILE is this program's, and wins.
const (
	envProfile        = "IONOS_MCP_PROFILE"
	envConfigFile     = "IONOS_CONFIG_FILE"
	envCurrentProfile = "IONOS_CURRENT_PROFILE"
)

// ionosctlFile is the YAML that `ionosctl login` writes, with only what
// this program reads (sdk-go-bundle's shared/fileconfiguration declares
// the whole of it). Unknown fields are ignored, as ionosctl ignores them.
type ionosctlFile struct {
	CurrentProfile string                `yaml:"currentProfile"`
	Profiles       []ionosctlProfile     `yaml:"profiles"`
	Environments   []ionosctlEnvironment `yaml:"environments"`
}

type ionosctlProfile struct {
	Name        string `yaml:"name"`
	Environment string `yaml:"environment"`
	Credentials struct {
		Username string `yaml:"username"`
		Password string `yaml:"password"`
		Token    string `yaml:"token"`
	} `yaml:"credentials"`
}

type ionosctlEnvironment struct {
	Name     string `yaml:"name"`
	Products []struct {
		Name      string `yaml:"name"`
		Endpoints []struct {
			Name     string `yaml:"name"` // the endpoint's URL
			Location string `yaml:"location"`
		} `yaml:"endpoints"`
	} `yaml:"products"`
}

// maxIonosctlFile bounds what is read: a generated file with every product
// is tens of kilobytes, and a setting that names a device must not hang.
const maxIonosctlFile = 4 << 20

// ionosctlPlace is a file where ionosctl keeps its configuration.
type ionosctlPlace struct {
	path   string
	legacy bool // the JSON of ionosctl before v6.9 (userdata.* keys)
}

// ionosctlPlaces lists where ionosctl looks for its file, in its order:
// its own file in the user's configuration directory (where `ionosctl
// login` writes), the JSON it used before v6.9 next to it, then the IONOS
// SDKs' shared file. IONOS_CONFIG_FILE, when set, names the only file:
// ionosctl would prefer its own file over it, but a file named on purpose
// is what the user means.
func ionosctlPlaces(get Lookup) (places []ionosctlPlace, named bool) {
	if p := setting(get, envConfigFile); p != "" {
		return []ionosctlPlace{{path: p}}, true
	}
	if dir := userConfigDir(get); dir != "" {
		places = append(places,
			ionosctlPlace{path: filepath.Join(dir, "ionosctl", "config.yaml")},
			ionosctlPlace{path: filepath.Join(dir, "ionosctl", "config.json"), legacy: true})
	}
	if home := homeDir(get); home != "" {
		places = append(places, ionosctlPlace{path: filepath.Join(home, ".ionos", "config")})
	}
	return places, false
}

// fromIonosctl takes the credentials of a profile of ionosctl's file. It
// is called only when the environment holds none. No file is not an
// error, unless one was named or a profile asked for. The file is only
// ever read.
func (c *Config) fromIonosctl(get Lookup) error {
	if _, off := get(noIonosctl); off {
		return nil
	}
	places, named := ionosctlPlaces(get)
	home := homeDir(get)
	asked := setting(get, envProfile)
	var f *ionosctlFile
	var shown string
	for _, p := range places {
		shown = displayPath(p.path, home)
		var err error
		f, err = readIonosctl(p, shown)
		if errors.Is(err, fs.ErrNotExist) {
			if named {
				return fmt.Errorf("%s=%s: no such file; name the file `ionosctl cfg location` prints, or unset %s", envConfigFile, shown, envConfigFile)
			}
			continue
		}
		if err != nil {
			return err
		}
		if f != nil {
			break
		}
	}
	if f == nil {
		if asked != "" {
			return fmt.Errorf("%s=%s (or --profile): no ionosctl configuration file was found (looked for %s); run `ionosctl login`, or set IONOS_TOKEN",
				envProfile, asked, strings.Join(shownPlaces(places, home), ", "))
		}
		return nil
	}
	return c.useIonosctl(f, shown, get, asked)
}

// readIonosctl reads one file; (nil, nil) is a legacy file without
// credentials, which ionosctl passes over too.
func readIonosctl(p ionosctlPlace, shown string) (*ionosctlFile, error) {
	unreadable := func(err error) error {
		return fmt.Errorf("ionosctl configuration %s: cannot be read (%v); fix its permissions, set IONOS_CONFIG_FILE to another file, or set IONOS_TOKEN", shown, unwrapPath(err))
	}
	// Stat before opening: opening a named pipe would wait for a writer.
	st, err := os.Stat(p.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		return nil, unreadable(err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("ionosctl configuration %s: not a regular file; name the file `ionosctl cfg location` prints, or set IONOS_TOKEN", shown)
	}
	fh, err := os.Open(p.path)
	if err != nil {
		return nil, unreadable(err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxIonosctlFile+1))
	if err != nil {
		return nil, unreadable(err)
	}
	if len(b) > maxIonosctlFile {
		return nil, fmt.Errorf("ionosctl configuration %s: larger than %d MiB, so not one ionosctl wrote; run `ionosctl login` again, or set IONOS_TOKEN", shown, maxIonosctlFile>>20)
	}
	if p.legacy {
		return parseLegacyIonosctl(b, shown)
	}
	var f ionosctlFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("ionosctl configuration %s: %s; repair it, or run `ionosctl login` to write it again, or set IONOS_TOKEN", shown, yamlProblem(err))
	}
	return &f, nil
}

// parseLegacyIonosctl reads the flat JSON of ionosctl before v6.9 as the
// single profile "user" that ionosctl migrates it to.
func parseLegacyIonosctl(b []byte, shown string) (*ionosctlFile, error) {
	var old map[string]any
	if err := json.Unmarshal(b, &old); err != nil {
		// The decoder's message can quote a piece of the file.
		return nil, fmt.Errorf("ionosctl configuration %s: not valid JSON; delete it (`ionosctl logout --only-purge-old`) and run `ionosctl login`, or set IONOS_TOKEN", shown)
	}
	str := func(k string) string { s, _ := old[k].(string); return strings.TrimSpace(s) }
	token, user, pass := str("userdata.token"), str("userdata.name"), str("userdata.password")
	if token == "" && (user == "" || pass == "") {
		return nil, nil
	}
	p := ionosctlProfile{Name: "user", Environment: "prod"}
	p.Credentials.Token, p.Credentials.Username, p.Credentials.Password = token, user, pass
	f := ionosctlFile{CurrentProfile: "user", Profiles: []ionosctlProfile{p}}
	return &f, nil
}

// useIonosctl takes the credentials of the chosen profile, and its API
// endpoint when IONOS_API_URL is unset.
func (c *Config) useIonosctl(f *ionosctlFile, shown string, get Lookup, asked string) error {
	const fix = "; run `ionosctl login`, or set IONOS_TOKEN"
	name, by := asked, envProfile+" or --profile"
	if name == "" {
		name, by = setting(get, envCurrentProfile), envCurrentProfile
	}
	if name == "" {
		name, by = strings.TrimSpace(f.CurrentProfile), "its currentProfile"
	}
	if len(f.Profiles) == 0 {
		return fmt.Errorf("ionosctl configuration %s: no profiles%s", shown, fix)
	}
	if name == "" && len(f.Profiles) == 1 {
		name = strings.TrimSpace(f.Profiles[0].Name)
	}
	var names []string
	for _, p := range f.Profiles {
		names = append(names, strconv.Quote(strings.TrimSpace(p.Name)))
	}
	if name == "" {
		return fmt.Errorf("ionosctl configuration %s: no currentProfile; set %s (or --profile) to one of its profiles: %s, or set IONOS_TOKEN",
			shown, envProfile, strings.Join(names, ", "))
	}
	i := -1
	for j, p := range f.Profiles {
		// Case and surrounding spaces are ignored, as ionosctl ignores them.
		if strings.EqualFold(strings.TrimSpace(p.Name), name) {
			i = j
			break
		}
	}
	if i < 0 {
		return fmt.Errorf("ionosctl configuration %s: no profile %q (named by %s); its profiles are %s: set %s (or --profile) to one of them, or set IONOS_TOKEN",
			shown, name, by, strings.Join(names, ", "), envProfile)
	}
	p := f.Profiles[i]
	name = strings.TrimSpace(p.Name)
	where := fmt.Sprintf("ionosctl configuration %s: profile %q", shown, name)
	token := strings.TrimSpace(p.Credentials.Token)
	user, pass := strings.TrimSpace(p.Credentials.Username), p.Credentials.Password
	switch {
	case token == "<token>":
		return fmt.Errorf("%s holds the placeholder of `ionosctl login --example`, not a token%s", where, fix)
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return fmt.Errorf("%s holds a token with spaces or line breaks, which no IONOS token has%s", where, fix)
	case token != "":
		c.Token = token
	case user != "" && pass != "":
		c.Username, c.Password = user, pass
	default:
		return fmt.Errorf("%s holds no token (`ionosctl logout` removes it)%s", where, fix)
	}
	c.Credentials = CredentialSource{File: shown, Profile: name}
	if c.APIURL != "" { // IONOS_API_URL wins, as it does in ionosctl
		return nil
	}
	ep := f.cloudEndpoint(p.Environment)
	if ep == "" {
		return nil
	}
	if _, err := apiurl.Parse(ep); err != nil {
		return fmt.Errorf("%s: the endpoint of its environment for the cloud API: %v; repair it, or set IONOS_API_URL", where, errors.Unwrap(err))
	}
	c.APIURL, c.Credentials.APIURL = ep, true
	return nil
}

// cloudEndpoint is the endpoint ionosctl's compute commands use with a
// profile of environment env: the first location-less endpoint of product
// "cloud" ("compute" before ionosctl v6.9.1), reduced to scheme and host as
// ionosctl reduces it before appending /cloudapi/v6.
func (f *ionosctlFile) cloudEndpoint(env string) string {
	for _, product := range []string{"cloud", "compute"} {
		if ep, found := f.endpoint(strings.TrimSpace(env), product); found {
			return ep
		}
	}
	return ""
}

// endpoint is the first location-less endpoint of the first product
// named so, in environment env or, when env is empty, in any: ionosctl
// looks no further than that product.
func (f *ionosctlFile) endpoint(env, product string) (string, bool) {
	for _, e := range f.Environments {
		if env != "" && e.Name != env {
			continue
		}
		for _, p := range e.Products {
			if !strings.EqualFold(strings.TrimSpace(p.Name), product) {
				continue
			}
			for _, ep := range p.Endpoints {
				if strings.TrimSpace(ep.Location) == "" && strings.TrimSpace(ep.Name) != "" {
					return hostOnly(strings.TrimSpace(ep.Name)), true
				}
			}
			return "", false
		}
	}
	return "", false
}

func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return raw // apiurl.Parse then says what is wrong with it
	}
	return u.Scheme + "://" + u.Host
}

// yamlProblem says where a file fails to parse. The parser's own messages
// are left out: they quote values, and a value may be the token.
func yamlProblem(err error) string {
	var many *yaml.LoadErrors
	var one *yaml.LoadError
	switch {
	case errors.As(err, &many) && len(many.Errors) > 0:
		if l := many.Errors[0].Mark.Line; l > 0 {
			return fmt.Sprintf("line %d: a value of the wrong kind (not the shape `ionosctl login` writes)", l)
		}
		return "a value of the wrong kind (not the shape `ionosctl login` writes)"
	case errors.As(err, &one) && one.Mark.Line > 0:
		return fmt.Sprintf("line %d: not valid YAML", one.Mark.Line)
	}
	return "not valid YAML"
}

// setting is a trimmed setting; empty is unset.
func setting(get Lookup, key string) string {
	v, _ := get(key)
	return strings.TrimSpace(v)
}

// userConfigDir is os.UserConfigDir over the Lookup, so that a Config
// built from a map reads no file of the user running the tests.
func userConfigDir(get Lookup) string {
	switch runtime.GOOS {
	case "windows":
		return setting(get, "AppData")
	case "darwin", "ios":
		if h := setting(get, "HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support")
		}
		return ""
	case "plan9":
		if h := setting(get, "home"); h != "" {
			return filepath.Join(h, "lib")
		}
		return ""
	}
	if d := setting(get, "XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return d
	}
	if h := setting(get, "HOME"); h != "" {
		return filepath.Join(h, ".config")
	}
	return ""
}

// homeDir is os.UserHomeDir over the Lookup.
func homeDir(get Lookup) string {
	switch runtime.GOOS {
	case "windows":
		return setting(get, "USERPROFILE")
	case "plan9":
		return setting(get, "home")
	}
	return setting(get, "HOME")
}

// displayPath shows a path under the home directory with "~", so that
// output pasted into an issue does not carry the user's name.
func displayPath(path, home string) string {
	if home == "" {
		return path
	}
	rel, err := filepath.Rel(home, path)
	switch {
	case err != nil || !filepath.IsLocal(rel):
		return path
	case rel == ".":
		return "~"
	}
	return "~" + string(filepath.Separator) + rel
}

func shownPlaces(places []ionosctlPlace, home string) []string {
	out := make([]string, len(places))
	for i, p := range places {
		out[i] = displayPath(p.path, home)
	}
	return out
}

// unwrapPath drops the path from an *fs.PathError: the message names the
// file already, the way the user sees it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// noIonosctl is a key no environment holds (it has a space): WithoutIonosctl
// sets it for the commands that bring their own credentials.
const noIonosctl = "ionos-mcp no ionosctl"

// WithoutIonosctl returns get with ionosctl's file left unread: with --sim
// the simulator's token is used, and a broken file must not stop it.
func WithoutIonosctl(get Lookup) Lookup { return With(get, noIonosctl, "1") }

// With returns get with key set to value: how a flag stands in for its
// setting where the setting is read inside Load.
func With(get Lookup, key, value string) Lookup {
	return func(k string) (string, bool) {
		if k == key {
			return value, true
		}
		return get(k)
	}
}
