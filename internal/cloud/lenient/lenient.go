package lenient

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// Decode decodes the payload of a successful response the SDK could
// not decode. ok is false when the failure was anything else (a transport
// error, a body cut short), or when the payload is not a JSON object of the
// expected shape. The shapes of this package also check the frame they
// need (an id on every resource, a status); a type of another package is
// only decoded.
func Decode[T any](resp *ionoscloud.APIResponse, err error) (v T, ok bool) {
	if err == nil || resp == nil || resp.Response == nil || resp.StatusCode >= 300 || len(resp.Payload) == 0 {
		return v, false
	}
	var oe ionoscloud.GenericOpenAPIError // what the SDK returns when it cannot decode a body it read in full
	if !errors.As(err, &oe) {
		return v, false
	}
	if json.Unmarshal(resp.Payload, &v) != nil {
		return v, false
	}
	if c, ok := any(v).(interface{ complete() bool }); ok && !c.complete() {
		return v, false
	}
	return v, true
}

// The lenient shapes are strict about the frame: the body is a JSON object,
// items is an array of objects, every resource has a string id, and a
// request status has a status. Inside a resource they are tolerant: a field
// of an unexpected JSON type reads as empty instead of failing the whole
// answer. In particular, whenever the SDK's model decodes a body, these
// shapes decode it too, item for item (the client's ListDatacentersRaw
// pairs the two by index): a data center's properties may hold fields that
// the SDK's data center model ignores but Properties reads for servers.

// Collection is a page of data centers or servers.
type Collection struct {
	Items []Resource `json:"items"`
	Links Links      `json:"_links"`
}

// Links are a collection's pagination links.
type Links struct {
	Self String `json:"self"`
	Prev String `json:"prev"`
	Next String `json:"next"`
}

// Linked reports whether the API sent any pagination link.
func (l Links) Linked() bool { return l.Self != "" || l.Prev != "" || l.Next != "" }

// Resource is a data center or a server.
//
// Resource must not get an UnmarshalJSON method: other shapes embed it,
// and the method would be promoted and hide their own fields.
type Resource struct {
	ID         string     `json:"id"`
	Metadata   Metadata   `json:"metadata"`
	Properties Properties `json:"properties"`
}

// Metadata is what the client reads of a resource's metadata.
type Metadata struct {
	Etag  String `json:"etag"`
	State String `json:"state"`
}

// Properties is what the client reads of a data center's or a server's
// properties.
type Properties struct {
	Name             String `json:"name"`
	Description      String `json:"description"`
	Location         String `json:"location"`
	Type             String `json:"type"`
	VMState          String `json:"vmState"`
	CPUFamily        String `json:"cpuFamily"`
	AvailabilityZone String `json:"availabilityZone"`
	Cores            Number `json:"cores"`
	RAM              Number `json:"ram"`
}

// UnmarshalJSON reads an object; anything else reads as no metadata.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	type plain Metadata
	return objectOrNothing(b, (*plain)(m))
}

// UnmarshalJSON reads an object; anything else reads as no properties.
func (p *Properties) UnmarshalJSON(b []byte) error {
	type plain Properties
	return objectOrNothing(b, (*plain)(p))
}

func objectOrNothing(b []byte, v any) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	return json.Unmarshal(b, v)
}

// String reads a JSON string as itself and a number as its literal
// text (an unknown value passes through); true, false, null, arrays and
// objects read as "".
type String string

// UnmarshalJSON reads any JSON value without failing on its type.
func (s *String) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = String(v)
	case isNumberLiteral(string(b)):
		*s = String(b)
	default:
		*s = ""
	}
	return nil
}

// Number reads a JSON number, or a string holding one, as its literal
// text; anything else reads as "" (zero).
type Number string

// UnmarshalJSON reads any JSON value without failing on its type.
func (n *Number) UnmarshalJSON(b []byte) error {
	var text string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	} else {
		text = string(b)
	}
	*n = ""
	if isNumberLiteral(text) {
		*n = Number(text)
	}
	return nil
}

// Int is the number truncated toward zero and clamped to the int32 range
// (the SDK's models are int32); 0 when there is none.
func (n Number) Int() int { return int(clampInt32(json.Number(n))) }

func (l Collection) complete() bool {
	for _, r := range l.Items {
		if !r.complete() {
			return false
		}
	}
	return true
}

// complete is promoted to the items of shapes that embed Resource,
// not to those shapes themselves: Decode checks the top level only.
func (r Resource) complete() bool { return r.ID != "" }

// Status is the status of an asynchronous request.
type Status struct {
	Metadata StatusMetadata `json:"metadata"`
}

// StatusMetadata is where a request status keeps its fields.
type StatusMetadata struct {
	Status  String         `json:"status"`
	Message String         `json:"message"`
	Targets []StatusTarget `json:"targets"`
}

// StatusTarget is a resource a request acts on, with its own status.
type StatusTarget struct {
	Target Target `json:"target"`
	Status String `json:"status"`
}

// Target names the resource of a StatusTarget.
type Target struct {
	ID   String `json:"id"`
	Type String `json:"type"`
	Href String `json:"href"`
}

// UnmarshalJSON reads an object; anything else reads as no metadata.
func (m *StatusMetadata) UnmarshalJSON(b []byte) error {
	type plain StatusMetadata
	return objectOrNothing(b, (*plain)(m))
}

// UnmarshalJSON reads an object; anything else reads as no target.
func (t *Target) UnmarshalJSON(b []byte) error {
	type plain Target
	return objectOrNothing(b, (*plain)(t))
}

func (l Status) complete() bool { return l.Metadata.Status != "" }

// clampInt32 reads a number that may not fit an int32 without failing: the
// value is truncated toward zero and clamped to the int32 range (1e400 is
// MaxInt32). Text that is not a JSON number literal reads as 0.
func clampInt32(n json.Number) int32 {
	s := string(n)
	if !isNumberLiteral(s) {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	var ne *strconv.NumError
	if err != nil && !(errors.As(err, &ne) && ne.Err == strconv.ErrRange) { // out of range: ±Inf or ±0
		return 0
	}
	switch {
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

// isNumberLiteral reports whether s is exactly a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumberLiteral(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
