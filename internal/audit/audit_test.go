package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Concurrent records never interleave: every line parses.
func TestConcurrentRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Record(Event{Time: time.Now(), Tool: "stop_server", ServerName: fmt.Sprintf("srv-%d", i), Status: "DONE"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seen[e.ServerName] = true
	}
	if len(seen) != 50 {
		t.Fatalf("%d distinct events, want 50", len(seen))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for range 2 {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		_ = l.Record(Event{Tool: "start_server"})
		_ = l.Close()
	}
	b, _ := os.ReadFile(path)
	if countLines(b) != 2 {
		t.Fatalf("want 2 lines after two opens, got %q", b)
	}
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

func TestNilLogRecordsNothing(t *testing.T) {
	var l *Log
	if err := l.Record(Event{}); err != nil || l.Close() != nil {
		t.Fatal("a nil log must be a no-op")
	}
}
