package sim

// Fixed facts the renderer reports about data centers. They are read-only
// tables, not state.

// cpuFamilies offered in every simulated location; generated ENTERPRISE
// servers use the first two.
var cpuFamilies = []string{"INTEL_ICELAKE", "INTEL_SKYLAKE", "AMD_EPYC"}

// cpuArch is one entry of a data center's cpuArchitecture list.
type cpuArch struct {
	family, vendor string
	maxCores       int32
	maxRAM         int32
}

var cpuArchitectures = []cpuArch{
	{family: "INTEL_ICELAKE", vendor: "GenuineIntel", maxCores: 62, maxRAM: 245760},
	{family: "INTEL_SKYLAKE", vendor: "GenuineIntel", maxCores: 62, maxRAM: 245760},
	{family: "AMD_EPYC", vendor: "AuthenticAMD", maxCores: 62, maxRAM: 245760},
}

// datacenterFeatures is what every simulated data center reports.
var datacenterFeatures = []string{
	"cloud-init", "cpu-hotplug", "ram-hotplug", "nic-hotplug", "disk-vio-hotplug",
	"ssd", "vnf-lb", "vnf-nat", "vnf-alb", "pcc", "flow-logs",
}

// Bookkeeping identity of every resource's metadata.
const createdBy = "user@example.com"

// publicImage is an HDD image of the public catalogue that boot volumes are
// made from. Its id depends on the location, as on the real API, where each
// location has its own copy of a public image.
type publicImage struct {
	name, licence string
}

var (
	imageUbuntu  = publicImage{name: "ubuntu-24.04-server-cloudimg-amd64", licence: "LINUX"}
	imageDebian  = publicImage{name: "debian-12-genericcloud-amd64", licence: "LINUX"}
	imageRocky   = publicImage{name: "Rocky-9-GenericCloud-Base", licence: "LINUX"}
	imageWindows = publicImage{name: "windows-server-2022-datacenter", licence: "WINDOWS2022"}
)

// publicImageID is the id of a public image in a location.
func publicImageID(location, name string) string { return nameUUID("public-image", location, name) }

// netinstISO is the CD-ROM image datasets attach to servers being installed.
var netinstISO = DatasetCDROM{
	Name:         "debian-12.8.0-amd64-netinst.iso",
	Description:  "Debian 12.8 network installer",
	Size:         0.63,
	LicenceType:  "LINUX",
	ImageAliases: []string{"debian:12_iso", "debian:latest_iso"},
}

// publicPrefixes are the /16 ranges generated public IPs are drawn from:
// ranges IONOS announces, so addresses look like a real account's.
var publicPrefixes = [][2]byte{{85, 215}, {217, 160}, {212, 227}, {82, 165}, {74, 208}}

// hotPlug is what an image's licence type says about hot-plugging. Public
// Linux and Windows images support it (Windows not the Virt-IO unplug);
// a blank or unknown volume supports none.
type hotPlug struct {
	cpu, ram, nic, nicUnplug, disc, discUnplug bool
}

func hotPlugOf(licence string) hotPlug {
	switch {
	case licence == "LINUX":
		return hotPlug{cpu: true, ram: true, nic: true, nicUnplug: true, disc: true, discUnplug: true}
	case len(licence) >= 7 && licence[:7] == "WINDOWS":
		return hotPlug{cpu: true, ram: true, nic: true, nicUnplug: true, disc: true}
	}
	return hotPlug{}
}
