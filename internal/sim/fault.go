package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind selects what a Fault does.
type FaultKind string

// Fault kinds.
const (
	// FaultLatency delays the response by Latency ± uniform Jitter.
	FaultLatency FaultKind = "latency"
	// FaultStatus answers Status with an IONOS error body, without doing the work.
	FaultStatus FaultKind = "status"
	// FaultHTML502 answers 502 with an HTML page. A write (POST, PUT,
	// DELETE) is executed first: the client cannot know that it happened.
	FaultHTML502 FaultKind = "html502"
	// FaultDrop closes the connection without an answer; with After, a call
	// is executed first (an ambiguous write).
	FaultDrop FaultKind = "drop"
	// FaultFail lets a power action be accepted but makes its request end
	// FAILED; the server is left as it was.
	FaultFail FaultKind = "fail"
)

var faultKinds = []FaultKind{FaultLatency, FaultStatus, FaultHTML502, FaultDrop, FaultFail}

// Fault injects one kind of trouble into matching API calls. It serialises
// to JSON with camelCase keys and durations as Go duration strings ("50ms").
type Fault struct {
	Kind        FaultKind     `json:"kind"`
	Method      string        `json:"method,omitempty"`      // "" = any; else GET, POST, ...
	Path        string        `json:"path,omitempty"`        // glob on the path after /cloudapi/v6; "*" matches any run of characters, "/" included; "" = any
	MinDepth    int           `json:"minDepth,omitempty"`    // match only calls whose depth query parameter is at least this; 0 = any
	Probability float64       `json:"probability,omitempty"` // 0..1; 0 = always
	Count       int           `json:"count,omitempty"`       // fire at most this many times; 0 = unlimited
	Fired       int           `json:"fired"`                 // how many times it fired
	Status      int           `json:"status,omitempty"`      // for "status": 400..599, typically 429, 500, 502, 503, 504
	RetryAfter  int           `json:"retryAfter,omitempty"`  // seconds, sent as Retry-After with "status"; 0 = no header
	Latency     time.Duration `json:"-"`                     // for "latency"
	Jitter      time.Duration `json:"-"`                     // for "latency": uniform in [-Jitter, +Jitter]
	After       bool          `json:"after,omitempty"`       // for "drop": execute the call (a write) before dropping
}

// faultJSON is Fault's wire form: durations as strings.
type faultJSON struct {
	faultAlias
	Latency string `json:"latency,omitempty"`
	Jitter  string `json:"jitter,omitempty"`
}

type faultAlias Fault

// MarshalJSON writes durations as Go duration strings.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{faultAlias: faultAlias(f)}
	if f.Latency != 0 {
		j.Latency = f.Latency.String()
	}
	if f.Jitter != 0 {
		j.Jitter = f.Jitter.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads durations as Go duration strings ("50ms").
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt key must not silently widen a fault
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	*f = Fault(j.faultAlias)
	var err error
	if f.Latency, err = parseDurationField("latency", j.Latency); err != nil {
		return err
	}
	f.Jitter, err = parseDurationField("jitter", j.Jitter)
	return err
}

func parseDurationField(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: want a duration like 50ms or 2s", name, s)
	}
	return d, nil
}

// Validate reports the first thing wrong with f.
func (f Fault) Validate() error {
	switch {
	case !slices.Contains(faultKinds, f.Kind):
		return fmt.Errorf("fault kind %q: want one of latency, status, html502, drop, fail", f.Kind)
	case f.Method != "" && !validMethod(f.Method):
		return fmt.Errorf("fault method %q: want GET, POST, PUT, PATCH, DELETE or empty for any", f.Method)
	case f.MinDepth < 0 || f.MinDepth > maxDepth:
		return fmt.Errorf("fault min-depth %d: want 0..%d (0 = any depth)", f.MinDepth, maxDepth)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("fault probability %v: want 0..1 (0 = always)", f.Probability)
	case f.Count < 0 || f.Fired < 0:
		return fmt.Errorf("fault count %d / fired %d: must not be negative", f.Count, f.Fired)
	case f.Kind == FaultStatus && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("fault status %d: kind=status needs an HTTP error status 400..599", f.Status)
	case f.Kind != FaultStatus && f.Status != 0:
		return fmt.Errorf("fault status %d: only kind=status takes a status", f.Status)
	case f.RetryAfter < 0:
		return fmt.Errorf("fault retry-after %d: must not be negative", f.RetryAfter)
	case f.Latency < 0 || f.Jitter < 0:
		return errors.New("fault latency and jitter must not be negative")
	case f.Kind == FaultLatency && f.Latency == 0 && f.Jitter == 0:
		return errors.New("fault kind=latency needs latency (and optionally jitter)")
	case f.After && f.Kind != FaultDrop:
		return fmt.Errorf("fault after=true: only kind=drop takes it (html502 always executes a write)")
	}
	return nil
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead:
		return true
	}
	return false
}

