package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	stdioInit  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`
	stdioBatch = stdioInit + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n" +
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_datacenters","arguments":{}}}` + "\n"
)

// stdioAnswer is one line of serve's output.
type stdioAnswer struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code int `json:"code"`
	} `json:"error"`
}

// serveStdin runs `serve --sim` on stdin until it exits by itself, and
// returns the ids it answered (null for an answer without id), in order.
func serveStdin(t *testing.T, stdin io.Reader) ([]string, []stdioAnswer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--sim", "--env-file", "")
	cmd.Stdin = stdin
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("serve: %v; stderr: %s", err, stderr)
	}
	var ids []string
	var answers []stdioAnswer
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var a stdioAnswer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, line)
		}
		id := string(a.ID)
		if id == "" {
			id = "null"
		}
		ids, answers = append(ids, id), append(answers, a)
	}
	slices.Sort(ids)
	return ids, answers
}

// `serve < batch.jsonl` answers every request of the file before it exits.
func TestStdioBatchFromFileIsAnsweredEveryTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.jsonl")
	if err := os.WriteFile(path, []byte(stdioBatch), 0o600); err != nil {
		t.Fatal(err)
	}
	const runs = 20
	complete := 0
	for i := range runs {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ids, answers := serveStdin(t, f)
		f.Close()
		if !slices.Equal(ids, []string{"1", "2", "3"}) {
			t.Errorf("run %d: answered ids %v, want [1 2 3]", i+1, ids)
			continue
		}
		for _, a := range answers {
			if a.Error != nil || a.Result == nil {
				t.Errorf("run %d: id %s answered with an error", i+1, a.ID)
			}
		}
		complete++
	}
	if complete != runs {
		t.Fatalf("all answers received in %d runs of %d", complete, runs)
	}
}

// `echo '{...initialize...}' | serve` answers the initialize. A few runs,
// since the answer used to be lost only most of the time.
func TestStdioSingleInitializeFromPipe(t *testing.T) {
	for i := range 5 {
		ids, answers := serveStdin(t, strings.NewReader(stdioInit+"\n"))
		if !slices.Equal(ids, []string{"1"}) || answers[0].Error != nil {
			t.Fatalf("run %d: answered ids %v (%+v), want [1]", i+1, ids, answers)
		}
	}
}

// A line that is not JSON is answered with a parse error and the requests
// after it are served.
func TestStdioBadLineFromPipe(t *testing.T) {
	lines := strings.SplitAfter(stdioBatch, "\n")
	in := strings.Join(lines[:2], "") + "not JSON at all\n" + strings.Join(lines[2:], "")
	ids, answers := serveStdin(t, bytes.NewReader([]byte(in)))
	if !slices.Equal(ids, []string{"1", "2", "3", "null"}) {
		t.Fatalf("answered ids %v, want [1 2 3 null]", ids)
	}
	for _, a := range answers {
		if (len(a.ID) == 0 || string(a.ID) == "null") && (a.Error == nil || a.Error.Code != -32700) {
			t.Fatalf("the bad line was answered with %+v, want code -32700", a.Error)
		}
	}
}
