package cloud

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// The SDK's models fail a whole response on one unknown enum value (a new
// resource "type") or an out-of-range number. When that happens on a
// successful answer, the client decodes the raw body again with the lenient
// shapes below, which read only what the client uses and ignore the rest.

// decodeLenient decodes the payload of a successful response the SDK could
// not decode. ok is false when the failure was anything else (a transport
// error, a body cut short), or when the payload is not a JSON object of the
// expected shape.
func decodeLenient[T any](resp *ionoscloud.APIResponse, err error) (v T, ok bool) {
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
// shapes decode it too, item for item (ListDatacentersRaw pairs the two by
// index): a data center's properties may hold fields that the SDK's
// data center model ignores but lenientProperties reads for servers.

type lenientCollection struct {
	Items []lenientResource `json:"items"`
	Links lenientLinks      `json:"_links"`
}

type lenientLinks struct {
	Self flexString `json:"self"`
	Prev flexString `json:"prev"`
	Next flexString `json:"next"`
}

func (l lenientLinks) linked() bool { return l.Self != "" || l.Prev != "" || l.Next != "" }

// lenientResource must not get an UnmarshalJSON method: other shapes embed
// it, and the method would be promoted and hide their own fields.
type lenientResource struct {
	ID         string            `json:"id"`
	Metadata   lenientMetadata   `json:"metadata"`
	Properties lenientProperties `json:"properties"`
}

type lenientMetadata struct {
	Etag  flexString `json:"etag"`
	State flexString `json:"state"`
}

type lenientProperties struct {
	Name             flexString `json:"name"`
	Description      flexString `json:"description"`
	Location         flexString `json:"location"`
	Type             flexString `json:"type"`
	VMState          flexString `json:"vmState"`
	CPUFamily        flexString `json:"cpuFamily"`
	AvailabilityZone flexString `json:"availabilityZone"`
	Cores            flexNumber `json:"cores"`
	RAM              flexNumber `json:"ram"`
}

// UnmarshalJSON reads an object; anything else reads as no metadata.
func (m *lenientMetadata) UnmarshalJSON(b []byte) error {
	type plain lenientMetadata
	return objectOrNothing(b, (*plain)(m))
}

// UnmarshalJSON reads an object; anything else reads as no properties.
func (p *lenientProperties) UnmarshalJSON(b []byte) error {
	type plain lenientProperties
	return objectOrNothing(b, (*plain)(p))
}

func objectOrNothing(b []byte, v any) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	return json.Unmarshal(b, v)
}

// flexString reads a JSON string as itself and a number as its literal
// text (an unknown value passes through); true, false, null, arrays and
// objects read as "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case isNumberLiteral(string(b)):
		*s = flexString(b)
	default:
		*s = ""
	}
	return nil
}

// flexNumber reads a JSON number, or a string holding one, as its literal
// text; anything else reads as "" (zero).
type flexNumber string

func (n *flexNumber) UnmarshalJSON(b []byte) error {
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
		*n = flexNumber(text)
	}
	return nil
}

func (n flexNumber) int() int { return int(clampInt32(json.Number(n))) }

func (l lenientCollection) complete() bool {
	for _, r := range l.Items {
		if !r.complete() {
			return false
		}
	}
	return true
}

// complete is promoted to the items of shapes that embed lenientResource,
// not to those shapes themselves: decodeLenient checks the top level only.
func (r lenientResource) complete() bool { return r.ID != "" }

func (l lenientCollection) datacenters() page[Datacenter] {
	p := page[Datacenter]{hasNext: l.Links.Next != "", linked: l.Links.linked(), items: make([]Datacenter, 0, len(l.Items))}
	for _, r := range l.Items {
		p.items = append(p.items, r.datacenter())
	}
	return p
}

func (l lenientCollection) servers(dc Datacenter) page[Server] {
	p := page[Server]{hasNext: l.Links.Next != "", linked: l.Links.linked(), items: make([]Server, 0, len(l.Items))}
	for _, r := range l.Items {
		p.items = append(p.items, r.server(dc))
	}
	return p
}

func (r lenientResource) datacenter() Datacenter {
	p := r.Properties
	return Datacenter{ID: r.ID, Name: string(p.Name), Location: string(p.Location),
		Description: string(p.Description), State: string(r.Metadata.State)}
}

func (r lenientResource) server(dc Datacenter) Server {
	p := r.Properties
	return Server{ID: r.ID, Name: string(p.Name), DatacenterID: dc.ID, DatacenterName: dc.Name,
		Type: string(p.Type), VMState: string(p.VMState), State: string(r.Metadata.State),
		Cores: p.Cores.int(), RAM: p.RAM.int(),
		CPUFamily: string(p.CPUFamily), AvailabilityZone: string(p.AvailabilityZone), Etag: string(r.Metadata.Etag)}
}

type lenientStatus struct {
	Metadata lenientStatusMetadata `json:"metadata"`
}

type lenientStatusMetadata struct {
	Status  flexString `json:"status"`
	Message flexString `json:"message"`
	Targets []struct {
		Target lenientTarget `json:"target"`
		Status flexString    `json:"status"`
	} `json:"targets"`
}

type lenientTarget struct {
	ID   flexString `json:"id"`
	Type flexString `json:"type"`
}

// UnmarshalJSON reads an object; anything else reads as no metadata.
func (m *lenientStatusMetadata) UnmarshalJSON(b []byte) error {
	type plain lenientStatusMetadata
	return objectOrNothing(b, (*plain)(m))
}

// UnmarshalJSON reads an object; anything else reads as no target.
func (t *lenientTarget) UnmarshalJSON(b []byte) error {
	type plain lenientTarget
	return objectOrNothing(b, (*plain)(t))
}

func (l lenientStatus) complete() bool { return l.Metadata.Status != "" }

func (l lenientStatus) status(id string) RequestStatus {
	m := l.Metadata
	rs := RequestStatus{RequestID: id, Status: string(m.Status), Message: sanitize(string(m.Message), 500)}
	for _, t := range m.Targets {
		rs.Targets = append(rs.Targets, RequestTarget{ID: string(t.Target.ID), Type: string(t.Target.Type), Status: string(t.Status)})
	}
	return rs
}

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
