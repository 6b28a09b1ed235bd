package cloud

import (
	"encoding/json"
	"math"
	"strconv"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// The SDK's models fail a whole response on one unknown enum value (a new
// resource "type") or an out-of-range number. When that happens on a
// successful answer, the client decodes the raw body again with the lenient
// shapes below, which read only what the client uses and ignore the rest.

// decodeLenient decodes the payload of a successful response the SDK could
// not decode. ok is false when the failure was anything else.
func decodeLenient[T any](resp *ionoscloud.APIResponse, err error) (v T, ok bool) {
	if err == nil || resp == nil || resp.Response == nil || resp.StatusCode >= 300 || len(resp.Payload) == 0 {
		return v, false
	}
	if json.Unmarshal(resp.Payload, &v) != nil {
		return v, false
	}
	return v, true
}

type lenientCollection struct {
	Items []lenientResource `json:"items"`
	Links struct {
		Next string `json:"next"`
	} `json:"_links"`
}

type lenientResource struct {
	ID       string `json:"id"`
	Metadata struct {
		Etag  string `json:"etag"`
		State string `json:"state"`
	} `json:"metadata"`
	Properties struct {
		Name             string      `json:"name"`
		Description      string      `json:"description"`
		Location         string      `json:"location"`
		Type             string      `json:"type"`
		VMState          string      `json:"vmState"`
		CPUFamily        string      `json:"cpuFamily"`
		AvailabilityZone string      `json:"availabilityZone"`
		Cores            json.Number `json:"cores"`
		RAM              json.Number `json:"ram"`
	} `json:"properties"`
}

func (l lenientCollection) datacenters() page[Datacenter] {
	p := page[Datacenter]{hasNext: l.Links.Next != "", items: make([]Datacenter, 0, len(l.Items))}
	for _, r := range l.Items {
		p.items = append(p.items, r.datacenter())
	}
	return p
}

func (l lenientCollection) servers(dc Datacenter) page[Server] {
	p := page[Server]{hasNext: l.Links.Next != "", items: make([]Server, 0, len(l.Items))}
	for _, r := range l.Items {
		p.items = append(p.items, r.server(dc))
	}
	return p
}

func (r lenientResource) datacenter() Datacenter {
	return Datacenter{ID: r.ID, Name: r.Properties.Name, Location: r.Properties.Location,
		Description: r.Properties.Description, State: r.Metadata.State}
}

func (r lenientResource) server(dc Datacenter) Server {
	p := r.Properties
	return Server{ID: r.ID, Name: p.Name, DatacenterID: dc.ID, DatacenterName: dc.Name,
		Type: p.Type, VMState: p.VMState, State: r.Metadata.State,
		Cores: int(clampInt32(p.Cores)), RAM: int(clampInt32(p.RAM)),
		CPUFamily: p.CPUFamily, AvailabilityZone: p.AvailabilityZone, Etag: r.Metadata.Etag}
}

type lenientStatus struct {
	Metadata struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Targets []struct {
			Target struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"target"`
			Status string `json:"status"`
		} `json:"targets"`
	} `json:"metadata"`
}

func (l lenientStatus) status(id string) RequestStatus {
	rs := RequestStatus{RequestID: id, Status: l.Metadata.Status, Message: sanitize(l.Metadata.Message, 500)}
	for _, t := range l.Metadata.Targets {
		rs.Targets = append(rs.Targets, RequestTarget{ID: t.Target.ID, Type: t.Target.Type, Status: t.Status})
	}
	return rs
}

// clampInt32 reads a number that may not fit an int32 without failing.
func clampInt32(n json.Number) int32 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) {
		return 0
	}
	return int32(math.Max(math.MinInt32, math.Min(math.MaxInt32, f)))
}
