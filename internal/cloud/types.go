package cloud

// Datacenter is a virtual data center, as an agent needs it.
type Datacenter struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Location    string `json:"location"`
	Description string `json:"description,omitempty"`
	State       string `json:"state,omitempty"`
}

// Server is a server with its power state. Field names are the API's own.
type Server struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	DatacenterID     string `json:"datacenterId"`
	DatacenterName   string `json:"datacenterName,omitempty"`
	Type             string `json:"type,omitempty"`
	VMState          string `json:"vmState,omitempty"`
	State            string `json:"state,omitempty"`
	Cores            int    `json:"cores,omitempty"`
	RAM              int    `json:"ram,omitempty" jsonschema:"MB"`
	CPUFamily        string `json:"cpuFamily,omitempty"`
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	// The boot device: a volume or a CD-ROM (at most one is set). Only a
	// server read on its own (GetServer) carries it.
	BootVolume *BootDevice `json:"bootVolume,omitempty"`
	BootCdrom  *BootDevice `json:"bootCdrom,omitempty"`
	// Etag is metadata.etag: it changes whenever the server changes, which
	// is what binds a confirmation to the state the human saw.
	Etag string `json:"-"`
}

// BootDevice is the volume or CD-ROM a server boots from.
type BootDevice struct {
	ID          string  `json:"id"`
	Name        string  `json:"name,omitempty"`
	Size        float64 `json:"size,omitempty" jsonschema:"GB"`
	Type        string  `json:"type,omitempty" jsonschema:"a volume's storage type: HDD, SSD, SSD Standard, SSD Premium, DAS, ISO"`
	LicenceType string  `json:"licenceType,omitempty"`
}

// Busy reports whether a request on the server is still pending.
func (s Server) Busy() bool { return s.State == "BUSY" }

// RequestStatus is the state of an asynchronous request.
type RequestStatus struct {
	RequestID string          `json:"requestId"`
	Status    string          `json:"status"`
	Message   string          `json:"message,omitempty"`
	Targets   []RequestTarget `json:"targets,omitempty"`
}

// RequestTarget is a resource a request acts on.
type RequestTarget struct {
	ID     string `json:"id"`
	Type   string `json:"type,omitempty"`
	Status string `json:"status,omitempty"`
}

// Request status values of the API.
const (
	StatusQueued  = "QUEUED"
	StatusRunning = "RUNNING"
	StatusDone    = "DONE"
	StatusFailed  = "FAILED"
)

// Finished reports whether the request reached DONE or FAILED.
func (r RequestStatus) Finished() bool { return r.Status == StatusDone || r.Status == StatusFailed }
