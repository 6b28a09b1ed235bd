package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// Dataset is the content of one simulated account: its data centers, their
// servers and the servers' devices, in the order the API lists them.
type Dataset struct {
	Datacenters []Datacenter `json:"datacenters"`
}

// Datacenter is one virtual data center of a Dataset. Volumes lists the
// volumes attached to no server; the data center's volumes collection shows
// them after the attached ones.
type Datacenter struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	Location      string         `json:"location"`
	Servers       []Server       `json:"servers"`
	Volumes       []Volume       `json:"volumes,omitempty"`
	LANs          []LAN          `json:"lans,omitempty"`
	Loadbalancers []Loadbalancer `json:"loadbalancers,omitempty"`
}

// Server is one server of a Datacenter.
type Server struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Type             string `json:"type"`                // ENTERPRISE, VCPU, CUBE or GPU
	VMState          string `json:"vmState"`             // RUNNING, SHUTOFF, SUSPENDED, ...
	CPUFamily        string `json:"cpuFamily,omitempty"` // must be empty for CUBE and VCPU
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	Cores            int32  `json:"cores"`
	RAM              int32  `json:"ram"` // MB
	// Labels are the server's labels, key -> value (see CheckLabelKey and
	// CheckLabelValue for what they may hold). The API lists them sorted
	// by key.
	Labels map[string]string `json:"labels,omitempty"`

	Volumes []Volume `json:"volumes,omitempty"` // attached volumes
	CDROMs  []CDROM  `json:"cdroms,omitempty"`  // attached CD-ROM images
	NICs    []NIC    `json:"nics,omitempty"`
	// BootDevice is the id of one of the server's own volumes or CD-ROMs
	// (properties.bootVolume or properties.bootCdrom); "" = none.
	BootDevice string `json:"bootDevice,omitempty"`
}

// Volume is a storage volume: attached to a server (listed under it)
// or unattached (listed under its data center).
type Volume struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Type             string  `json:"type"`                       // HDD, SSD, SSD Standard, SSD Premium, DAS (CUBE servers only), ISO
	Size             float64 `json:"size"`                       // GB
	AvailabilityZone string  `json:"availabilityZone,omitempty"` // AUTO (default), ZONE_1, ZONE_2, ZONE_3
	Image            string  `json:"image,omitempty"`            // id of the image the volume was made from
	LicenceType      string  `json:"licenceType,omitempty"`      // needed when there is no image
	Bus              string  `json:"bus,omitempty"`              // VIRTIO (default), IDE, UNKNOWN
	// DeviceNumber is the LUN of an attached volume; 0 = its position
	// among the server's volumes, from 1. Unattached volumes have none.
	DeviceNumber int64 `json:"deviceNumber,omitempty"`
}

// DeviceNumberAt is the LUN of an attached volume at position (from 0)
// among its server's volumes: DeviceNumber, or position+1 when unset.
func (v *Volume) DeviceNumberAt(position int) int64 {
	if v.DeviceNumber > 0 {
		return v.DeviceNumber
	}
	return int64(position) + 1
}

// CDROM is an image of type CDROM attached to a server. The API
// lists it as an image of the data center's location.
type CDROM struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description,omitempty"`
	Size         float64  `json:"size"`        // GB
	LicenceType  string   `json:"licenceType"` // UNKNOWN, WINDOWS, ..., LINUX, OTHER
	ImageAliases []string `json:"imageAliases,omitempty"`
}

// NIC is a network interface of a server, connected to one of its
// data center's LANs.
type NIC struct {
	ID             string   `json:"id"`
	Name           string   `json:"name,omitempty"`
	MAC            string   `json:"mac,omitempty"` // "" = derived from the id
	IPs            []string `json:"ips,omitempty"` // IPv4 addresses
	DHCP           bool     `json:"dhcp"`
	LAN            int32    `json:"lan"` // id of a LAN of the same data center
	FirewallActive bool     `json:"firewallActive"`
	FirewallType   string   `json:"firewallType,omitempty"` // INGRESS (default), EGRESS, BIDIRECTIONAL
}

