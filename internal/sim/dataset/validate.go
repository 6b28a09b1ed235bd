package dataset

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// maxReportedProblems bounds a validation error, so a broken 10,000-server
// file yields a readable message.
const maxReportedProblems = 20

// Volume sizes the validator accepts, in GB. The spec sets no bound; these
// only reject what no account can hold.
const (
	minVolumeSize = 1
	maxVolumeSize = 65536
)

// Validate checks that ids are well-formed unique UUIDs (data centers,
// servers, volumes, CD-ROMs, NICs and load balancers share one id space, as
// in the API; LAN ids are small integers unique in their data center),
// names and locations are present, enums hold the spec's values, a NIC's
// LAN exists in its data center, a boot device is one of the server's own
// and labels pass CheckLabelKey and CheckLabelValue. The error lists every
// problem (up to 20), each naming its entry.
func (d *Dataset) Validate() error {
	v := validator{seen: make(map[string]entry, d.ServerCount()+d.VolumeCount()+len(d.Datacenters))}
	for i := range d.Datacenters {
		v.datacenter(i, &d.Datacenters[i])
	}
	return v.err()
}

type validator struct {
	seen     map[string]entry // lower-case id -> entry that has it
	problems []string
	more     int
}

// entry names a part of the dataset in messages, e.g.
// datacenters[1] "staging" servers[2] "dev-cube". It is formatted only when
// there is a problem to report: validating 100,000 servers formats none.
// It is a value; only data centers and servers, which have children, are
// ever on the heap.
type entry struct {
	parent *entry
	list   string // "datacenters", "servers", "volumes", ...
	index  int
	name   string
}

func (e *entry) child(list string, index int, name string) entry {
	return entry{parent: e, list: list, index: index, name: name}
}

func (e entry) String() string {
	s := fmt.Sprintf("%s[%d] %q", e.list, e.index, e.name)
	if e.parent != nil {
		return e.parent.String() + " " + s
	}
	return s
}

// addf records a problem of an entry: format's first verb is the entry.
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

