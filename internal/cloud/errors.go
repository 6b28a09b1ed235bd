package cloud

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

// APIError is an error answer of the IONOS Cloud API.
type APIError struct {
	Op         string        // what the client was doing, for the message
	StatusCode int           // HTTP status
	Code       string        // IONOS errorCode of the first message, e.g. "309"
	Message    string        // the API's messages joined, or a summary of a non-JSON body
	RetryAfter time.Duration // from Retry-After, when the API sent one
}

func (e *APIError) Error() string {
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
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// NotFoundError says that no data center or server matches a reference.
type NotFoundError struct {
	Kind  string // "server" or "data center"
	Ref   string // the id or name asked for
	Scope string // where it was looked for, e.g. `data center "staging"`; empty = the whole account
}

func (e *NotFoundError) Error() string {
	where := "in this account"
	if e.Scope != "" {
		where = "in " + e.Scope
	}
	what := "named"
	if IsUUID(e.Ref) {
		what = "with id"
	}
	return fmt.Sprintf("no %s %s %q %s", e.Kind, what, e.Ref, where)
}

// AmbiguousError says that a name matches several servers or data centers.
// Nothing is guessed: the caller must pick one by id or narrow the scope.
type AmbiguousError struct {
	Kind       string
	Ref        string
	Candidates []Candidate
}

// Candidate is one match of an ambiguous name.
type Candidate struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	DatacenterID   string `json:"datacenterId,omitempty"`
	DatacenterName string `json:"datacenterName,omitempty"`
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %ss are named %q; use an id", len(e.Candidates), e.Kind, e.Ref)
	if e.Kind == "server" {
		b.WriteString(" or give the datacenter")
	}
	b.WriteString(":")
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "\n- %s (id %s", c.Name, c.ID)
		if c.DatacenterID != "" {
			fmt.Fprintf(&b, ", data center %q id %s", c.DatacenterName, c.DatacenterID)
		}
		b.WriteString(")")
	}
	return b.String()
}

// apiError turns what an SDK call returned into an error with context.
// resp may be nil (transport failure). A nil error is returned when the call
// succeeded.
func apiError(op string, resp *ionoscloud.APIResponse, err error) error {
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
	ae := &APIError{Op: op, StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header)}
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
		return sanitize(e.Messages[0].ErrorCode, 32), sanitize(strings.Join(parts, "; "), 500)
	}
	if len(body) == 0 {
		return "", ""
	}
	if strings.Contains(contentType, "html") || strings.HasPrefix(strings.TrimSpace(string(body)), "<") {
		return "", "the answer was an HTML page, not an API response (a gateway or proxy error)"
	}
	return "", sanitize(string(body), 200)
}

// sanitize keeps printable text only and bounds its length, because API
// messages end up in what a model reads.
func sanitize(s string, max int) string {
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
	if len(s) > max {
		s = strings.TrimRight(cutRunes(s, max), " ") + "…"
	}
	return s
}

// cutRunes returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent.
func retryAfter(h http.Header) time.Duration {
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

// OutOfScopeError says that a data center exists but this program is not
// allowed to use it (IONOS_MCP_DATACENTERS).
type OutOfScopeError struct{ Ref string }

func (e *OutOfScopeError) Error() string {
	return fmt.Sprintf("data center %q is not available here: this server is limited to an operator-chosen set of data centers (IONOS_MCP_DATACENTERS)", e.Ref)
}
