package dataset

import "strconv"

// Default is the deterministic account the simulator serves unless told
// otherwise: three data centers in different locations and thirteen servers
// covering every server type and power state. "web-1" exists in two data
// centers on purpose, so name resolution has an ambiguity to handle. Ids are
// derived from names, so they are the same on every run and machine.
//
// Every data center has a public LAN (1) and a private one (2); every
// server has a boot volume and NICs, some a data volume; staging's
// batch-worker boots from a CD-ROM (an installer image); production has a
// load balancer and an unattached backup volume.
//
// Every server has two labels: "env", the name of its data center
// (production, staging or analytics), and "role", what it does (web, db,
// cache, gpu, build, dev, batch, etl, report or notebook), so selection by
// labels has matches across data centers (role=web) and within one
// (env=production,role=web).
func Default() *Dataset {
	return &Dataset{Datacenters: []Datacenter{
		defaultDC(dcSpec{name: "production", location: "de/fra", description: "Customer-facing web shop and its database",
			public: "85.215.231", private: "10.7.222",
			servers: []srvSpec{
				{role: "web", Server: ent("web-1", VMRunning, 4, 8192, "INTEL_ICELAKE", "ZONE_1"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageUbuntu)}, nics: []nicSpec{{1, 11, 50}, {2, 11, 0}}},
				{role: "web", Server: ent("web-2", VMRunning, 4, 8192, "INTEL_ICELAKE", "ZONE_2"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageUbuntu)}, nics: []nicSpec{{1, 12, 0}, {2, 12, 0}}},
				{role: "db", Server: ent("db-1", VMRunning, 8, 32768, "INTEL_ICELAKE", "ZONE_1"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageDebian), dataVol("data", VolumeSSDPremium, 500)},
					nics: []nicSpec{{2, 21, 0}}},
				{role: "cache", Server: srv("cache-cube", TypeCube, VMRunning, 2, 4096, "", "AUTO"),
					vols: []volSpec{bootVol(VolumeDAS, 60, imageDebian)}, nics: []nicSpec{{2, 31, 0}}},
				{role: "gpu", Server: srv("gpu-train", TypeGPU, VMRunning, 24, 245760, "AMD_EPYC", "AUTO"),
					vols: []volSpec{bootVol(VolumeSSDPremium, 200, imageUbuntu), dataVol("datasets", VolumeHDD, 2000)},
					nics: []nicSpec{{2, 41, 0}}},
			},
			unattached:   []volSpec{dataVol("db-1-backup-2024-11", VolumeHDD, 500)},
			loadbalancer: &lbSpec{name: "web-lb", ip: 100, servers: []string{"web-1", "web-2"}},
		}),
		defaultDC(dcSpec{name: "staging", location: "de/txl", description: "Pre-production copy of the shop and CI runners",
			public: "217.160.44", private: "10.8.12",
			servers: []srvSpec{
				{role: "web", Server: srv("web-1", TypeVCPU, VMRunning, 2, 4096, "", "AUTO"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 30, imageUbuntu)}, nics: []nicSpec{{1, 21, 0}, {2, 21, 0}}},
				{role: "build", Server: srv("build-runner", TypeVCPU, VMShutoff, 4, 8192, "", "AUTO"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageUbuntu), dataVol("cache", VolumeSSDStandard, 200)},
					nics: []nicSpec{{2, 31, 0}}},
				{role: "dev", Server: srv("dev-cube", TypeCube, VMSuspended, 1, 2048, "", "AUTO"),
					vols: []volSpec{bootVol(VolumeDAS, 30, imageDebian)}, nics: []nicSpec{{2, 41, 0}}},
				// batch-worker is being reinstalled: it boots the Debian
				// installer from a CD-ROM onto a blank system volume.
				{role: "batch", Server: ent("batch-worker", VMShutoff, 8, 16384, "INTEL_SKYLAKE", "ZONE_2"),
					vols:    []volSpec{{name: "system", typ: VolumeHDD, size: 100, licence: "LINUX"}},
					nics:    []nicSpec{{2, 51, 0}},
					cdrom:   true,
					bootsCD: true},
			},
		}),
		defaultDC(dcSpec{name: "analytics", location: "us/las", description: "Data pipeline, model inference and reporting",
			public: "74.208.17", private: "10.9.3",
			servers: []srvSpec{
				{role: "etl", Server: ent("etl-1", VMRunning, 8, 16384, "INTEL_SKYLAKE", "AUTO"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageRocky), dataVol("warehouse", VolumeHDD, 1000)},
					nics: []nicSpec{{2, 11, 0}}},
				{role: "gpu", Server: srv("gpu-infer", TypeGPU, VMSuspended, 12, 122880, "AMD_EPYC", "AUTO"),
					vols: []volSpec{bootVol(VolumeSSDPremium, 100, imageUbuntu), dataVol("models", VolumeSSDPremium, 500)},
					nics: []nicSpec{{2, 21, 0}}},
				{role: "report", Server: srv("report-cube", TypeCube, VMRunning, 2, 4096, "", "AUTO"),
					vols: []volSpec{bootVol(VolumeDAS, 30, imageDebian)}, nics: []nicSpec{{1, 31, 0}}},
				{role: "notebook", Server: srv("jupyter", TypeVCPU, VMRunning, 4, 16384, "", "ZONE_1"),
					vols: []volSpec{bootVol(VolumeSSDStandard, 50, imageUbuntu), dataVol("notebooks", VolumeSSDStandard, 100)},
					nics: []nicSpec{{1, 41, 0}, {2, 41, 0}}},
			},
			unattached: []volSpec{dataVol("etl-1-scratch", VolumeSSDStandard, 200)},
		}),
	}}
}

