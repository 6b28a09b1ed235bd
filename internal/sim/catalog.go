package sim

// Fixed facts the renderer reports about data centers. They are read-only
// tables, not state.

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
