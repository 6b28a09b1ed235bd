package apierror

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// Error is an error answer of the IONOS Cloud API.
type Error struct {
	Op         string        // what the client was doing, for the message
	StatusCode int           // HTTP status
	Code       string        // IONOS errorCode of the first message, e.g. "309"
	Message    string        // the API's messages joined, or a summary of a non-JSON body
	RetryAfter time.Duration // from Retry-After, when the API sent one
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "IONOS API answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (errorCode %s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// StatusOf returns the HTTP status of an API error in err's chain, or 0.
func StatusOf(err error) int {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// From turns what an SDK call returned into an error with context.
// resp may be nil (transport failure). A nil error is returned when the call
// succeeded.
func From(op string, resp *ionoscloud.APIResponse, err error) error {
	if resp == nil || resp.Response == nil {
		if err == nil {
			return nil
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode < 300 {
		if err == nil {
			return emptyAnswer(op, resp)
		}
		var oe ionoscloud.GenericOpenAPIError
		if !errors.As(err, &oe) {
			return fmt.Errorf("%s: %w", op, err)
		}
		// The body was read in full but could not be decoded. Callers try
		// the lenient shapes first; this is what is left when they fail too.
		_, summary := parseErrorBody(resp.Payload, resp.Header.Get("Content-Type"))
		if summary == "" {
			summary = "the body is empty"
		}
		return fmt.Errorf("%s: the API answered %d, but not with the JSON expected (%w): %s",
			op, resp.StatusCode, err, summary)
	}
	ae := &Error{Op: op, StatusCode: resp.StatusCode, RetryAfter: RetryAfter(resp.Header)}
	body := resp.Payload
	if len(body) == 0 {
		var oe ionoscloud.GenericOpenAPIError
		if errors.As(err, &oe) {
			body = oe.Body()
		}
	}
	ae.Code, ae.Message = parseErrorBody(body, resp.Header.Get("Content-Type"))
	return ae
}

// NotJSON is the error for a successful answer that is not the JSON
// expected, read as a stream: head is its first bytes, cause what the
// decoder said. An empty answer, or null, says so.
func NotJSON(op string, status int, contentType string, head []byte, cause error) error {
	if b := bytes.TrimSpace(head); len(b) == 0 || string(b) == "null" {
		return fmt.Errorf("%s: the API answered %d with an empty body", op, status)
	}
	_, summary := parseErrorBody(head, contentType)
	return fmt.Errorf("%s: the API answered %d, but not with the JSON expected (%w): %s", op, status, cause, summary)
}

// emptyAnswer refuses a read that succeeded with nothing in it: the SDK
// decodes an empty body, or null, as a zero value without complaint, which
// would pass for an empty list or a server without id or state.
func emptyAnswer(op string, resp *ionoscloud.APIResponse) error {
	if resp.Method != http.MethodGet || resp.StatusCode != http.StatusOK {
		return nil
	}
	if b := bytes.TrimSpace(resp.Payload); len(b) == 0 || string(b) == "null" {
		return fmt.Errorf("%s: the API answered %d with an empty body", op, resp.StatusCode)
	}
	return nil
}

// parseErrorBody reads an IONOS error body ({"httpStatus":..,"messages":[..]}).
// Gateways answer with HTML instead; then the message says so, briefly.
func parseErrorBody(body []byte, contentType string) (code, message string) {
	var e struct {
		Messages []struct {
			ErrorCode string `json:"errorCode"`
			Message   string `json:"message"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Messages) > 0 {
		parts := make([]string, 0, len(e.Messages))
		for _, m := range e.Messages {
			if m.Message != "" {
				parts = append(parts, m.Message)
			}
		}
		return Sanitize(e.Messages[0].ErrorCode, 32), Sanitize(strings.Join(parts, "; "), 500)
	}
	if len(body) == 0 {
		return "", ""
	}
	if strings.Contains(contentType, "html") || strings.HasPrefix(strings.TrimSpace(string(body)), "<") {
		return "", "the answer was an HTML page, not an API response (a gateway or proxy error)"
	}
	return "", Sanitize(string(body), 200)
}

// Sanitize keeps printable text only and bounds its length, because API
// messages end up in what a model reads.
func Sanitize(s string, maxLen int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > maxLen {
		s = strings.TrimRight(CutRunes(s, maxLen), " ") + "…"
	}
	return s
}

// CutRunes returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence.
func CutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// RetryAfter reads Retry-After as seconds or an HTTP date; 0 when absent.
func RetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
