package dataset

import (
	"fmt"
	"math/rand/v2"
)

// GenerateOptions size a generated account.
type GenerateOptions struct {
	Datacenters          int
	ServersPerDatacenter int
	Seed                 int64

	// Devices: 0 means the default (DefaultVolumesPerServer,
	// DefaultNICsPerServer, DefaultLANsPerDatacenter: what a real account
	// looks like) and a negative value means none. Without LANs there are
	// no NICs, since a NIC needs a LAN.
	VolumesPerServer  int
	NICsPerServer     int
	LANsPerDatacenter int
}

// Defaults of GenerateOptions: a boot and a data volume, one NIC, and a
// public and a private LAN per data center.
const (
	DefaultVolumesPerServer  = 2
	DefaultNICsPerServer     = 1
	DefaultLANsPerDatacenter = 2
)

// ionosLocations are the real IONOS locations generated data centers cycle
// through.
var ionosLocations = []string{"de/fra", "de/txl", "de/fkb", "gb/lhr", "gb/bhx", "fr/par", "es/vit", "us/las", "us/ewr", "us/mci"}

// Generate builds a large deterministic account: the same options always give
// the same dataset. Servers are mostly ENTERPRISE and VCPU and RUNNING, some
// SHUTOFF, with CUBE and GPU servers some of which are SUSPENDED. Names look
// like dc-0042 and srv-0042-0007 (1-based). Negative sizes count as zero.
//
// Each server's first volume is its boot volume, made from a public image
// (a DAS volume on CUBE servers); the others are blank data volumes. The
// first LAN of a data center is public, the others private. The ids of data
// centers and servers depend only on the seed and the sizes: devices are
// drawn from a source seeded by their owner's id, so asking for more or
// fewer devices changes no data center or server.
//
// Every server has an "env" label, the same for all servers of a data
// center (production, staging and dev in turn, from a start the seed
// picks), and a "role" label (web, worker, db, cache or build, weighted)
// drawn from the server's id. Labels take nothing from the generator's
// stream, so they change no id either.
func Generate(o GenerateOptions) *Dataset {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed_10_05))
	ndc := max(o.Datacenters, 0)
	nsrv := max(o.ServersPerDatacenter, 0)
	shape := deviceShape{
		volumes: countOption(o.VolumesPerServer, DefaultVolumesPerServer),
		nics:    countOption(o.NICsPerServer, DefaultNICsPerServer),
		lans:    countOption(o.LANsPerDatacenter, DefaultLANsPerDatacenter),
	}
	gen := newDeviceGenerator(shape)
	envStart := int(mix64(uint64(o.Seed)^envSalt) % uint64(len(generatedEnvs)))
	d := &Dataset{Datacenters: make([]Datacenter, ndc)}
	for i := range d.Datacenters {
		env := generatedEnvs[(envStart+i)%len(generatedEnvs)]
		loc := ionosLocations[i%len(ionosLocations)]
		dc := Datacenter{
			ID:          uuidFromWords(rng.Uint64(), rng.Uint64()),
			Name:        fmt.Sprintf("dc-%04d", i+1),
			Description: fmt.Sprintf("Generated data center %d in %s", i+1, loc),
			Location:    loc,
			Servers:     make([]Server, nsrv),
		}
		gen.src.seedFrom(dc.ID)
		var ranges []privateRange
		dc.LANs, ranges = generateLANs(gen.src, shape.lans, nsrv)
		for j := range dc.Servers {
			s := generateServer(rng, i, j, env)
			gen.devices(&s, &dc, ranges, j)
			dc.Servers[j] = s
		}
		d.Datacenters[i] = dc
	}
	return d
}

// countOption resolves a device count: 0 is the default, negative is none.
func countOption(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}

// generateServer draws one server. The weights keep the account realistic:
// half ENTERPRISE, a third VCPU, the rest CUBE and GPU.
func generateServer(rng *rand.Rand, dc, n int, env string) Server {
	hi, lo := rng.Uint64(), rng.Uint64()
	s := Server{
		ID:               uuidFromWords(hi, lo),
		Name:             fmt.Sprintf("srv-%04d-%04d", dc+1, n+1),
		AvailabilityZone: availabilityZones[rng.IntN(len(availabilityZones))],
		Labels:           map[string]string{"env": env, "role": generatedRole(hi, lo)},
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

// The labels of generated servers.
var (
	generatedEnvs        = []string{"production", "staging", "dev"}
	generatedRoles       = []string{"web", "worker", "db", "cache", "build"}
	generatedRoleWeights = []int{35, 25, 15, 15, 10}
)

// Salts keep the label draws apart from any other use of the same bits.
const (
	envSalt  = 0xe4_71_5a17
	roleSalt = 0x60_1e_5a17
)

// generatedRole picks a server's role from its id's words.
func generatedRole(hi, lo uint64) string {
	n := int(mix64(hi^lo^roleSalt) % 100)
	for i, w := range generatedRoleWeights {
		if n < w {
			return generatedRoles[i]
		}
		n -= w
	}
	return generatedRoles[len(generatedRoles)-1]
}

// mix64 is SplitMix64's finaliser: every output bit depends on every
// input bit, so nearby seeds and ids give unrelated choices.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
