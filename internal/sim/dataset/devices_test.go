package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultDevices: every server has a boot device that is its
// own, some a data volume, NICs on LANs of their data center; every data
// center has a public and a private LAN; exactly one server, outside
// production, boots from a CD-ROM.
func TestDefaultDevices(t *testing.T) {
	d := Default()
	var bootsCD []string
	dataVolumes := 0
	for _, dc := range d.Datacenters {
		if len(dc.LANs) != 2 || !dc.LANs[0].Public || dc.LANs[1].Public {
			t.Errorf("%s: LANs %+v, want a public and a private one", dc.Name, dc.LANs)
		}
		for _, s := range dc.Servers {
			if len(s.Volumes) == 0 || len(s.NICs) == 0 || s.BootDevice == "" {
				t.Errorf("%s/%s: %d volumes, %d NICs, boot %q", dc.Name, s.Name, len(s.Volumes), len(s.NICs), s.BootDevice)
			}
			dataVolumes += len(s.Volumes) - 1
			for _, cd := range s.CDROMs {
				if cd.ID == s.BootDevice {
					bootsCD = append(bootsCD, dc.Name+"/"+s.Name)
				}
			}
		}
	}
	if fmt.Sprint(bootsCD) != "[staging/batch-worker]" {
		t.Errorf("servers booting from a CD-ROM: %v, want [staging/batch-worker]", bootsCD)
	}
	if dataVolumes < 5 {
		t.Errorf("%d data volumes, want some", dataVolumes)
	}
	if n := len(d.Datacenters[0].Loadbalancers); n != 1 {
		t.Errorf("production has %d load balancers, want 1", n)
	}
	if n := len(d.Datacenters[0].Volumes); n != 1 {
		t.Errorf("production has %d unattached volumes, want 1", n)
	}
}

