package dataset

// Fixed facts the default dataset and the generator draw from. They are
// read-only tables, not state.

// cpuFamilies are the families the simulator's data centers offer (its
// cpuArchitecture list); generated ENTERPRISE servers use the first two.
var cpuFamilies = []string{"INTEL_ICELAKE", "INTEL_SKYLAKE", "AMD_EPYC"}

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
func publicImageID(location, name string) string { return NameUUID("public-image", location, name) }

// netinstISO is the CD-ROM image datasets attach to servers being
// installed. It is a function so every caller gets its own aliases slice.
func netinstISO() CDROM {
	return CDROM{
		Name:         "debian-12.8.0-amd64-netinst.iso",
		Description:  "Debian 12.8 network installer",
		Size:         0.63,
		LicenceType:  "LINUX",
		ImageAliases: []string{"debian:12_iso", "debian:latest_iso"},
	}
}

// publicPrefixes are the /16 ranges generated public IPs are drawn from:
// ranges IONOS announces, so addresses look like a real account's.
var publicPrefixes = [][2]byte{{85, 215}, {217, 160}, {212, 227}, {82, 165}, {74, 208}}