// dcSpec describes a data center of the default dataset. public and
// private are the first three octets of its LANs' addresses.
type dcSpec struct {
	name, location, description string
	public, private             string
	servers                     []srvSpec
	unattached                  []volSpec
	loadbalancer                *lbSpec
}

// srvSpec is a server with the devices it gets. role is its "role"
// label; its "env" label is its data center's name.
type srvSpec struct {
	Server
	role           string
	vols           []volSpec // the first is the boot volume unless bootsCD
	nics           []nicSpec
	cdrom, bootsCD bool
}

// volSpec is a volume, made from a public image or blank (with a licence).
type volSpec struct {
	name, typ, licence string
	image              publicImage
	size               float64
}

// nicSpec is a NIC on LAN lan with host number host; failover, when not 0,
// is the host number of a failover IP it also holds (on the public LAN).
type nicSpec struct {
	lan            int32
	host, failover int
}

// lbSpec is a load balancer at host number ip of the public LAN, balancing
// the first NIC of each named server.
type lbSpec struct {
	name    string
	ip      int
	servers []string
}

func bootVol(typ string, size float64, image publicImage) volSpec {
	return volSpec{name: "boot", typ: typ, size: size, image: image}
}

func dataVol(name, typ string, size float64) volSpec {
	return volSpec{name: name, typ: typ, size: size, licence: "UNKNOWN"}
}

// defaultDC builds a data center whose ids derive from its name and its
// servers' names (the server and data center ids are what other packages'
// tests rely on; they must not change).
func defaultDC(spec dcSpec) Datacenter {
	id := func(parts ...string) string {
		return NameUUID(append([]string{"default-dataset", spec.name}, parts...)...)
	}
	dc := Datacenter{
		ID:          id(),
		Name:        spec.name,
		Description: spec.description,
		Location:    spec.location,
		LANs: []LAN{
			{ID: "1", Name: "public", Public: true},
			{ID: "2", Name: "backend", IPv4CIDRBlock: spec.private + ".0/24"},
		},
	}
	firstNIC := map[string]string{}
	for _, ss := range spec.servers {
		s := ss.Server
		s.ID = id(s.Name)
		s.Labels = map[string]string{"env": spec.name, "role": ss.role}
		for _, vs := range ss.vols {
			s.Volumes = append(s.Volumes, defaultVolume(spec, s.Name+"-"+vs.name, vs, id(s.Name, "volume", vs.name), len(s.Volumes)+1))
		}
		if ss.cdrom {
			cd := netinstISO()
			cd.ID = id(s.Name, "cdrom", cd.Name)
			s.CDROMs = append(s.CDROMs, cd)
		}
		for i, ns := range ss.nics {
			n := defaultNIC(spec, ns, id(s.Name, "nic", strconv.Itoa(i)), i)
			s.NICs = append(s.NICs, n)
			if ns.failover != 0 {
				dc.LANs[0].IPFailover = append(dc.LANs[0].IPFailover, IPFailover{IP: n.IPs[1], NICUUID: n.ID})
			}
		}
		switch {
		case ss.bootsCD:
			s.BootDevice = s.CDROMs[0].ID
		case len(s.Volumes) > 0:
			s.BootDevice = s.Volumes[0].ID
		}
		if len(s.NICs) > 0 {
			firstNIC[s.Name] = s.NICs[0].ID
		}
		dc.Servers = append(dc.Servers, s)
	}
	for _, vs := range spec.unattached {
		dc.Volumes = append(dc.Volumes, defaultVolume(spec, vs.name, vs, id("volume", vs.name), 0))
	}
	if lb := spec.loadbalancer; lb != nil {
		d := Loadbalancer{ID: id("loadbalancer", lb.name), Name: lb.name, IP: spec.public + "." + strconv.Itoa(lb.ip)}
		for _, name := range lb.servers {
			d.BalancedNICs = append(d.BalancedNICs, firstNIC[name])
		}
		dc.Loadbalancers = append(dc.Loadbalancers, d)
	}
	return dc
}

// defaultVolume builds a volume; deviceNumber is 0 for an unattached one.
func defaultVolume(spec dcSpec, name string, vs volSpec, id string, deviceNumber int) Volume {
	v := Volume{ID: id, Name: name, Type: vs.typ, Size: vs.size, AvailabilityZone: "AUTO",
		LicenceType: vs.licence, Bus: "VIRTIO", DeviceNumber: int64(deviceNumber)}
	if vs.image.name != "" {
		v.Image, v.LicenceType = publicImageID(spec.location, vs.image.name), vs.image.licence
	}
	return v
}

func defaultNIC(spec dcSpec, ns nicSpec, id string, i int) NIC {
	prefix := spec.private
	if ns.lan == 1 {
		prefix = spec.public
	}
	n := NIC{ID: id, Name: "eth" + strconv.Itoa(i), MAC: MACFromID(id), DHCP: true, LAN: ns.lan,
		IPs: []string{prefix + "." + strconv.Itoa(ns.host)}, FirewallActive: ns.lan == 1, FirewallType: "INGRESS"}
	if ns.failover != 0 {
		n.IPs = append(n.IPs, prefix+"."+strconv.Itoa(ns.failover))
	}
	return n
}

func ent(name, vmState string, cores, ram int32, cpuFamily, zone string) Server {
	return srv(name, TypeEnterprise, vmState, cores, ram, cpuFamily, zone)
}

func srv(name, typ, vmState string, cores, ram int32, cpuFamily, zone string) Server {
	return Server{
		Name:             name,
		Type:             typ,
		VMState:          vmState,
		CPUFamily:        cpuFamily,
		AvailabilityZone: zone,
		Cores:            cores,
		RAM:              ram,
	}
}
