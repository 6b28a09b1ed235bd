package sim

import (
	"fmt"
	"math/rand/v2"
)

// GenerateOptions size a generated account.
type GenerateOptions struct {
	Datacenters          int
	ServersPerDatacenter int
	Seed                 int64
}

// ionosLocations are the real IONOS locations generated data centers cycle
// through.
var ionosLocations = []string{"de/fra", "de/txl", "de/fkb", "gb/lhr", "gb/bhx", "fr/par", "es/vit", "us/las", "us/ewr", "us/mci"}

// Generate builds a large deterministic account: the same options always give
// the same dataset. Servers are mostly ENTERPRISE and VCPU and RUNNING, some
// SHUTOFF, with CUBE and GPU servers some of which are SUSPENDED. Names look
// like dc-0042 and srv-0042-0007 (1-based). Negative sizes count as zero.
func Generate(o GenerateOptions) *Dataset {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed_10_05))
	ndc := max(o.Datacenters, 0)
	nsrv := max(o.ServersPerDatacenter, 0)
	d := &Dataset{Datacenters: make([]Datacenter, ndc)}
	for i := range d.Datacenters {
		loc := ionosLocations[i%len(ionosLocations)]
		dc := Datacenter{
			ID:          uuidFromWords(rng.Uint64(), rng.Uint64()),
			Name:        fmt.Sprintf("dc-%04d", i+1),
			Description: fmt.Sprintf("Generated data center %d in %s", i+1, loc),
			Location:    loc,
			Servers:     make([]DatasetServer, nsrv),
		}
		for j := range dc.Servers {
			dc.Servers[j] = generateServer(rng, i, j)
		}
		d.Datacenters[i] = dc
	}
	return d
}

// generateServer draws one server. The weights keep the account realistic:
// half ENTERPRISE, a third VCPU, the rest CUBE and GPU.
func generateServer(rng *rand.Rand, dc, n int) DatasetServer {
	s := DatasetServer{
		ID:               uuidFromWords(rng.Uint64(), rng.Uint64()),
		Name:             fmt.Sprintf("srv-%04d-%04d", dc+1, n+1),
		AvailabilityZone: availabilityZones[rng.IntN(len(availabilityZones))],
	}
	switch p := rng.IntN(100); {
	case p < 50:
		s.Type, s.CPUFamily = TypeEnterprise, cpuFamilies[rng.IntN(2)]
	case p < 82:
		s.Type = TypeVCPU
	case p < 94:
		s.Type = TypeCube
	default:
		s.Type, s.CPUFamily = TypeGPU, "AMD_EPYC"
	}
	s.VMState = generateVMState(rng, s.Type)
	s.Cores = []int32{1, 2, 4, 8, 16}[rng.IntN(5)]
	s.RAM = s.Cores * []int32{1024, 2048, 4096}[rng.IntN(3)]
	return s
}

func generateVMState(rng *rand.Rand, typ string) string {
	p := rng.IntN(100)
	switch typ {
	case TypeCube, TypeGPU:
		if p < 30 {
			return VMSuspended
		}
	default:
		if p < 20 {
			return VMShutoff
		}
	}
	return VMRunning
}
