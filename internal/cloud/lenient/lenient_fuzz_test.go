package lenient

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// Real answers of the API (simulator output, trimmed), the seeds of FuzzLenient.
const (
	seedDatacenters = `{"id":"datacenters","type":"collection","href":"https://api.ionos.com/cloudapi/v6/datacenters","items":[{"id":"6555a419-dfea-5e7e-a304-5a25af9434af","type":"datacenter","href":"https://api.ionos.com/cloudapi/v6/datacenters/6555a419-dfea-5e7e-a304-5a25af9434af","metadata":{"etag":"7b4922f97370980001b68472b0ada834","createdDate":"2024-01-15T09:30:00.000Z","state":"AVAILABLE"},"properties":{"name":"production","description":"Customer-facing web shop","location":"de/fra","version":1,"features":["ssd"],"secAuthProtection":false,"cpuArchitecture":[{"cpuFamily":"INTEL_ICELAKE","maxCores":62,"maxRam":245760,"vendor":"GenuineIntel"}]}}],"offset":0,"limit":1000,"_links":{}}`
	seedServers     = `{"id":"6555a419-dfea-5e7e-a304-5a25af9434af/servers","type":"collection","items":[{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","type":"server","metadata":{"etag":"a3c2114ef84239a08dce1fc59d0f6ab5","createdDate":"2024-01-15T09:31:00.000Z","state":"AVAILABLE"},"properties":{"name":"web-1","cores":4,"ram":8192,"availabilityZone":"ZONE_1","vmState":"RUNNING","cpuFamily":"INTEL_ICELAKE","type":"ENTERPRISE"},"entities":{"volumes":{"id":"a7e25b39-4a90-556a-8717-8a99351095d0/volumes","type":"collection"}}},{"id":"992cfdb0-b219-5d79-b5b3-779d902dcd33","type":"future-thing","metadata":{"state":"BUSY"},"properties":{"name":"cube-1","cores":99999999999,"ram":-1e400,"vmState":"HIBERNATED","type":"CUBE","x-new":{"a":[1,2]}}}],"_links":{"next":"https://api.ionos.com/cloudapi/v6/datacenters/6555a419-dfea-5e7e-a304-5a25af9434af/servers?offset=2&limit=2"}}`
	seedServer      = `{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","type":"server","metadata":{"etag":"a3c2114ef84239a08dce1fc59d0f6ab5","state":"AVAILABLE"},"properties":{"name":"web-1","cores":4,"ram":8192,"vmState":"RUNNING","type":"ENTERPRISE"}}`
	seedStatus      = `{"id":"9451b7c3-e28a-54e3-9197-51054f1f5553/status","type":"request-status","metadata":{"status":"RUNNING","message":"Request is being executed","etag":"a740d3f50880ecb97fbe9a8bf9522d1a","targets":[{"target":{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","type":"future-thing"},"status":"RUNNING"}]}}`
)

// FuzzLenient checks the lenient decoding of API answers that the SDK
// could not decode. data is any body; the other arguments build a server
// object with a future resource type around the given values.
func FuzzLenient(f *testing.F) {
	for _, d := range []string{
		seedDatacenters, seedServers, seedServer, seedStatus,
		`{"items":[{"id":"x","properties":{"cores":"abc"}}]}`, // a data center the SDK reads, with a field it ignores
		`{"items":[{"id":"x","properties":{"type":5}}]}`,
		`{"items":[{"id":"x","metadata":{"state":5}}]}`,
		`{"items":[null,{}]}`,
		`{"items":[1]}`,
		`{"items":{}}`,
		`{"_links":{"next":5}}`,
		`{"metadata":{"targets":[{"target":{"type":5}}]}}`,
		`{"metadata":{"message":"\u0000\u001b[2J\u202e","status":"DONE"}}`,
		`null`, `[]`, `""`, `{`, `<html></html>`, ``,
	} {
		f.Add([]byte(d), "a7e25b39-4a90-556a-8717-8a99351095d0", "web-1", "HIBERNATED", "4")
	}
	for _, n := range []string{"99999999999", "-99999999999", "1e400", "-1e400", "1e-400", "4.9", "-0", "2147483647", "2147483648", "-2147483648", "-2147483649", "0x10", "Inf", "NaN", "1_0", "", " 4", "4 "} {
		f.Add([]byte(seedServer), "id", "name", "RUNNING", n)
	}
	f.Add([]byte(seedServer), "\xff", "a\u2028b", "\x00", "1")
	f.Fuzz(func(t *testing.T, data []byte, id, name, vmState, cores string) {
		checkLenientBody(t, data)
		checkClamp(t, cores)
		checkLenientServer(t, id, name, vmState, cores)
	})
}