// ParseFault reads the compact syntax of the --fault flag: comma-separated
// key=value pairs, for example
//
//	kind=status,status=429,retry-after=2,p=0.3,method=GET,path=/datacenters*
//	kind=latency,latency=50ms,jitter=10ms
//	kind=html502,method=POST,count=1
//	kind=drop,after=true,count=1
//	kind=fail,count=2
//	kind=latency,latency=2m,method=GET,path=/datacenters,min-depth=3
//
// Keys: kind, method, path, min-depth (or minDepth), p (or probability),
// count, status, retry-after (or retryAfter), latency, jitter, after.
// Paths cannot contain commas.
func ParseFault(spec string) (Fault, error) {
	var f Fault
	if strings.TrimSpace(spec) == "" {
		return f, errors.New("fault: empty spec (want e.g. kind=status,status=503)")
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return f, fmt.Errorf("fault %q: %q is not key=value", spec, kv)
		}
		if err := f.set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return f, fmt.Errorf("fault %q: %w", spec, err)
		}
	}
	if err := f.Validate(); err != nil {
		return f, fmt.Errorf("fault %q: %w", spec, err)
	}
	return f, nil
}

func (f *Fault) set(k, v string) error {
	var err error
	switch strings.ToLower(k) {
	case "kind":
		f.Kind = FaultKind(strings.ToLower(v))
	case "method":
		f.Method = strings.ToUpper(v)
	case "path":
		f.Path = v
	case "min-depth", "mindepth":
		f.MinDepth, err = strconv.Atoi(v)
	case "p", "probability":
		f.Probability, err = strconv.ParseFloat(v, 64)
	case "count":
		f.Count, err = strconv.Atoi(v)
	case "status":
		f.Status, err = strconv.Atoi(v)
	case "retry-after", "retryafter":
		f.RetryAfter, err = strconv.Atoi(v)
	case "latency":
		f.Latency, err = time.ParseDuration(v)
	case "jitter":
		f.Jitter, err = time.ParseDuration(v)
	case "after":
		f.After, err = strconv.ParseBool(v)
	default:
		return fmt.Errorf("unknown key %q (want kind, method, path, min-depth, p, count, status, retry-after, latency, jitter, after)", k)
	}
	if err != nil {
		return fmt.Errorf("bad value %q for %s: %w", v, k, err)
	}
	return nil
}

// String renders f in ParseFault's syntax.
func (f Fault) String() string {
	parts := []string{"kind=" + string(f.Kind)}
	add := func(cond bool, kv string) {
		if cond {
			parts = append(parts, kv)
		}
	}
	add(f.Method != "", "method="+f.Method)
	add(f.Path != "", "path="+f.Path)
	add(f.MinDepth != 0, "min-depth="+strconv.Itoa(f.MinDepth))
	add(f.Probability != 0, "p="+strconv.FormatFloat(f.Probability, 'g', -1, 64))
	add(f.Count != 0, "count="+strconv.Itoa(f.Count))
	add(f.Status != 0, "status="+strconv.Itoa(f.Status))
	add(f.RetryAfter != 0, "retry-after="+strconv.Itoa(f.RetryAfter))
	add(f.Latency != 0, "latency="+f.Latency.String())
	add(f.Jitter != 0, "jitter="+f.Jitter.String())
	add(f.After, "after=true")
	return strings.Join(parts, ",")
}

// matches reports whether f applies to a call, ignoring count and chance.
// depth is the call's depth parameter (0 when absent or not a number).
func (f *Fault) matches(method, path string, depth int) bool {
	if f.Method != "" && f.Method != method {
		return false
	}
	if depth < f.MinDepth {
		return false
	}
	return f.Path == "" || globMatch(f.Path, path)
}

// globMatch matches s against a pattern in which '*' stands for any run of
// characters, '/' included (so "/datacenters*" covers everything below).
func globMatch(pattern, s string) bool {
	star, mark := -1, 0
	p, i := 0, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
