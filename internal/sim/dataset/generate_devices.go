package dataset

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// deviceShape is how many devices Generate gives each server and data
// center.
type deviceShape struct {
	volumes, nics, lans int
}

// deviceGenerator draws the devices of a generated account.
type deviceGenerator struct {
	src      *deviceSource
	shape    deviceShape
	imageIDs map[[2]string]string // (location, image name) -> id: hashed once
}

func newDeviceGenerator(shape deviceShape) *deviceGenerator {
	return &deviceGenerator{src: newDeviceSource(), shape: shape, imageIDs: map[[2]string]string{}}
}

func (g *deviceGenerator) imageID(location, name string) string {
	key := [2]string{location, name}
	id, ok := g.imageIDs[key]
	if !ok {
		id = publicImageID(location, name)
		g.imageIDs[key] = id
	}
	return id
}

// deviceSource draws the devices of one owner (a data center or a server)
// from a generator seeded by the owner's id. It is reseeded, not rebuilt,
// for every owner: generating 100,000 servers allocates no generators.
type deviceSource struct {
	pcg *rand.PCG
	*rand.Rand
}

func newDeviceSource() *deviceSource {
	pcg := rand.NewPCG(0, 0)
	return &deviceSource{pcg: pcg, Rand: rand.New(pcg)}
}

// deviceSalt keeps device draws apart from any other use of an id's bits.
const deviceSalt = 0xde71_ce5

// seedFrom seeds the source with a UUID's 128 bits.
func (d *deviceSource) seedFrom(id string) {
	var digits [32]byte
	n := 0
	for i := 0; i < len(id) && n < len(digits); i++ {
		if id[i] != '-' {
			digits[n] = id[i]
			n++
		}
	}
	var b [16]byte
	_, _ = hex.Decode(b[:], digits[:n]) // ids come from uuidFromWords: always valid
	d.pcg.Seed(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])^deviceSalt)
}

// pick returns one of choices, each weighted by its weight.
func pick[T any](src *deviceSource, choices []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := src.IntN(total)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	return choices[len(choices)-1]
}

// privateRange is a generated private LAN's range: 10.a.b.0/24, or
// 10.a.0.0/16 (wide) when the data center has more servers than a /24
// gives addresses to.
type privateRange struct {
	a, b int
	wide bool
}

// host is server j's address in the range.
func (p privateRange) host(j int) string {
	b := p.b
	if p.wide {
		b = (j / privateHostsPer24) % 256
	}
	return ipv4(10, p.a, b, 10+j%privateHostsPer24)
}

// ipv4 and macOf format addresses without fmt: Generate makes 100,000.
func ipv4(a, b, c, d int) string {
	buf := make([]byte, 0, 15)
	for i, o := range [4]int{a, b, c, d} {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = strconv.AppendInt(buf, int64(o), 10)
	}
	return string(buf)
}

func macOf(b ...byte) string {
	const hexDigits = "0123456789abcdef"
	buf := []byte("02:01")
	for _, x := range b {
		buf = append(buf, ':', hexDigits[x>>4], hexDigits[x&0xf])
	}
	return string(buf)
}

// generateLANs draws a data center's LANs: LAN 1 public, the others
// private. ranges[k] is LAN k's private range (zero for the public one).
func generateLANs(src *deviceSource, n, servers int) (lans []LAN, ranges []privateRange) {
	if n == 0 {
		return nil, nil // a dataset without LANs has none, not an empty list
	}
	lans = make([]LAN, n)
	ranges = make([]privateRange, n)
	for k := range lans {
		id := strconv.Itoa(k + 1)
		if k == 0 {
			lans[k] = LAN{ID: id, Name: "public", Public: true}
			continue
		}
		r := privateRange{a: src.IntN(250) + 1, b: src.IntN(256), wide: servers > privateHostsPer24}
		cidr := fmt.Sprintf("10.%d.%d.0/24", r.a, r.b)
		if r.wide {
			r.b = 0
			cidr = fmt.Sprintf("10.%d.0.0/16", r.a)
		}
		lans[k] = LAN{ID: id, Name: "private-" + id, IPv4CIDRBlock: cidr}
		ranges[k] = r
	}
	return lans, ranges
}

