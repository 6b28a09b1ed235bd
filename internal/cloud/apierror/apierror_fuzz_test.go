package apierror

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzErrorBody checks parseErrorBody and Sanitize: whatever the API (or a
// gateway in front of it) answers, the code and message that reach a model
// are valid UTF-8, printable and bounded; and from a well-formed IONOS error
// body the errorCode and message are recovered.
func FuzzErrorBody(f *testing.F) {
	for _, b := range []string{
		`{"httpStatus":404,"messages":[{"errorCode":"309","message":"Resource does not exist"}]}`,
		`{"httpStatus":422,"messages":[{"errorCode":"100","message":"[VDC-1] a"},{"errorCode":"101","message":"b"}]}`,
		`{"httpStatus":401,"messages":[{"errorCode":"315","message":"Unauthorized"}]}`,
		`{"messages":[]}`,
		`{"messages":null}`,
		`{"messages":[{"errorCode":309}]}`,
		`{"messages":[{"message":"\u0000\u001b[31mred\u202e\u2028x"}]}`,
		"<html><body><h1>502 Bad Gateway</h1></body></html>",
		"  <!DOCTYPE html>",
		"upstream connect error or disconnect/reset before headers",
		"\xff\xfe\xfd",
		"é" + strings.Repeat("é", 150),
		"",
	} {
		f.Add([]byte(b), "application/json", "309", "Resource does not exist")
	}
	f.Add([]byte("<p>x</p>"), "text/html; charset=utf-8", "", "")
	f.Add([]byte(nil), "", " 42 ", strings.Repeat("ü", 300))
	f.Add([]byte(nil), "", "\xff", "a\tb\nc\r\x7f\u0085d")
	f.Fuzz(func(t *testing.T, body []byte, contentType, code, msg string) {
		// Any body.
		gotCode, gotMsg := parseErrorBody(body, contentType)
		checkModelText(t, "errorCode", gotCode, 32)
		checkModelText(t, "message", gotMsg, 500)

		// Sanitize alone, at several bounds.
		for _, max := range []int{0, 1, 2, 3, 7, 32, 200} {
			for _, in := range []string{string(body), code, msg} {
				out := Sanitize(in, max)
				checkModelText(t, "sanitize", out, max)
				if clean := cleanText(in); len(clean) <= max && out != clean {
					t.Fatalf("Sanitize(%q, %d) = %q, want it unchanged", in, max, out)
				}
				if clean := cleanText(in); len(clean) > max {
					cut, ok := strings.CutSuffix(out, "…")
					if !ok || !strings.HasPrefix(clean, cut) {
						t.Fatalf("Sanitize(%q, %d) = %q is not a prefix of %q and an ellipsis", in, max, out, clean)
					}
				}
			}
		}

		// A well-formed IONOS error body.
		wb, err := json.Marshal(map[string]any{
			"httpStatus": 400,
			"messages": []map[string]string{
				{"errorCode": code, "message": msg},
				{"errorCode": "999", "message": "second"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		gotCode, gotMsg = parseErrorBody(wb, "application/json")
		if clean := cleanText(code); len(clean) <= 32 && gotCode != clean {
			t.Fatalf("errorCode %q read as %q", code, gotCode)
		}
		want := "second"
		if msg != "" {
			want = cleanText(msg + "; second")
		}
		if len(want) <= 500 && gotMsg != want {
			t.Fatalf("messages %q and \"second\" read as %q, want %q", msg, gotMsg, want)
		}
	})
}

// checkModelText fails unless s is valid UTF-8, printable (spaces are
// plain ASCII spaces), trimmed, and at most max bytes plus an ellipsis.
func checkModelText(t *testing.T, what, s string, maxLen int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s %q is not valid UTF-8", what, s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || !unicode.IsPrint(r) {
			t.Fatalf("%s %q contains %U", what, s, r)
		}
	}
	if len(strings.TrimSuffix(s, "…")) > maxLen {
		t.Fatalf("%s is %d bytes long, the bound is %d: %q", what, len(s), maxLen, s)
	}
	if s != strings.TrimSpace(s) {
		t.Fatalf("%s %q is not trimmed", what, s)
	}
}

// cleanText is what Sanitize keeps of s, written out independently:
// tabs and line feeds become spaces, other unprintable runes go, each
// invalid byte becomes U+FFFD (as in JSON), and the ends are trimmed.
func cleanText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsPrint(r):
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}
