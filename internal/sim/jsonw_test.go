package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONStringEscaping: whatever a name holds, the output decodes back
// to it (invalid UTF-8 becomes U+FFFD, as with encoding/json).
func TestJSONStringEscaping(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x01\x1f", "héllo wörld ✓", "line\u2028sep\u2029", "bad \xff utf8", "<html>&"} {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%q -> %s: %v", s, b, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if back != want {
			t.Errorf("%q -> %s -> %q", s, b, back)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"a", "\"", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil {
			t.Fatal(err)
		}
		if back != strings.ToValidUTF8(s, "\uFFFD") && strings.ToValidUTF8(s, "") == s {
			t.Fatalf("%q came back as %q", s, back)
		}
	})
}

// TestJSONWriterLayout: pretty output is exactly what json.Indent makes of
// the compact output, so it looks like encoding/json's.
func TestJSONWriterLayout(t *testing.T) {
	write := func(pretty bool) []byte {
		var w jsonWriter
		w.reset(pretty)
		w.beginObject()
		w.kstr("a", "x")
		w.key("empty")
		w.beginObject()
		w.endObject()
		w.key("list")
		w.beginArray()
		w.int(1)
		w.beginObject()
		w.kbool("b", true)
		w.key("n")
		w.null()
		w.endObject()
		w.beginArray()
		w.endArray()
		w.endArray()
		w.kconcat("c", "p", "q")
		w.endObject()
		return w.finish()
	}
	compact, pretty := write(false), write(true)
	if !json.Valid(compact) {
		t.Fatalf("invalid JSON %s", compact)
	}
	var want bytes.Buffer
	if err := json.Indent(&want, compact, "", "  "); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	if !bytes.Equal(pretty, want.Bytes()) {
		t.Errorf("pretty:\n%s\nwant:\n%s", pretty, want.Bytes())
	}
}