// LAN is a LAN of a data center. Its id is a small integer as a
// string ("1", "2", ...), unique in the data center, as on the real API.
type LAN struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Public bool   `json:"public"`
	// IPv4CIDRBlock is a private LAN's range (e.g. 10.7.222.0/24); public
	// LANs have none.
	IPv4CIDRBlock string       `json:"ipv4CidrBlock,omitempty"`
	IPFailover    []IPFailover `json:"ipFailover,omitempty"`
}

// IPFailover is one IP failover group of a LAN: an IP and the NIC
// (connected to the LAN) that currently holds it.
type IPFailover struct {
	IP      string `json:"ip"`
	NICUUID string `json:"nicUuid"`
}

// Loadbalancer is a (legacy) load balancer of a data center,
// balancing NICs of the data center's servers.
type Loadbalancer struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	IP           string   `json:"ip,omitempty"`
	DHCP         bool     `json:"dhcp"`
	BalancedNICs []string `json:"balancedNics,omitempty"` // NIC ids
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

// Volume types (the spec's enum).
const (
	VolumeHDD         = "HDD"
	VolumeSSD         = "SSD"
	VolumeSSDStandard = "SSD Standard"
	VolumeSSDPremium  = "SSD Premium"
	VolumeDAS         = "DAS"
	VolumeISO         = "ISO"
)

// The spec's enums, for validation and error messages.
var (
	serverTypes       = []string{TypeEnterprise, TypeVCPU, TypeCube, TypeGPU}
	vmStates          = []string{VMNoState, VMRunning, VMBlocked, VMPaused, VMShutdown, VMShutoff, VMCrashed, VMSuspended}
	availabilityZones = []string{"AUTO", "ZONE_1", "ZONE_2"}
	volumeTypes       = []string{VolumeHDD, VolumeSSD, VolumeSSDStandard, VolumeSSDPremium, VolumeDAS, VolumeISO}
	volumeZones       = []string{"AUTO", "ZONE_1", "ZONE_2", "ZONE_3"}
	volumeBuses       = []string{"VIRTIO", "IDE", "UNKNOWN"}
	licenceTypes      = []string{"UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"}
	firewallTypes     = []string{"INGRESS", "EGRESS", "BIDIRECTIONAL"}
)

// Load reads a Dataset written by Save (or by hand) and validates it.
// Unknown fields are errors, so a typo does not silently drop data.
func Load(r io.Reader) (*Dataset, error) {
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

// Save writes the dataset as indented JSON that Load reads back.
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
		for j := range dc.Servers {
			dc.Servers[j] = dc.Servers[j].clone()
		}
		dc.Volumes = slices.Clone(dc.Volumes)
		dc.LANs = slices.Clone(dc.LANs)
		for j := range dc.LANs {
			dc.LANs[j].IPFailover = slices.Clone(dc.LANs[j].IPFailover)
		}
		dc.Loadbalancers = slices.Clone(dc.Loadbalancers)
		for j := range dc.Loadbalancers {
			dc.Loadbalancers[j].BalancedNICs = slices.Clone(dc.Loadbalancers[j].BalancedNICs)
		}
		c.Datacenters[i] = dc
	}
	return c
}

func (s Server) clone() Server {
	s.Labels = maps.Clone(s.Labels)
	s.Volumes = slices.Clone(s.Volumes)
	s.CDROMs = slices.Clone(s.CDROMs)
	for i := range s.CDROMs {
		s.CDROMs[i].ImageAliases = slices.Clone(s.CDROMs[i].ImageAliases)
	}
	s.NICs = slices.Clone(s.NICs)
	for i := range s.NICs {
		s.NICs[i].IPs = slices.Clone(s.NICs[i].IPs)
	}
	return s
}

// ServerCount is the number of servers across all data centers.
func (d *Dataset) ServerCount() int {
	n := 0
	for _, dc := range d.Datacenters {
		n += len(dc.Servers)
	}
	return n
}

// VolumeCount is the number of volumes, attached or not.
func (d *Dataset) VolumeCount() int {
	n := 0
	for _, dc := range d.Datacenters {
		n += len(dc.Volumes)
		for _, s := range dc.Servers {
			n += len(s.Volumes)
		}
	}
	return n
}