// privateHostsPer24 is how many servers a /24 gives addresses to
// (.10 to .249).
const privateHostsPer24 = 240

// devices draws server j's volumes and NICs, from a source seeded by the
// server's id; dc's LANs exist.
func (g *deviceGenerator) devices(s *Server, dc *Datacenter, ranges []privateRange, j int) {
	src, shape := g.src, g.shape
	src.seedFrom(s.ID)
	if shape.volumes > 0 {
		s.Volumes = make([]Volume, 0, shape.volumes)
	}
	for k := range shape.volumes {
		s.Volumes = append(s.Volumes, g.volume(s, dc.Location, k))
	}
	if len(s.Volumes) > 0 {
		s.BootDevice = s.Volumes[0].ID
	}
	if len(dc.LANs) == 0 {
		return
	}
	// Some servers face the internet first, most sit on a private LAN.
	start := 0
	if len(dc.LANs) > 1 && src.IntN(100) >= 40 {
		start = 1
	}
	if shape.nics > 0 {
		s.NICs = make([]NIC, 0, shape.nics)
	}
	for k := range shape.nics {
		l := (start + k) % len(dc.LANs)
		s.NICs = append(s.NICs, generateNIC(src, &dc.LANs[l], ranges[l], j, k))
	}
}

var (
	bootImages       = []publicImage{imageUbuntu, imageDebian, imageRocky, imageWindows}
	bootImageWeights = []int{45, 25, 20, 10}
	bootTypes        = []string{VolumeSSDStandard, VolumeSSDPremium, VolumeHDD}
	bootTypeWeights  = []int{60, 20, 20}
	dataTypes        = []string{VolumeHDD, VolumeSSDPremium, VolumeSSDStandard}
	dataTypeWeights  = []int{50, 25, 25}
	bootSizes        = []float64{20, 30, 50, 100}
	dasSizes         = []float64{30, 60, 120}
	dataSizes        = []float64{50, 100, 200, 500, 1000, 2000}
)

// volume draws volume k of s: k == 0 is the boot volume.
func (g *deviceGenerator) volume(s *Server, location string, k int) Volume {
	src := g.src
	v := Volume{ID: uuidFromWords(src.Uint64(), src.Uint64()), AvailabilityZone: "AUTO", Bus: "VIRTIO",
		DeviceNumber: int64(k + 1)}
	if k > 0 {
		v.Name = s.Name + "-data-" + strconv.Itoa(k)
		v.Type = pick(src, dataTypes, dataTypeWeights)
		v.Size = dataSizes[src.IntN(len(dataSizes))]
		v.LicenceType = "UNKNOWN"
		return v
	}
	img := pick(src, bootImages, bootImageWeights)
	v.Name = s.Name + "-boot"
	v.Image, v.LicenceType = g.imageID(location, img.name), img.licence
	if s.Type == TypeCube {
		v.Type, v.Size = VolumeDAS, dasSizes[src.IntN(len(dasSizes))]
		return v
	}
	v.Type = pick(src, bootTypes, bootTypeWeights)
	v.Size = bootSizes[src.IntN(len(bootSizes))]
	return v
}

// generateNIC draws NIC k of server j on lan: a public address from a range
// IONOS announces, or the server's host address in the private range.
func generateNIC(src *deviceSource, lan *LAN, r privateRange, j, k int) NIC {
	n := NIC{ID: uuidFromWords(src.Uint64(), src.Uint64()), Name: "eth" + strconv.Itoa(k), DHCP: true,
		LAN: lanNumber(lan), FirewallType: "INGRESS"}
	n.MAC = macOf(byte(src.IntN(256)), byte(src.IntN(256)), byte(src.IntN(256)), byte(src.IntN(256)))
	if lan.Public {
		p := publicPrefixes[src.IntN(len(publicPrefixes))]
		n.IPs = []string{ipv4(int(p[0]), int(p[1]), src.IntN(256), src.IntN(250)+2)}
		n.FirewallActive = src.IntN(100) < 80
		return n
	}
	n.IPs = []string{r.host(j)}
	return n
}

func lanNumber(l *LAN) int32 {
	n, _ := strconv.ParseInt(l.ID, 10, 32)
	return int32(n)
}
