package docs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated install links in docs/clients")

// guides is docs/clients, seen from this package's directory.
const guides = "../../docs/clients"

// serverName is the name the links install the server under.
const serverName = "ionos"

// variants are the installs every link set offers, read-only first.
var variants = []struct {
	label string
	args  []string
}{
	{"Read-only (recommended for a first try)", []string{"serve", "--read-only"}},
	{"Full access (stop, reboot and suspend still ask you)", []string{"serve"}},
}

// vscodeServer is the object that `code --add-mcp` and vscode:mcp/install
// take: the server's entry of mcp.json plus its name and the inputs it
// refers to (microsoft/vscode: mcpManagementCli.ts, mcpWorkbenchService.ts).
type vscodeServer struct {
	Name    string            `json:"name"`
	Type    string            `json:"type"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
	Inputs  []vscodeInput     `json:"inputs"`
}

type vscodeInput struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Description string `json:"description"`
	Password    bool   `json:"password"`
}

// cursorServer is the config of a Cursor install link: one server entry of
// mcp.json, base64 of its JSON (cursor.com/docs/mcp/install-links).
type cursorServer struct {
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
}

func vscodeConfig(args []string) vscodeServer {
	return vscodeServer{
		Name: serverName, Type: "stdio", Command: "ionos-mcp", Args: args,
		Env:    map[string]string{"IONOS_TOKEN": "${input:ionos-token}"},
		Inputs: []vscodeInput{{Type: "promptString", ID: "ionos-token", Description: "IONOS Cloud API token", Password: true}},
	}
}

// cursorConfig reads the token from the environment Cursor runs in: an
// install link has no way to ask for it, and must not carry it.
func cursorConfig(args []string) cursorServer {
	return cursorServer{Command: "ionos-mcp", Args: args, Env: map[string]string{"IONOS_TOKEN": "${env:IONOS_TOKEN}"}}
}

// escape is JavaScript's encodeURIComponent, stricter: it also escapes
// !*'(), so that a link never ends a Markdown link early.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// vscodeLink is the link the VS Code docs give (MCP developer guide, "MCP
// URL handler"), wrapped in the vscode.dev redirect so that GitHub renders
// it as a link.
func vscodeLink(scheme, config string) string {
	return "https://insiders.vscode.dev/redirect?url=" + escape(scheme+":mcp/install?"+escape(config))
}

func cursorLink(prefix, config string) string {
	return prefix + "?name=" + serverName + "&config=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(config)))
}

const (
	cursorDeeplink = "cursor://anysphere.cursor-deeplink/mcp/install"
	cursorWeb      = "https://cursor.com/en/install-mcp"
)

func vscodeBlock(t *testing.T) string {
	var b strings.Builder
	b.WriteString("| | VS Code | VS Code Insiders |\n|---|---|---|\n")
	for _, v := range variants {
		c := mustJSON(t, vscodeConfig(v.args))
		fmt.Fprintf(&b, "| %s | [Install in VS Code](%s) | [Install in VS Code Insiders](%s) |\n",
			v.label, vscodeLink("vscode", c), vscodeLink("vscode-insiders", c))
	}
	b.WriteString("\nOr from a POSIX shell (`code-insiders` for Insiders):\n\n```sh\n")
	for _, v := range variants {
		fmt.Fprintf(&b, "# %s\ncode --add-mcp '%s'\n", strings.ToLower(v.label[:1])+v.label[1:], mustJSON(t, vscodeConfig(v.args)))
	}
	b.WriteString("```\n")
	return b.String()
}

func cursorBlock(t *testing.T) string {
	var b strings.Builder
	b.WriteString("| | Cursor |\n|---|---|\n")
	for _, v := range variants {
		fmt.Fprintf(&b, "| %s | [Add to Cursor](%s) |\n", v.label, cursorLink(cursorWeb, mustJSON(t, cursorConfig(v.args))))
	}
	b.WriteString("\nThe same as Cursor deep links, to open from a browser's address bar:\n\n```text\n")
	for _, v := range variants {
		b.WriteString(cursorLink(cursorDeeplink, mustJSON(t, cursorConfig(v.args))) + "\n")
	}
	b.WriteString("```\n")
	return b.String()
}

