package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The whole tools/list answer is a reviewed contract: every change of a
// name, description, annotation or schema shows up as a diff of
// testdata/*.golden.json. Regenerate with: go test ./internal/tools -run TestToolsListGolden -update
func TestToolsListGolden(t *testing.T) {
	for _, tc := range []struct {
		file     string
		readOnly bool
	}{
		{"tools.golden.json", false},
		{"tools-read-only.golden.json", true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e := newEnv(t, withTools(func(o *tools.Options) { o.ReadOnly = tc.readOnly }))
			cs := e.session(eras[1], nil)
			res, err := cs.ListTools(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res.Tools, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("tools/list changed (-want +got):\n%s\nIf the change is intended, run: go test ./internal/tools -run TestToolsListGolden -update", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// Every tool has a description and all four annotation hints set explicitly.
func TestEveryToolIsDescribedAndAnnotated(t *testing.T) {
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tools) != 12 {
		t.Fatalf("%d tools, want 12", len(res.Tools))
	}
	for _, tool := range res.Tools {
		a := tool.Annotations
		if tool.Description == "" || a == nil || a.Title == "" || a.DestructiveHint == nil || a.OpenWorldHint == nil || tool.OutputSchema == nil {
			t.Errorf("%s: description, title, hints or output schema missing", tool.Name)
			continue
		}
		if destructive := *a.DestructiveHint; destructive != (tool.Name == "stop_server" || tool.Name == "reboot_server" || tool.Name == "suspend_server" ||
			tool.Name == "apply_power_decision" || tool.Name == "power_servers" || tool.Name == "apply_set_decision") {
			t.Errorf("%s: destructiveHint %v", tool.Name, destructive)
		}
		if a.ReadOnlyHint == (tool.Name == "start_server" || tool.Name == "resume_server" || *a.DestructiveHint) {
			t.Errorf("%s: readOnlyHint %v", tool.Name, a.ReadOnlyHint)
		}
	}
}