// TestDefaultIDs pins every data center and server id: other
// packages' tests and the docs use them.
func TestDefaultIDs(t *testing.T) {
	want := []string{
		"production 6555a419-dfea-5e7e-a304-5a25af9434af",
		"web-1 a7e25b39-4a90-556a-8717-8a99351095d0", "web-2 992cfdb0-b219-5d79-b5b3-779d902dcd33",
		"db-1 bbace763-5dd3-5852-8e5d-ab60e5070631", "cache-cube f99c6428-5087-55f0-8e09-72e0c24a7236",
		"gpu-train c93b2849-ee36-5ac4-a8c6-d8d45ceff145",
		"staging d52be4d6-4ed6-50ec-a3fe-dad2948a2664",
		"web-1 5dd9f166-e98e-5e0c-aec9-be2f4a75a5f2", "build-runner b289e3ee-d929-5ab1-a66d-57b5d9e07646",
		"dev-cube c4c0fa70-9c9c-5f6e-9c37-21f2d7e3d19b", "batch-worker 329381ab-277e-5a76-a088-3d34c684d2de",
		"analytics 2e4d3c55-300c-595b-b73e-e0dc888f9007",
		"etl-1 781355ba-1a74-533d-a93b-fe794f5d6136", "gpu-infer b0fb05b9-71b9-5262-93d5-668c5402bfeb",
		"report-cube 820c8410-fa3a-5d15-835a-33bd8948d404", "jupyter ba94316d-17da-5308-8260-05ed451f5381",
	}
	var got []string
	for _, dc := range Default().Datacenters {
		got = append(got, dc.Name+" "+dc.ID)
		for _, s := range dc.Servers {
			got = append(got, s.Name+" "+s.ID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default ids (-want +got):\n%s", diff)
	}
}

// oldFormat is a dataset file written before devices existed. The
// simulator's tests serve it too.
func oldFormat(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/old-format.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLoadOldFormat: a file without devices loads and saves back
// unchanged.
func TestLoadOldFormat(t *testing.T) {
	old := oldFormat(t)
	d, err := Load(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(old, buf.String()); diff != "" {
		t.Errorf("saved (-loaded +saved):\n%s", diff)
	}
}

// TestDeviceErrors: each rule about devices, on a copy of the
// default dataset with one thing broken.
func TestDeviceErrors(t *testing.T) {
	web1 := func(d *Dataset) *Server { return &d.Datacenters[0].Servers[0] }
	cases := []struct {
		name   string
		change func(d *Dataset)
		want   string
	}{
		{"volume id of a server", func(d *Dataset) { web1(d).Volumes[0].ID = web1(d).ID },
			`servers[0] "web-1" volumes[0] "web-1-boot": id a7e25b39-4a90-556a-8717-8a99351095d0 is already used by datacenters[0] "production" servers[0] "web-1"`},
		{"NIC id twice", func(d *Dataset) { d.Datacenters[1].Servers[0].NICs[0].ID = web1(d).NICs[0].ID }, "is already used by"},
		{"CD-ROM id of a volume", func(d *Dataset) {
			d.Datacenters[1].Servers[3].CDROMs[0].ID = web1(d).Volumes[0].ID
			d.Datacenters[1].Servers[3].BootDevice = web1(d).Volumes[0].ID
		}, `cdroms[0] "debian-12.8.0-amd64-netinst.iso": id`},
		{"NIC on a missing LAN", func(d *Dataset) { web1(d).NICs[0].LAN = 9 },
			`servers[0] "web-1" nics[0] "eth0": lan 9 does not exist in datacenters[0] "production" (its LANs: 1, 2)`},
		{"boot device of another server", func(d *Dataset) { web1(d).BootDevice = d.Datacenters[0].Servers[1].Volumes[0].ID },
			`servers[0] "web-1": bootDevice "` + Default().Datacenters[0].Servers[1].Volumes[0].ID + `" is not the id of one of the server's volumes or CD-ROMs`},
		{"volume type", func(d *Dataset) { web1(d).Volumes[0].Type = "SSD Standart" }, `unknown type "SSD Standart" (want one of HDD, SSD, SSD Standard, SSD Premium, DAS, ISO)`},
		{"volume size", func(d *Dataset) { web1(d).Volumes[0].Size = 0 }, "size 0 GB: must be between 1 and 65536"},
		{"volume too large", func(d *Dataset) { web1(d).Volumes[0].Size = 100000 }, "size 100000 GB"},
		{"DAS on ENTERPRISE", func(d *Dataset) { web1(d).Volumes[0].Type = VolumeDAS }, "a DAS volume must be attached to a CUBE server"},
		{"unattached DAS", func(d *Dataset) { d.Datacenters[0].Volumes[0].Type = VolumeDAS }, `volumes[0] "db-1-backup-2024-11": a DAS volume`},
		{"bus", func(d *Dataset) { web1(d).Volumes[0].Bus = "SCSI" }, `unknown bus "SCSI"`},
		{"volume zone", func(d *Dataset) { web1(d).Volumes[0].AvailabilityZone = "ZONE_9" }, `unknown availabilityZone "ZONE_9" (want one of AUTO, ZONE_1, ZONE_2, ZONE_3)`},
		{"licence type", func(d *Dataset) { web1(d).Volumes[0].LicenceType = "BSD" }, `unknown licenceType "BSD"`},
		{"image not a UUID", func(d *Dataset) { web1(d).Volumes[0].Image = "ubuntu" }, `image "ubuntu" is not a UUID`},
		{"no image nor licence", func(d *Dataset) {
			web1(d).Volumes[0].Image, web1(d).Volumes[0].LicenceType = "", ""
		}, "needs an image or a licenceType"},
		{"unattached device number", func(d *Dataset) { d.Datacenters[0].Volumes[0].DeviceNumber = 3 }, "only attached volumes have one"},
		{"negative device number", func(d *Dataset) { web1(d).Volumes[0].DeviceNumber = -1 }, "must not be negative"},
		{"device number twice", func(d *Dataset) { d.Datacenters[0].Servers[2].Volumes[1].DeviceNumber = 1 }, "deviceNumber 1 is already used"},
		{"CD-ROM size", func(d *Dataset) { d.Datacenters[1].Servers[3].CDROMs[0].Size = 0 }, "size 0 GB: must be more than 0"},
		{"CD-ROM licence", func(d *Dataset) { d.Datacenters[1].Servers[3].CDROMs[0].LicenceType = "" }, `unknown licenceType ""`},
		{"CD-ROM name", func(d *Dataset) { d.Datacenters[1].Servers[3].CDROMs[0].Name = "" }, "name is missing"},
		{"MAC", func(d *Dataset) { web1(d).NICs[0].MAC = "02:01:zz" }, `mac "02:01:zz" is not a MAC address`},
		{"IP", func(d *Dataset) { web1(d).NICs[0].IPs = []string{"85.215.231.300"} }, `ips "85.215.231.300" is not an IPv4 address`},
		{"IPv6 as IP", func(d *Dataset) { web1(d).NICs[0].IPs = []string{"2001:db8::1"} }, "is not an IPv4 address"},
		{"firewall type", func(d *Dataset) { web1(d).NICs[0].FirewallType = "BOTH" }, `unknown firewallType "BOTH"`},
		{"LAN id", func(d *Dataset) { d.Datacenters[0].LANs[1].ID = "two" }, `lans[1] "backend": id "two" is not a LAN id`},
		{"LAN id 0", func(d *Dataset) { d.Datacenters[0].LANs[1].ID = "0" }, `id "0" is not a LAN id`},
		{"LAN id twice", func(d *Dataset) { d.Datacenters[0].LANs[1].ID = "1" }, "id 1 is already used by another LAN"},
		{"public LAN range", func(d *Dataset) { d.Datacenters[0].LANs[0].IPv4CIDRBlock = "10.1.1.0/24" }, "a public LAN has no ipv4CidrBlock"},
		{"LAN range", func(d *Dataset) { d.Datacenters[0].LANs[1].IPv4CIDRBlock = "10.1.1.0" }, `ipv4CidrBlock "10.1.1.0" is not an IPv4 range`},
		{"failover NIC on another LAN", func(d *Dataset) { d.Datacenters[0].LANs[0].IPFailover[0].NICUUID = web1(d).NICs[1].ID },
			"is not a NIC connected to this LAN"},
		{"failover IP", func(d *Dataset) { d.Datacenters[0].LANs[0].IPFailover[0].IP = "x" }, `ipFailover ip "x" is not an IPv4 address`},
		{"balanced NIC of another data center", func(d *Dataset) {
			d.Datacenters[0].Loadbalancers[0].BalancedNICs[0] = d.Datacenters[1].Servers[0].NICs[0].ID
		}, `loadbalancers[0] "web-lb": balanced NIC`},
		{"balanced NIC twice", func(d *Dataset) {
			lb := &d.Datacenters[0].Loadbalancers[0]
			lb.BalancedNICs[1] = lb.BalancedNICs[0]
		}, "is listed twice"},
		{"load balancer IP", func(d *Dataset) { d.Datacenters[0].Loadbalancers[0].IP = "300.1.1.1" }, `ip "300.1.1.1" is not an IPv4 address`},
		{"load balancer id", func(d *Dataset) { d.Datacenters[0].Loadbalancers[0].ID = "lb" }, `id "lb" is not a UUID`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Default()
			c.change(d)
			err := d.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant one containing %q", err, c.want)
			}
		})
	}
}

// TestLoadUnknownDeviceField: unknown fields stay errors in the new
// parts of the format too.
func TestLoadUnknownDeviceField(t *testing.T) {
	bad := strings.Replace(oldFormat(t), `"ram": 8192`, `"ram": 8192, "volumes": [{"id": "x", "colour": "red"}]`, 1)
	if _, err := Load(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), `unknown field "colour"`) {
		t.Errorf("error %v", err)
	}
}

func TestGenerateDevices(t *testing.T) {
	d := Generate(GenerateOptions{Datacenters: 3, ServersPerDatacenter: 30, Seed: 5})
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, dc := range d.Datacenters {
		if len(dc.LANs) != DefaultLANsPerDatacenter || !dc.LANs[0].Public || dc.LANs[1].IPv4CIDRBlock == "" {
			t.Fatalf("%s: LANs %+v", dc.Name, dc.LANs)
		}
		for _, s := range dc.Servers {
			if len(s.Volumes) != DefaultVolumesPerServer || len(s.NICs) != DefaultNICsPerServer {
				t.Fatalf("%s: %d volumes, %d NICs", s.Name, len(s.Volumes), len(s.NICs))
			}
			boot := s.Volumes[0]
			if s.BootDevice != boot.ID || boot.Image == "" || boot.Name != s.Name+"-boot" {
				t.Errorf("%s: boot %q, first volume %+v", s.Name, s.BootDevice, boot)
			}
			if (s.Type == TypeCube) != (boot.Type == VolumeDAS) {
				t.Errorf("%s (%s): boot volume type %s", s.Name, s.Type, boot.Type)
			}
			if data := s.Volumes[1]; data.Image != "" || data.LicenceType != "UNKNOWN" {
				t.Errorf("%s: data volume %+v", s.Name, data)
			}
		}
	}
	for name, o := range map[string]GenerateOptions{
		"none":         {VolumesPerServer: -1, NICsPerServer: -1, LANsPerDatacenter: -1},
		"no LANs":      {LANsPerDatacenter: -1},
		"more of each": {VolumesPerServer: 4, NICsPerServer: 3, LANsPerDatacenter: 3},
	} {
		o.Datacenters, o.ServersPerDatacenter, o.Seed = 2, 300, 5 // 300: wider than a /24
		d := Generate(o)
		if err := d.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s := d.Datacenters[1].Servers[299]
		wantVols, wantNICs, wantLANs := countOption(o.VolumesPerServer, 2), countOption(o.NICsPerServer, 1), countOption(o.LANsPerDatacenter, 2)
		if wantLANs == 0 {
			wantNICs = 0
		}
		if len(s.Volumes) != wantVols || len(s.NICs) != wantNICs || len(d.Datacenters[1].LANs) != wantLANs {
			t.Errorf("%s: %d volumes, %d NICs, %d LANs", name, len(s.Volumes), len(s.NICs), len(d.Datacenters[1].LANs))
		}
		if (wantVols == 0) != (s.BootDevice == "") {
			t.Errorf("%s: boot device %q with %d volumes", name, s.BootDevice, wantVols)
		}
	}
}

// TestGenerateKeepsIDs: data centers and servers are exactly what they
// were before devices existed, for the same seed, whatever the devices.
// The digests were computed with the generator of the previous release.
func TestGenerateKeepsIDs(t *testing.T) {
	pinned := map[int64]string{
		1: "3e8a888aa82a91a504940f9a4b3a218a6693370cd09ef16c916a1ec7111a7fba",
		7: "b548e47187a9b103a9d2e37d0670d38b336f53ef7e21832e4b7041fa35915cfd",
	}
	for seed, want := range pinned {
		for _, shape := range []GenerateOptions{{}, {VolumesPerServer: -1, NICsPerServer: -1, LANsPerDatacenter: -1}} {
			shape.Datacenters, shape.ServersPerDatacenter, shape.Seed = 500, 20, seed
			if got := computeDigest(Generate(shape)); got != want {
				t.Errorf("seed %d, shape %+v: digest %s, want %s", seed, shape, got, want)
			}
		}
	}
}

// computeDigest hashes what the previous release generated: data centers
// and servers with their properties.
func computeDigest(d *Dataset) string {
	h := sha256.New()
	for _, dc := range d.Datacenters {
		fmt.Fprintln(h, dc.ID, dc.Name, dc.Location)
		for _, s := range dc.Servers {
			fmt.Fprintln(h, s.ID, s.Name, s.Type, s.VMState, s.CPUFamily, s.AvailabilityZone, s.Cores, s.RAM)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDocsExample: the dataset file example of docs/simulator.md
// loads, and its devices are those of the default dataset.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/simulator.md")
	if err != nil {
		t.Skipf("docs not found: %v", err)
	}
	_, rest, ok := strings.Cut(string(doc), "### Dataset files")
	_, rest, ok2 := strings.Cut(rest, "```json\n")
	example, _, ok3 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("no JSON example under ### Dataset files")
	}
	d, err := Load(strings.NewReader(example))
	if err != nil {
		t.Fatalf("the docs' example does not load: %v", err)
	}
	def := Default().Datacenters[0]
	got := d.Datacenters[0]
	if got.Servers[0].Volumes[0] != def.Servers[0].Volumes[0] || !cmp.Equal(got.Servers[0].NICs[0], def.Servers[0].NICs[0]) ||
		got.Servers[0].BootDevice != def.Servers[0].BootDevice || !cmp.Equal(got.LANs[1], def.LANs[1]) {
		t.Errorf("the docs' example differs from the default dataset:\n%+v\n%+v", got.Servers[0], def.Servers[0])
	}
}