// TestInstallLinksUpToDate checks that the generated blocks in the guides
// are what the configurations above give; -update rewrites them.
func TestInstallLinksUpToDate(t *testing.T) {
	for file, block := range map[string]struct{ name, text string }{
		"vscode.md": {"vscode", vscodeBlock(t)},
		"cursor.md": {"cursor", cursorBlock(t)},
	} {
		path := filepath.Join(guides, file)
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		begin := []byte("<!-- BEGIN install-links:" + block.name + " (scripts/install-links.sh writes this; do not edit) -->\n")
		end := []byte("<!-- END install-links:" + block.name + " -->")
		i, j := bytes.Index(doc, begin), bytes.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("%s: no generated block; it needs the lines\n%s%s", path, begin, end)
		}
		have := string(doc[i+len(begin) : j])
		if have == block.text {
			continue
		}
		if !*update {
			t.Errorf("%s: the install links are stale; run scripts/install-links.sh", path)
			continue
		}
		out := append(append(append([]byte{}, doc[:i+len(begin)]...), block.text...), doc[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the install links in %s", path)
	}
}

var (
	linkRE   = regexp.MustCompile(`(?:https://insiders\.vscode\.dev/redirect\?url=|vscode(?:-insiders)?:mcp/install\?|cursor://anysphere\.cursor-deeplink/mcp/install\?|https://cursor\.com/(?:en/)?install-mcp\?)[^\s)"'<>\]]+`)
	addMcpRE = regexp.MustCompile(`code(?:-insiders)? --add-mcp '([^']*)'`)
	inputRE  = regexp.MustCompile(`^\$\{input:([A-Za-z0-9_.-]+)\}$`)
	envRefRE = regexp.MustCompile(`^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$`)
)

// TestInstallLinksDecode decodes every install link and `code --add-mcp`
// command in the guides (and in the README, should it carry some) and checks
// that each starts ionos-mcp serve, and that IONOS_TOKEN is asked for with
// a password prompt (VS Code) or read from the environment (Cursor), never
// a literal.
func TestInstallLinksDecode(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(guides, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../README.md")
	kinds := map[string]int{}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range linkRE.FindAllString(string(doc), -1) {
			kind, err := checkLink(link)
			if err != nil {
				t.Errorf("%s: %v\n\t%s", f, err, link)
			}
			if strings.HasPrefix(f, guides) {
				kinds[kind]++
			}
		}
		for _, m := range addMcpRE.FindAllStringSubmatch(string(doc), -1) {
			if err := checkVSCode(m[1]); err != nil {
				t.Errorf("%s: code --add-mcp: %v", f, err)
			}
			kinds["code --add-mcp"]++
		}
	}
	for _, k := range []string{"vscode", "cursor", "code --add-mcp"} {
		if kinds[k] == 0 {
			t.Errorf("the guides hold no %s install link", k)
		}
	}
}

// checkLink decodes one link as its client would, and checks what it installs.
func checkLink(link string) (kind string, err error) {
	if strings.HasPrefix(link, "https://insiders.vscode.dev/redirect") {
		u, err := url.Parse(link)
		if err != nil {
			return "vscode", err
		}
		link = u.Query().Get("url")
	}
	for _, p := range []string{"vscode:mcp/install?", "vscode-insiders:mcp/install?"} {
		if rest, ok := strings.CutPrefix(link, p); ok {
			// VS Code's URI parsing decodes the query once and the handler
			// once more (decodeURIComponent), so after one decoding no %
			// may remain.
			config, err := url.PathUnescape(rest)
			if err == nil && strings.Contains(config, "%") {
				err = fmt.Errorf("the config still holds %% after decoding, which VS Code would decode again")
			}
			if err == nil {
				err = checkVSCode(config)
			}
			return "vscode", err
		}
	}
	if strings.HasPrefix(link, cursorDeeplink+"?") || strings.HasPrefix(link, "https://cursor.com/") {
		u, err := url.Parse(link)
		if err != nil {
			return "cursor", err
		}
		q := u.Query()
		if q.Get("name") != serverName {
			return "cursor", fmt.Errorf("name %q, want %q", q.Get("name"), serverName)
		}
		config, err := base64.StdEncoding.DecodeString(q.Get("config"))
		if err != nil {
			return "cursor", fmt.Errorf("config is not base64: %v", err)
		}
		return "cursor", checkCursor(config)
	}
	return "", fmt.Errorf("not an install link this test knows")
}

func checkVSCode(config string) error {
	var s vscodeServer
	if err := strictJSON([]byte(config), &s); err != nil {
		return err
	}
	if s.Name != serverName || s.Type != "stdio" {
		return fmt.Errorf("name %q type %q, want %q stdio", s.Name, s.Type, serverName)
	}
	if err := checkCommand(s.Command, s.Args); err != nil {
		return err
	}
	m := inputRE.FindStringSubmatch(s.Env["IONOS_TOKEN"])
	if m == nil {
		return fmt.Errorf("IONOS_TOKEN is %q, want ${input:ID}", s.Env["IONOS_TOKEN"])
	}
	for _, in := range s.Inputs {
		if in.ID == m[1] {
			if in.Type != "promptString" || !in.Password {
				return fmt.Errorf("input %q is %q password %v, want a promptString with password true", in.ID, in.Type, in.Password)
			}
			return checkEnv(s.Env)
		}
	}
	return fmt.Errorf("IONOS_TOKEN refers to input %q, which the config does not declare", m[1])
}

func checkCursor(config []byte) error {
	var s cursorServer
	if err := strictJSON(config, &s); err != nil {
		return err
	}
	if err := checkCommand(s.Command, s.Args); err != nil {
		return err
	}
	if s.Env["IONOS_TOKEN"] != "${env:IONOS_TOKEN}" {
		return fmt.Errorf("IONOS_TOKEN is %q, want ${env:IONOS_TOKEN}", s.Env["IONOS_TOKEN"])
	}
	return checkEnv(s.Env)
}

func checkCommand(command string, args []string) error {
	if command != "ionos-mcp" || len(args) == 0 || args[0] != "serve" {
		return fmt.Errorf("command %q %q, want ionos-mcp serve", command, args)
	}
	return nil
}

// checkEnv refuses a literal value in the environment of a link: every one
// must refer to an input or to the user's environment.
func checkEnv(env map[string]string) error {
	for k, v := range env {
		if !inputRE.MatchString(v) && !envRefRE.MatchString(v) {
			return fmt.Errorf("%s is the literal %q", k, v)
		}
	}
	return nil
}

// strictJSON decodes one JSON object with no field the structs above lack.
func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("config is not the expected JSON: %v", err)
	}
	if d.More() {
		return fmt.Errorf("config has data after its JSON object")
	}
	return nil
}

// TestClientGuidesLinked checks that every guide the index links exists.
func TestClientGuidesLinked(t *testing.T) {
	index, err := os.ReadFile(filepath.Join(guides, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`\]\(([a-z0-9-]+\.md)(?:#[a-z0-9-]+)?\)`).FindAllStringSubmatch(string(index), -1)
	if len(links) < 9 {
		t.Errorf("the index links %d guides, want the 9 clients", len(links))
	}
	for _, m := range links {
		if _, err := os.Stat(filepath.Join(guides, m[1])); err != nil {
			t.Errorf("the index links %s: %v", m[1], err)
		}
	}
}
