package sim

import (
	"strconv"
	"strings"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// The devices of a data center: volumes, CD-ROMs, NICs, LANs and load
// balancers. Writes to them are not simulated, so they never change after
// the account is built; their etags and dates are fixed.

// volState is a volume as the API shows it.
type volState struct {
	id, name, typ, zone, image, licence, bus string
	size                                     float64
	deviceNumber                             int64 // attached volumes only
	pciSlot                                  int32
	srv                                      *srvState // nil when unattached
	dc                                       *dcState
	bootOrder                                string // PRIMARY, NONE or AUTO
	created, etag                            string
}

// cdState is an image attached to a server as a CD-ROM.
type cdState struct {
	id, name, description, licence string
	size                           float64
	aliases                        []string
	srv                            *srvState
	created, etag                  string
}

// nicState is a NIC of a server.
type nicState struct {
	id, name, mac, firewallType string
	ips                         []string
	dhcp, firewallActive        bool
	lan                         *lanState
	deviceNumber, pciSlot       int32
	srv                         *srvState
	created, etag               string
}

// lanState is a LAN of a data center.
type lanState struct {
	id            string // "1", "2", ...
	num           int32
	name, cidr    string
	public        bool
	failover      []dataset.IPFailover
	dc            *dcState
	nics          []*nicState // connected NICs, in server order
	created, etag string
}

// lbState is a load balancer of a data center.
type lbState struct {
	id, name, ip  string
	dhcp          bool
	dc            *dcState
	nics          []*nicState
	created, etag string
}

// imageEpoch is the createdDate of every public CD-ROM image.
var imageEpoch = datasetEpoch.Add(-90 * 24 * time.Hour)

// devicePools are the account's devices (and its servers' labels), each
// kind allocated at once with the exact capacity, so the pointers handed
// out stay valid.
type devicePools struct {
	vols   []volState
	cds    []cdState
	nics   []nicState
	labels []labelState
}

func newDevicePools(d *dataset.Dataset) *devicePools {
	var cds, nics, labels int
	for _, dc := range d.Datacenters {
		for _, s := range dc.Servers {
			cds += len(s.CDROMs)
			nics += len(s.NICs)
			labels += len(s.Labels)
		}
	}
	return &devicePools{
		vols:   make([]volState, 0, d.VolumeCount()),
		cds:    make([]cdState, 0, cds),
		nics:   make([]nicState, 0, nics),
		labels: make([]labelState, 0, labels),
	}
}

// addLANs builds a data center's LANs (before its servers: NICs refer to them).
func (a *account) addLANs(dc *dcState, lans []dataset.LAN) {
	for _, l := range lans {
		n, _ := strconv.ParseInt(l.ID, 10, 32) // validated
		ls := &lanState{id: l.ID, num: int32(n), name: l.Name, cidr: l.IPv4CIDRBlock, public: l.Public,
			dc: dc, created: dc.created}
		for _, f := range l.IPFailover {
			ls.failover = append(ls.failover, dataset.IPFailover{IP: f.IP, NICUUID: canonicalID(f.NICUUID)})
		}
		ls.etag = etagOf(dc.id+"/lans/"+ls.id, 1)
		dc.lans = append(dc.lans, ls)
	}
}

// addDevices builds a server's volumes, CD-ROMs and NICs and its boot device.
func (a *account) addDevices(p *devicePools, s *srvState, d dataset.Server) {
	s.volumes = presized[*volState](len(d.Volumes))
	s.cdroms = presized[*cdState](len(d.CDROMs))
	s.nics = presized[*nicState](len(d.NICs))
	for i, dv := range d.Volumes {
		v := a.addVolume(p, s.dc, dv)
		v.srv = s
		v.deviceNumber = dv.DeviceNumberAt(i)
		v.pciSlot = int32(5 + len(d.NICs) + i)
		v.created = s.created
		v.bootOrder = "NONE"
		s.volumes = append(s.volumes, v)
	}
	for _, dc := range d.CDROMs {
		p.cds = append(p.cds, cdState{
			id: canonicalID(dc.ID), name: dc.Name, description: dc.Description, licence: dc.LicenceType,
			size: dc.Size, aliases: dc.ImageAliases, srv: s, created: formatTime(imageEpoch),
		})
		cd := &p.cds[len(p.cds)-1]
		cd.etag = etagOf(cd.id, 1)
		s.cdroms = append(s.cdroms, cd)
		a.imgByID[cd.id] = cd
	}
	for i, dn := range d.NICs {
		s.nics = append(s.nics, a.addNIC(p, s, i, dn))
	}
	a.setBootDevice(s, canonicalID(d.BootDevice))
}

// addVolume builds a volume of dc; the caller attaches it or not.
func (a *account) addVolume(p *devicePools, dc *dcState, d dataset.Volume) *volState {
	p.vols = append(p.vols, volState{
		id: canonicalID(d.ID), name: d.Name, typ: d.Type, size: d.Size,
		zone:    orDefault(d.AvailabilityZone, "AUTO"),
		image:   canonicalID(d.Image),
		licence: orDefault(d.LicenceType, "UNKNOWN"),
		bus:     orDefault(d.Bus, "VIRTIO"),
		dc:      dc, bootOrder: "AUTO", created: dc.created,
	})
	v := &p.vols[len(p.vols)-1]
	v.etag = etagOf(v.id, 1)
	a.volByID[v.id] = v
	dc.volumes = append(dc.volumes, v)
	return v
}

func (a *account) addNIC(p *devicePools, s *srvState, i int, d dataset.NIC) *nicState {
	p.nics = append(p.nics, nicState{
		id: canonicalID(d.ID), name: d.Name, mac: strings.ToLower(d.MAC), ips: d.IPs,
		dhcp: d.DHCP, firewallActive: d.FirewallActive, firewallType: orDefault(d.FirewallType, "INGRESS"),
		lan: s.dc.lan(strconv.Itoa(int(d.LAN))), deviceNumber: int32(i + 1), pciSlot: int32(5 + i),
		srv: s, created: s.created,
	})
	n := &p.nics[len(p.nics)-1]
	if n.mac == "" {
		n.mac = dataset.MACFromID(n.id)
	}
	n.etag = etagOf(n.id, 1)
	n.lan.nics = append(n.lan.nics, n)
	a.nicByID[n.id] = n
	return n
}

func (a *account) setBootDevice(s *srvState, id string) {
	if id == "" {
		return
	}
	for _, v := range s.volumes {
		if v.id == id {
			s.bootVol, v.bootOrder = v, "PRIMARY"
			return
		}
	}
	for _, cd := range s.cdroms {
		if cd.id == id {
			s.bootCD = cd
			return
		}
	}
}

// addLoadbalancers builds a data center's load balancers (after its servers:
// they balance their NICs).
func (a *account) addLoadbalancers(dc *dcState, born time.Time, lbs []dataset.Loadbalancer) {
	for i, l := range lbs {
		lb := &lbState{id: canonicalID(l.ID), name: l.Name, ip: l.IP, dhcp: l.DHCP, dc: dc,
			created: formatTime(born.Add(time.Duration(i+1) * time.Hour))}
		for _, id := range l.BalancedNICs {
			lb.nics = append(lb.nics, a.nicByID[canonicalID(id)])
		}
		lb.etag = etagOf(lb.id, 1)
		dc.lbs = append(dc.lbs, lb)
		a.lbByID[lb.id] = lb
	}
}

// presized is an empty slice with room for n, or nil for none.
func presized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lan finds a LAN of the data center by id.
func (dc *dcState) lan(id string) *lanState {
	for _, l := range dc.lans {
		if l.id == id {
			return l
		}
	}
	return nil
}

// Lookups that check the whole path: a device asked for under the wrong
// data center or server does not exist there.

func (a *account) volume(dcID, volID string) (*volState, bool) {
	v, ok := a.volByID[volID]
	return v, ok && v.dc.id == dcID
}

func (a *account) serverVolume(dcID, srvID, volID string) (*volState, bool) {
	v, ok := a.volByID[volID]
	return v, ok && v.srv != nil && v.srv.id == srvID && v.dc.id == dcID
}

func (a *account) cdrom(dcID, srvID, imgID string) (*cdState, bool) {
	cd, ok := a.imgByID[imgID]
	return cd, ok && cd.srv.id == srvID && cd.srv.dc.id == dcID
}

func (a *account) serverNIC(dcID, srvID, nicID string) (*nicState, bool) {
	n, ok := a.nicByID[nicID]
	return n, ok && n.srv.id == srvID && n.srv.dc.id == dcID
}

func (a *account) lanOf(dcID, lanID string) (*lanState, bool) {
	dc := a.dcByID[dcID]
	if dc == nil {
		return nil, false
	}
	l := dc.lan(lanID)
	return l, l != nil
}

func (a *account) lanNIC(dcID, lanID, nicID string) (*nicState, bool) {
	n, ok := a.nicByID[nicID]
	return n, ok && n.lan.id == lanID && n.srv.dc.id == dcID
}

func (a *account) loadbalancer(dcID, lbID string) (*lbState, bool) {
	lb, ok := a.lbByID[lbID]
	return lb, ok && lb.dc.id == dcID
}

func (lb *lbState) nic(nicID string) (*nicState, bool) {
	for _, n := range lb.nics {
		if n.id == nicID {
			return n, true
		}
	}
	return nil, false
}

// Copies back into the dataset format, for Snapshot.

func (s *srvState) datasetDevices(out *dataset.Server) {
	for _, v := range s.volumes {
		out.Volumes = append(out.Volumes, v.dataset())
	}
	for _, cd := range s.cdroms {
		out.CDROMs = append(out.CDROMs, dataset.CDROM{ID: cd.id, Name: cd.name, Description: cd.description,
			Size: cd.size, LicenceType: cd.licence, ImageAliases: cloneStrings(cd.aliases)})
	}
	for _, n := range s.nics {
		out.NICs = append(out.NICs, dataset.NIC{ID: n.id, Name: n.name, MAC: n.mac, IPs: cloneStrings(n.ips),
			DHCP: n.dhcp, LAN: n.lan.num, FirewallActive: n.firewallActive, FirewallType: n.firewallType})
	}
	switch {
	case s.bootVol != nil:
		out.BootDevice = s.bootVol.id
	case s.bootCD != nil:
		out.BootDevice = s.bootCD.id
	}
}

func (v *volState) dataset() dataset.Volume {
	return dataset.Volume{ID: v.id, Name: v.name, Type: v.typ, Size: v.size, AvailabilityZone: v.zone,
		Image: v.image, LicenceType: v.licence, Bus: v.bus, DeviceNumber: v.deviceNumber}
}

func (dc *dcState) datasetDevices(out *dataset.Datacenter) {
	for _, v := range dc.volumes {
		if v.srv == nil {
			out.Volumes = append(out.Volumes, v.dataset())
		}
	}
	for _, l := range dc.lans {
		out.LANs = append(out.LANs, dataset.LAN{ID: l.id, Name: l.name, Public: l.public, IPv4CIDRBlock: l.cidr,
			IPFailover: append([]dataset.IPFailover(nil), l.failover...)})
	}
	for _, lb := range dc.lbs {
		d := dataset.Loadbalancer{ID: lb.id, Name: lb.name, IP: lb.ip, DHCP: lb.dhcp}
		for _, n := range lb.nics {
			d.BalancedNICs = append(d.BalancedNICs, n.id)
		}
		out.Loadbalancers = append(out.Loadbalancers, d)
	}
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}