func (v *validator) id(entry entry, id string) {
	if !IsUUID(id) {
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

// name reports a missing name.
func (v *validator) name(entry entry, name string) {
	if strings.TrimSpace(name) == "" {
		v.addf("%s: name is missing", entry)
	}
}

// oneOf reports a value outside an enum; "" is allowed when optional.
func (v *validator) oneOf(entry entry, field, value string, allowed []string, optional bool) {
	if value == "" && optional || slices.Contains(allowed, value) {
		return
	}
	v.addf("%s: unknown %s %q (want one of %s)", entry, field, value, strings.Join(allowed, ", "))
}

// dcScope is what the checks of a data center's parts need to know about
// the data center: its LANs and its NICs.
type dcScope struct {
	lans    map[int32]*LAN
	lanIDs  []string
	nicLAN  map[string]int32 // lower-case NIC id -> LAN id
	dcEntry *entry
}

func (v *validator) datacenter(i int, dc *Datacenter) {
	entry := &entry{list: "datacenters", index: i, name: dc.Name}
	v.id(*entry, dc.ID)
	v.name(*entry, dc.Name)
	if strings.TrimSpace(dc.Location) == "" {
		v.addf("%s: location is missing (e.g. de/fra)", entry)
	}
	sc := &dcScope{lans: map[int32]*LAN{}, nicLAN: map[string]int32{}, dcEntry: entry}
	for j := range dc.LANs {
		v.lan(entry.child("lans", j, dc.LANs[j].Name), &dc.LANs[j], sc)
	}
	for j := range dc.Servers {
		se := entry.child("servers", j, dc.Servers[j].Name)
		v.server(&se, &dc.Servers[j], sc)
	}
	for j := range dc.Volumes {
		v.volume(entry.child("volumes", j, dc.Volumes[j].Name), &dc.Volumes[j], nil)
	}
	for j := range dc.LANs {
		v.ipFailover(entry.child("lans", j, dc.LANs[j].Name), &dc.LANs[j], sc)
	}
	for j := range dc.Loadbalancers {
		v.loadbalancer(entry.child("loadbalancers", j, dc.Loadbalancers[j].Name), &dc.Loadbalancers[j], sc)
	}
}

func (v *validator) server(entry *entry, s *Server, sc *dcScope) {
	v.id(*entry, s.ID)
	v.name(*entry, s.Name)
	v.oneOf(*entry, "type", s.Type, serverTypes, false)
	v.oneOf(*entry, "vmState", s.VMState, vmStates, false)
	v.oneOf(*entry, "availabilityZone", s.AvailabilityZone, availabilityZones, true)
	if s.CPUFamily != "" && (s.Type == TypeCube || s.Type == TypeVCPU) {
		v.addf("%s: cpuFamily must be empty for %s servers (the API does not report one)", entry, s.Type)
	}
	if s.Cores < 1 {
		v.addf("%s: cores %d: must be at least 1", entry, s.Cores)
	}
	if s.RAM < 256 {
		v.addf("%s: ram %d MB: must be at least 256", entry, s.RAM)
	}
	v.labels(*entry, s.Labels)
	devices := map[int64]bool{}
	for j := range s.Volumes {
		vol := &s.Volumes[j]
		ventry := entry.child("volumes", j, vol.Name)
		v.volume(ventry, vol, s)
		n := vol.DeviceNumberAt(j)
		if devices[n] {
			v.addf("%s: deviceNumber %d is already used by another volume of the server", ventry, n)
		}
		devices[n] = true
	}
	for j := range s.CDROMs {
		v.cdrom(entry.child("cdroms", j, s.CDROMs[j].Name), &s.CDROMs[j])
	}
	for j := range s.NICs {
		v.nic(entry.child("nics", j, s.NICs[j].Name), &s.NICs[j], sc)
	}
	v.bootDevice(*entry, s)
}

// labels reports every bad label of a server, in key order so the message
// is the same on every run.
func (v *validator) labels(entry entry, labels map[string]string) {
	var bad []string
	for k, val := range labels {
		if CheckLabelKey(k) != nil || CheckLabelValue(val) != nil {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	for _, k := range bad {
		err := CheckLabelKey(k)
		if err == nil {
			err = CheckLabelValue(labels[k])
		}
		v.addf("%s: %v", entry, err)
	}
}

func (v *validator) bootDevice(entry entry, s *Server) {
	if s.BootDevice == "" {
		return
	}
	own := func(id string) bool { return strings.EqualFold(id, s.BootDevice) }
	if slices.ContainsFunc(s.Volumes, func(vol Volume) bool { return own(vol.ID) }) ||
		slices.ContainsFunc(s.CDROMs, func(cd CDROM) bool { return own(cd.ID) }) {
		return
	}
	v.addf("%s: bootDevice %q is not the id of one of the server's volumes or CD-ROMs", entry, s.BootDevice)
}

// volume checks a volume; attachedTo is nil for an unattached one.
func (v *validator) volume(entry entry, vol *Volume, attachedTo *Server) {
	v.id(entry, vol.ID)
	v.name(entry, vol.Name)
	v.oneOf(entry, "type", vol.Type, volumeTypes, false)
	if vol.Type == VolumeDAS && (attachedTo == nil || attachedTo.Type != TypeCube) {
		v.addf("%s: a DAS volume must be attached to a CUBE server (the API creates DAS only with one)", entry)
	}
	if vol.Size < minVolumeSize || vol.Size > maxVolumeSize {
		v.addf("%s: size %v GB: must be between %d and %d", entry, vol.Size, minVolumeSize, maxVolumeSize)
	}
	v.oneOf(entry, "availabilityZone", vol.AvailabilityZone, volumeZones, true)
	v.oneOf(entry, "bus", vol.Bus, volumeBuses, true)
	v.oneOf(entry, "licenceType", vol.LicenceType, licenceTypes, true)
	if vol.Image != "" && !IsUUID(vol.Image) {
		v.addf("%s: image %q is not a UUID (the id of the image the volume was made from)", entry, vol.Image)
	}
	if vol.Image == "" && vol.LicenceType == "" {
		v.addf("%s: needs an image or a licenceType (the API requires one of them)", entry)
	}
	switch {
	case vol.DeviceNumber < 0:
		v.addf("%s: deviceNumber %d: must not be negative", entry, vol.DeviceNumber)
	case vol.DeviceNumber > 0 && attachedTo == nil:
		v.addf("%s: deviceNumber %d: only attached volumes have one", entry, vol.DeviceNumber)
	}
}

func (v *validator) cdrom(entry entry, cd *CDROM) {
	v.id(entry, cd.ID)
	v.name(entry, cd.Name)
	if cd.Size <= 0 {
		v.addf("%s: size %v GB: must be more than 0", entry, cd.Size)
	}
	v.oneOf(entry, "licenceType", cd.LicenceType, licenceTypes, false)
}

func (v *validator) nic(entry entry, n *NIC, sc *dcScope) {
	v.id(entry, n.ID)
	if n.MAC != "" {
		if hw, err := net.ParseMAC(n.MAC); err != nil || len(hw) != 6 {
			v.addf("%s: mac %q is not a MAC address like 02:01:4b:1c:cf:57", entry, n.MAC)
		}
	}
	for _, ip := range n.IPs {
		v.ipv4(entry, "ips", ip)
	}
	v.oneOf(entry, "firewallType", n.FirewallType, firewallTypes, true)
	if _, ok := sc.lans[n.LAN]; !ok {
		v.addf("%s: lan %d does not exist in %s (its LANs: %s)", entry, n.LAN, sc.dcEntry, listOrNone(sc.lanIDs))
	}
	sc.nicLAN[strings.ToLower(n.ID)] = n.LAN
}

func (v *validator) ipv4(entry entry, field, ip string) {
	if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() {
		v.addf("%s: %s %q is not an IPv4 address", entry, field, ip)
	}
}

func (v *validator) lan(entry entry, l *LAN, sc *dcScope) {
	n, err := strconv.ParseInt(l.ID, 10, 32)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != l.ID {
		v.addf("%s: id %q is not a LAN id (want a positive integer as a string, like \"1\")", entry, l.ID)
	} else if _, dup := sc.lans[int32(n)]; dup {
		v.addf("%s: id %s is already used by another LAN of the data center", entry, l.ID)
	} else {
		sc.lans[int32(n)] = l
		sc.lanIDs = append(sc.lanIDs, l.ID)
	}
	if l.IPv4CIDRBlock == "" {
		return
	}
	if l.Public {
		v.addf("%s: a public LAN has no ipv4CidrBlock (the API reports null)", entry)
	}
	if p, err := netip.ParsePrefix(l.IPv4CIDRBlock); err != nil || !p.Addr().Is4() {
		v.addf("%s: ipv4CidrBlock %q is not an IPv4 range like 10.7.222.0/24", entry, l.IPv4CIDRBlock)
	}
}

// ipFailover runs after the servers: a failover NIC must be on the LAN.
func (v *validator) ipFailover(entry entry, l *LAN, sc *dcScope) {
	for _, f := range l.IPFailover {
		v.ipv4(entry, "ipFailover ip", f.IP)
		lan, ok := sc.nicLAN[strings.ToLower(f.NICUUID)]
		if !ok || strconv.Itoa(int(lan)) != l.ID {
			v.addf("%s: ipFailover nicUuid %q is not a NIC connected to this LAN", entry, f.NICUUID)
		}
	}
}

func (v *validator) loadbalancer(entry entry, lb *Loadbalancer, sc *dcScope) {
	v.id(entry, lb.ID)
	v.name(entry, lb.Name)
	if lb.IP != "" {
		v.ipv4(entry, "ip", lb.IP)
	}
	seen := map[string]bool{}
	for _, id := range lb.BalancedNICs {
		key := strings.ToLower(id)
		if _, ok := sc.nicLAN[key]; !ok {
			v.addf("%s: balanced NIC %q is not a NIC of a server of this data center", entry, id)
		}
		if seen[key] {
			v.addf("%s: balanced NIC %q is listed twice", entry, id)
		}
		seen[key] = true
	}
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
