package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Dataset is the content of one simulated account: its data centers and
// their servers, in the order the API lists them.
type Dataset struct {
	Datacenters []Datacenter `json:"datacenters"`
}

// Datacenter is one virtual data center of a Dataset.
type Datacenter struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Location    string          `json:"location"`
	Servers     []DatasetServer `json:"servers"`
}

// DatasetServer is one server of a Datacenter. (It is not called Server
// because that name belongs to the running simulator that Start returns.)
type DatasetServer struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Type             string `json:"type"`                // ENTERPRISE, VCPU, CUBE or GPU
	VMState          string `json:"vmState"`             // RUNNING, SHUTOFF, SUSPENDED, ...
	CPUFamily        string `json:"cpuFamily,omitempty"` // must be empty for CUBE and VCPU
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	Cores            int32  `json:"cores"`
	RAM              int32  `json:"ram"` // MB
}

// Server types.
const (
	TypeEnterprise = "ENTERPRISE"
	TypeVCPU       = "VCPU"
	TypeCube       = "CUBE"
	TypeGPU        = "GPU"
)

// vmState values (the spec's enum).
const (
	VMNoState   = "NOSTATE"
	VMRunning   = "RUNNING"
	VMBlocked   = "BLOCKED"
	VMPaused    = "PAUSED"
	VMShutdown  = "SHUTDOWN"
	VMShutoff   = "SHUTOFF"
	VMCrashed   = "CRASHED"
	VMSuspended = "SUSPENDED"
)

var (
	serverTypes       = []string{TypeEnterprise, TypeVCPU, TypeCube, TypeGPU}
	vmStates          = []string{VMNoState, VMRunning, VMBlocked, VMPaused, VMShutdown, VMShutoff, VMCrashed, VMSuspended}
	availabilityZones = []string{"AUTO", "ZONE_1", "ZONE_2"}
)

// LoadDataset reads a Dataset written by Save (or by hand) and validates it.
// Unknown fields are errors, so a typo does not silently drop data.
func LoadDataset(r io.Reader) (*Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("dataset: decode JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("dataset: unexpected data after the JSON object")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Save writes the dataset as indented JSON that LoadDataset reads back.
func (d *Dataset) Save(w io.Writer) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("dataset: encode JSON: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("dataset: write: %w", err)
	}
	return nil
}

// Clone returns a deep copy.
func (d *Dataset) Clone() *Dataset {
	c := &Dataset{Datacenters: make([]Datacenter, len(d.Datacenters))}
	for i, dc := range d.Datacenters {
		dc.Servers = slices.Clone(dc.Servers)
		c.Datacenters[i] = dc
	}
	return c
}

// ServerCount is the number of servers across all data centers.
func (d *Dataset) ServerCount() int {
	n := 0
	for _, dc := range d.Datacenters {
		n += len(dc.Servers)
	}
	return n
}

// maxReportedProblems bounds a validation error, so a broken 10,000-server
// file yields a readable message.
const maxReportedProblems = 20

// Validate checks that ids are well-formed unique UUIDs (data centers and
// servers share one id space, as in the API), names and locations are
// present, and types, vmStates and zones are known. The error lists every
// problem (up to 20), each naming the offending entry.
func (d *Dataset) Validate() error {
	v := validator{seen: make(map[string]string, d.ServerCount()+len(d.Datacenters))}
	for i := range d.Datacenters {
		v.datacenter(i, &d.Datacenters[i])
	}
	return v.err()
}

type validator struct {
	seen     map[string]string // lower-case id -> entry that has it
	problems []string
	more     int
}

func (v *validator) addf(format string, args ...any) {
	if len(v.problems) == maxReportedProblems {
		v.more++
		return
	}
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("dataset: invalid:")
	for _, p := range v.problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	if v.more > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more problems", v.more)
	}
	return errors.New(b.String())
}

func (v *validator) id(entry, id string) {
	if !isUUID(id) {
		v.addf("%s: id %q is not a UUID (want 8-4-4-4-12 hex digits)", entry, id)
		return
	}
	key := strings.ToLower(id)
	if prev, dup := v.seen[key]; dup {
		v.addf("%s: id %s is already used by %s", entry, id, prev)
		return
	}
	v.seen[key] = entry
}

func (v *validator) datacenter(i int, dc *Datacenter) {
	entry := fmt.Sprintf("datacenters[%d] %q", i, dc.Name)
	v.id(entry, dc.ID)
	if strings.TrimSpace(dc.Name) == "" {
		v.addf("%s: name is missing", entry)
	}
	if strings.TrimSpace(dc.Location) == "" {
		v.addf("%s: location is missing (e.g. de/fra)", entry)
	}
	for j := range dc.Servers {
		v.server(fmt.Sprintf("%s servers[%d] %q", entry, j, dc.Servers[j].Name), &dc.Servers[j])
	}
}

func (v *validator) server(entry string, s *DatasetServer) {
	v.id(entry, s.ID)
	if strings.TrimSpace(s.Name) == "" {
		v.addf("%s: name is missing", entry)
	}
	if !slices.Contains(serverTypes, s.Type) {
		v.addf("%s: unknown type %q (want one of %s)", entry, s.Type, strings.Join(serverTypes, ", "))
	}
	if !slices.Contains(vmStates, s.VMState) {
		v.addf("%s: unknown vmState %q (want one of %s)", entry, s.VMState, strings.Join(vmStates, ", "))
	}
	if s.AvailabilityZone != "" && !slices.Contains(availabilityZones, s.AvailabilityZone) {
		v.addf("%s: unknown availabilityZone %q (want one of %s)", entry, s.AvailabilityZone, strings.Join(availabilityZones, ", "))
	}
	if s.CPUFamily != "" && (s.Type == TypeCube || s.Type == TypeVCPU) {
		v.addf("%s: cpuFamily must be empty for %s servers (the API does not report one)", entry, s.Type)
	}
	if s.Cores < 1 {
		v.addf("%s: cores %d: must be at least 1", entry, s.Cores)
	}
	if s.RAM < 256 {
		v.addf("%s: ram %d MB: must be at least 256", entry, s.RAM)
	}
}

// encodeIndented renders v as indented JSON for the control API.
func encodeIndented(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