// checkLenientBody decodes any body with every lenient shape. (What
// internal/cloud makes of the shapes is checked there, by FuzzLenientPages.)
func checkLenientBody(t *testing.T, data []byte) {
	var col Collection
	colErr := json.Unmarshal(data, &col)

	// Whenever the SDK's models decode a body, the lenient collection does
	// too, item for item: ListDatacentersRaw, after the SDK succeeded,
	// decodes the same bytes as raw objects and leniently and pairs the
	// items by index.
	var sdkDCs ionoscloud.Datacenters
	if json.Unmarshal(data, &sdkDCs) == nil {
		checkSameItems(t, "data centers", colErr, col, sdkDCs.Items != nil, lenItems(sdkDCs.Items))
	}
	var sdkServers ionoscloud.Servers
	if json.Unmarshal(data, &sdkServers) == nil {
		checkSameItems(t, "servers", colErr, col, sdkServers.Items != nil, lenItems(sdkServers.Items))
	}
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	if colErr == nil && json.Unmarshal(data, &raw) == nil {
		if len(raw.Items) != len(col.Items) {
			t.Fatalf("%d raw items, %d lenient ones", len(raw.Items), len(col.Items))
		}
		// Ids and names are kept as given.
		for i, obj := range raw.Items {
			if v, ok := onlyKey(obj, "id").(string); ok && col.Items[i].ID != v {
				t.Fatalf("item %d: id %q read as %q", i, v, col.Items[i].ID)
			}
			props, _ := onlyKey(obj, "properties").(map[string]any)
			if v, ok := onlyKey(props, "name").(string); ok && string(col.Items[i].Properties.Name) != v {
				t.Fatalf("item %d: name %q read as %q", i, v, col.Items[i].Properties.Name)
			}
		}
	}

	// What Decode accepts after a decoding failure of the SDK has an id on
	// every item, or a status.
	resp := &ionoscloud.APIResponse{Response: &http.Response{StatusCode: 200}, Payload: data}
	if l, ok := Decode[Collection](resp, ionoscloud.GenericOpenAPIError{}); ok {
		for i, it := range l.Items {
			if it.ID == "" {
				t.Fatalf("Decode accepted item %d without id", i)
			}
		}
	}
	if l, ok := Decode[Resource](resp, ionoscloud.GenericOpenAPIError{}); ok && l.ID == "" {
		t.Fatal("Decode accepted a resource without id")
	}
	if l, ok := Decode[Status](resp, ionoscloud.GenericOpenAPIError{}); ok && l.Metadata.Status == "" {
		t.Fatal("Decode accepted a request status without status")
	}
	if _, ok := Decode[Collection](resp, io.ErrUnexpectedEOF); ok {
		t.Fatal("Decode read a body after a transport error")
	}
}

func checkSameItems(t *testing.T, what string, colErr error, col Collection, present bool, n int) {
	t.Helper()
	if colErr != nil {
		t.Fatalf("the SDK decodes the %s but the lenient collection does not: %v", what, colErr)
	}
	if present && len(col.Items) != n {
		t.Fatalf("the SDK decodes %d %s, the lenient collection %d", n, what, len(col.Items))
	}
}

func lenItems[T any](items *[]T) int {
	if items == nil {
		return 0
	}
	return len(*items)
}

// onlyKey returns obj[key] when no other key of obj matches key without
// case (encoding/json matches field names so, and the last one wins).
func onlyKey(obj map[string]any, key string) any {
	n := 0
	for k := range obj {
		if strings.EqualFold(k, key) {
			n++
		}
	}
	if n != 1 {
		return nil
	}
	return obj[key]
}

