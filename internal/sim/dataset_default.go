package sim

// DefaultDataset is the deterministic account the simulator serves unless told
// otherwise: three data centers in different locations and thirteen servers
// covering every server type and power state. "web-1" exists in two data
// centers on purpose, so name resolution has an ambiguity to handle. Ids are
// derived from names, so they are the same on every run and machine.
func DefaultDataset() *Dataset {
	return &Dataset{Datacenters: []Datacenter{
		defaultDC("production", "de/fra", "Customer-facing web shop and its database",
			ent("web-1", VMRunning, 4, 8192, "INTEL_ICELAKE", "ZONE_1"),
			ent("web-2", VMRunning, 4, 8192, "INTEL_ICELAKE", "ZONE_2"),
			ent("db-1", VMRunning, 8, 32768, "INTEL_ICELAKE", "ZONE_1"),
			srv("cache-cube", TypeCube, VMRunning, 2, 4096, "", "AUTO"),
			srv("gpu-train", TypeGPU, VMRunning, 24, 245760, "AMD_EPYC", "AUTO"),
		),
		defaultDC("staging", "de/txl", "Pre-production copy of the shop and CI runners",
			srv("web-1", TypeVCPU, VMRunning, 2, 4096, "", "AUTO"),
			srv("build-runner", TypeVCPU, VMShutoff, 4, 8192, "", "AUTO"),
			srv("dev-cube", TypeCube, VMSuspended, 1, 2048, "", "AUTO"),
			ent("batch-worker", VMShutoff, 8, 16384, "INTEL_SKYLAKE", "ZONE_2"),
		),
		defaultDC("analytics", "us/las", "Data pipeline, model inference and reporting",
			ent("etl-1", VMRunning, 8, 16384, "INTEL_SKYLAKE", "AUTO"),
			srv("gpu-infer", TypeGPU, VMSuspended, 12, 122880, "AMD_EPYC", "AUTO"),
			srv("report-cube", TypeCube, VMRunning, 2, 4096, "", "AUTO"),
			srv("jupyter", TypeVCPU, VMRunning, 4, 16384, "", "ZONE_1"),
		),
	}}
}

// defaultDC builds a data center whose ids derive from its name and its
// servers' names.
func defaultDC(name, location, description string, servers ...DatasetServer) Datacenter {
	for i := range servers {
		servers[i].ID = nameUUID("default-dataset", name, servers[i].Name)
	}
	return Datacenter{
		ID:          nameUUID("default-dataset", name),
		Name:        name,
		Description: description,
		Location:    location,
		Servers:     servers,
	}
}

func ent(name, vmState string, cores, ram int32, cpuFamily, zone string) DatasetServer {
	return srv(name, TypeEnterprise, vmState, cores, ram, cpuFamily, zone)
}

func srv(name, typ, vmState string, cores, ram int32, cpuFamily, zone string) DatasetServer {
	return DatasetServer{
		Name:             name,
		Type:             typ,
		VMState:          vmState,
		CPUFamily:        cpuFamily,
		AvailabilityZone: zone,
		Cores:            cores,
		RAM:              ram,
	}
}
