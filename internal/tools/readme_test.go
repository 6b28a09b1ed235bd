package tools_test

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// readmeRow is one row of the README's tools table.
type readmeRow struct {
	kind   string
	inputs []string // the backticked names of the input column, "same" resolved
}

var backticked = regexp.MustCompile("`([^`]+)`")

// readmeTools reads the table under "## Tools" in README.md. An input
// cell that starts with "same" repeats the row above, plus its own names.
func readmeTools(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Tools\n")
	if !ok {
		t.Fatal(`README.md has no "## Tools" section`)
	}
	rows := map[string]readmeRow{}
	var prev []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "| `") || len(cells) < 4 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[0]), "`")
		var inputs []string
		if strings.HasPrefix(strings.TrimSpace(cells[2]), "same") {
			inputs = slices.Clone(prev)
		}
		for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
			inputs = append(inputs, m[1])
		}
		rows[name] = readmeRow{kind: strings.TrimSpace(cells[1]), inputs: inputs}
		prev = inputs
	}
	return rows
}

// The README's tools table is what a user reads before enabling the server:
// it must name every tool the server lists and no other, give each the kind
// its annotations declare, and name every input the schema takes, with no
// name the schema does not know.
func TestReadmeToolsTable(t *testing.T) {
	e := newEnv(t)
	res, err := e.session(eras[1], nil).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := readmeTools(t)
	for _, tool := range res.Tools {
		row, ok := rows[tool.Name]
		if !ok {
			t.Errorf("README's tools table has no row for %s", tool.Name)
			continue
		}
		delete(rows, tool.Name)
		if want := kindOf(tool); !strings.HasPrefix(row.kind, want) || strings.Contains(row.kind, "app-only") != appOnly(tool) {
			t.Errorf("README says %s is %q; its annotations make it %q (app-only: %v)", tool.Name, row.kind, want, appOnly(tool))
		}
		props, enums := schemaNames(tool)
		for _, p := range props {
			if !slices.Contains(row.inputs, p) {
				t.Errorf("README's row for %s does not name its input %q", tool.Name, p)
			}
		}
		for _, in := range row.inputs {
			if isName(in) && !slices.Contains(props, in) && !slices.Contains(enums, in) {
				t.Errorf("README's row for %s names %q, which its input schema does not know", tool.Name, in)
			}
		}
	}
	for name := range rows {
		t.Errorf("README's tools table has a row for %s, which the server does not list", name)
	}
}

func kindOf(tool *mcp.Tool) string {
	a := tool.Annotations
	switch {
	case a.ReadOnlyHint:
		return "read"
	case a.DestructiveHint != nil && *a.DestructiveHint:
		return "destructive"
	default:
		return "write"
	}
}

// appOnly reports whether hosts keep the tool from the model.
func appOnly(tool *mcp.Tool) bool {
	ui, _ := tool.Meta["ui"].(map[string]any)
	vis, _ := ui["visibility"].([]any)
	return len(vis) == 1 && vis[0] == "app"
}

// schemaNames gives the top-level properties of a tool's input schema and
// every enum value in it, which the table may quote as values.
func schemaNames(tool *mcp.Tool) (props, enums []string) {
	s, _ := tool.InputSchema.(map[string]any)
	p, _ := s["properties"].(map[string]any)
	for name, v := range p {
		props = append(props, name)
		prop, _ := v.(map[string]any)
		for _, sub := range []map[string]any{prop, asMap(prop["items"])} {
			list, _ := sub["enum"].([]any)
			for _, e := range list {
				if s, ok := e.(string); ok {
					enums = append(enums, s)
				}
			}
		}
	}
	return props, enums
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

var nameLike = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func isName(s string) bool { return nameLike.MatchString(s) }