// checkClamp compares clampInt32 with the clamped, truncated value of the
// number text; text that is not a JSON number reads as 0.
func checkClamp(t *testing.T, text string) {
	got := clampInt32(json.Number(text))
	want := int32(0)
	if isJSONNumber(text) {
		f, err := strconv.ParseFloat(text, 64) // ±Inf on overflow, ±0 on underflow
		if err != nil && !isRangeErr(err) {
			t.Fatalf("ParseFloat(%q): %v", text, err)
		}
		switch {
		case f >= math.MaxInt32:
			want = math.MaxInt32
		case f <= math.MinInt32:
			want = math.MinInt32
		default:
			want = int32(math.Trunc(f))
		}
	}
	if got != want {
		t.Fatalf("clampInt32(%q) = %d, want %d", text, got, want)
	}
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// isJSONNumber reports whether s is a number literal by JSON's grammar
// (and nothing else: no spaces around it).
func isJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || '0' <= s[0] && s[0] <= '9') && strings.TrimSpace(s) == s && json.Valid([]byte(s))
}

// checkLenientServer builds a server object the SDK would refuse (a future
// resource type, maybe an overflowing number, unknown fields at every
// level) and checks what the lenient decoding makes of it.
func checkLenientServer(t *testing.T, id, name, vmState, cores string) {
	var coresJSON any = cores
	if isJSONNumber(cores) {
		coresJSON = json.RawMessage(cores)
	}
	obj := map[string]any{
		"id":   id,
		"type": "future-thing",
		"x-top": map[string]any{
			"nested": []any{1, "two", nil},
		},
		"metadata": map[string]any{"etag": "e1", "state": "AVAILABLE", "x-meta": true},
		"properties": map[string]any{
			"name":    name,
			"vmState": vmState,
			"cores":   coresJSON,
			"ram":     json.RawMessage("1e100"),
			"x-prop":  map[string]any{"deeper": map[string]any{}},
		},
	}
	body, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var r Resource
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("lenient decoding of %s: %v", body, err)
	}
	want := plainResource{
		ID: jsonString(t, id), Name: jsonString(t, name), VMState: jsonString(t, vmState),
		State: "AVAILABLE", Etag: "e1",
		Cores: int(clampInt32(json.Number(cores))), RAM: math.MaxInt32,
	}
	if !isJSONNumber(cores) {
		want.Cores = 0
	}
	got := plain(r)
	if got != want {
		t.Fatalf("lenient server from %s:\n got  %+v\n want %+v", body, got, want)
	}
	if utf8.ValidString(id) && got.ID != id || utf8.ValidString(name) && got.Name != name {
		t.Fatalf("id %q, name %q read as %q, %q", id, name, got.ID, got.Name)
	}

	// The same object inside a collection.
	col, err := json.Marshal(map[string]any{"type": "collection", "items": []json.RawMessage{body, body}, "_links": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	var lc Collection
	if err := json.Unmarshal(col, &lc); err != nil {
		t.Fatalf("lenient decoding of %s: %v", col, err)
	}
	if len(lc.Items) != 2 || plain(lc.Items[0]) != want || plain(lc.Items[1]) != want || lc.Links.Next != "" {
		t.Fatalf("lenient collection %s read as %+v", col, lc)
	}
}

// plainResource is a Resource as plain strings and ints, for comparing.
type plainResource struct {
	ID, Name, Description, Location, Type, VMState, CPUFamily, AvailabilityZone string
	State, Etag                                                                 string
	Cores, RAM                                                                  int
}

func plain(r Resource) plainResource {
	p := r.Properties
	return plainResource{ID: r.ID, Name: string(p.Name), Description: string(p.Description), Location: string(p.Location),
		Type: string(p.Type), VMState: string(p.VMState), CPUFamily: string(p.CPUFamily), AvailabilityZone: string(p.AvailabilityZone),
		State: string(r.Metadata.State), Etag: string(r.Metadata.Etag), Cores: p.Cores.Int(), RAM: p.RAM.Int()}
}

// jsonString is what a string becomes once through JSON (invalid bytes
// become U+FFFD).
func jsonString(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
