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
