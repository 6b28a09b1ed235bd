package dataset

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefault(t *testing.T) {
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(d, Default()) {
		t.Fatal("Default is not deterministic")
	}
	locations := map[string]bool{}
	types := map[string]bool{}
	states := map[string]bool{}
	names := map[string]int{}
	for _, dc := range d.Datacenters {
		locations[dc.Location] = true
		for _, s := range dc.Servers {
			types[s.Type] = true
			states[s.VMState] = true
			names[s.Name]++
			if (s.Type == TypeCube || s.Type == TypeVCPU) && s.CPUFamily != "" {
				t.Errorf("%s/%s: %s with a cpuFamily", dc.Name, s.Name, s.Type)
			}
		}
	}
	if len(d.Datacenters) < 3 || len(locations) < 3 {
		t.Errorf("%d data centers in %d locations, want at least 3 of each", len(d.Datacenters), len(locations))
	}
	if n := d.ServerCount(); n < 12 {
		t.Errorf("%d servers, want at least 12", n)
	}
	for _, want := range []string{TypeEnterprise, TypeVCPU, TypeCube, TypeGPU} {
		if !types[want] {
			t.Errorf("no %s server", want)
		}
	}
	for _, want := range []string{VMRunning, VMShutoff, VMSuspended} {
		if !states[want] {
			t.Errorf("no %s server", want)
		}
	}
	if names["web-1"] != 2 {
		t.Errorf("web-1 appears %d times, want 2 (in two data centers)", names["web-1"])
	}
}

// TestDefaultExact pins what other packages' tests rely on.
func TestDefaultExact(t *testing.T) {
	var got []string
	for _, dc := range Default().Datacenters {
		got = append(got, dc.Name+" "+dc.Location)
		for _, s := range dc.Servers {
			got = append(got, "  "+s.Name+" "+s.Type+" "+s.VMState)
		}
	}
	want := []string{
		"production de/fra", "  web-1 ENTERPRISE RUNNING", "  web-2 ENTERPRISE RUNNING", "  db-1 ENTERPRISE RUNNING",
		"  cache-cube CUBE RUNNING", "  gpu-train GPU RUNNING",
		"staging de/txl", "  web-1 VCPU RUNNING", "  build-runner VCPU SHUTOFF", "  dev-cube CUBE SUSPENDED", "  batch-worker ENTERPRISE SHUTOFF",
		"analytics us/las", "  etl-1 ENTERPRISE RUNNING", "  gpu-infer GPU SUSPENDED", "  report-cube CUBE RUNNING", "  jupyter VCPU RUNNING",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default dataset (-want +got):\n%s", diff)
	}
	if id := Default().Datacenters[0].ID; id != "6555a419-dfea-5e7e-a304-5a25af9434af" {
		t.Errorf("production id changed to %s: other tests and docs may rely on it", id)
	}
}

func TestGenerate(t *testing.T) {
	// How long it takes is BenchmarkGenerate's to say (internal/sim).
	d := Generate(GenerateOptions{Datacenters: 500, ServersPerDatacenter: 20, Seed: 7})
	if n := d.ServerCount(); n != 10_000 {
		t.Fatalf("%d servers", n)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	// reflect.DeepEqual: cmp walks 50,000 resources far more slowly.
	if !reflect.DeepEqual(d, Generate(GenerateOptions{Datacenters: 500, ServersPerDatacenter: 20, Seed: 7})) {
		t.Error("same options, different datasets")
	}
	if cmp.Equal(d.Datacenters[0], Generate(GenerateOptions{Datacenters: 1, ServersPerDatacenter: 20, Seed: 8}).Datacenters[0]) {
		t.Error("different seeds, same dataset")
	}
	if d.Datacenters[41].Name != "dc-0042" || d.Datacenters[41].Servers[6].Name != "srv-0042-0007" {
		t.Errorf("names %s %s", d.Datacenters[41].Name, d.Datacenters[41].Servers[6].Name)
	}
	mix := map[string]int{}
	locations := map[string]bool{}
	for _, dc := range d.Datacenters {
		locations[dc.Location] = true
		for _, s := range dc.Servers {
			mix[s.Type+" "+s.VMState]++
		}
	}
	for _, want := range []string{"ENTERPRISE RUNNING", "ENTERPRISE SHUTOFF", "VCPU RUNNING", "VCPU SHUTOFF", "CUBE RUNNING", "CUBE SUSPENDED", "GPU RUNNING", "GPU SUSPENDED"} {
		if mix[want] == 0 {
			t.Errorf("no %s server in %v", want, mix)
		}
	}
	if mix["ENTERPRISE RUNNING"]+mix["VCPU RUNNING"] < 5000 {
		t.Errorf("mix %v: want mostly running ENTERPRISE and VCPU", mix)
	}
	if len(locations) != 10 {
		t.Errorf("%d locations, want 10", len(locations))
	}
}

func TestRoundTrip(t *testing.T) {
	for _, d := range []*Dataset{Default(), Generate(GenerateOptions{Datacenters: 3, ServersPerDatacenter: 4, Seed: 1})} {
		var buf bytes.Buffer
		if err := d.Save(&buf); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(buf.String(), "{\n  \"datacenters\"") {
			t.Errorf("not indented: %.40s", buf.String())
		}
		back, err := Load(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, back); diff != "" {
			t.Errorf("round trip (-saved +loaded):\n%s", diff)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	const dc = `"id":"6555a419-dfea-5e7e-a304-5a25af9434af","name":"prod","location":"de/fra"`
	const srv = `"name":"web","type":"ENTERPRISE","vmState":"RUNNING","cores":1,"ram":1024`
	cases := map[string]struct{ json, want string }{
		"not JSON":         {`{`, "decode JSON"},
		"unknown field":    {`{"datacenters":[],"colour":1}`, "unknown field"},
		"trailing data":    {`{"datacenters":[]} {}`, "after the JSON"},
		"malformed uuid":   {`{"datacenters":[{"id":"dc-1","name":"x","location":"de/fra","servers":[]}]}`, `datacenters[0] "x": id "dc-1" is not a UUID`},
		"duplicate id":     {`{"datacenters":[{` + dc + `,"servers":[{"id":"6555a419-dfea-5e7e-a304-5a25af9434af",` + srv + `}]}]}`, `servers[0] "web": id 6555a419-dfea-5e7e-a304-5a25af9434af is already used by datacenters[0] "prod"`},
		"missing name":     {`{"datacenters":[{"id":"6555a419-dfea-5e7e-a304-5a25af9434af","location":"de/fra","servers":[]}]}`, "name is missing"},
		"missing location": {`{"datacenters":[{"id":"6555a419-dfea-5e7e-a304-5a25af9434af","name":"x","servers":[]}]}`, "location is missing"},
		"unknown type":     {`{"datacenters":[{` + dc + `,"servers":[{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","name":"web","type":"MAINFRAME","vmState":"RUNNING","cores":1,"ram":1024}]}]}`, `servers[0] "web": unknown type "MAINFRAME"`},
		"unknown vmState":  {`{"datacenters":[{` + dc + `,"servers":[{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","name":"web","type":"VCPU","vmState":"ASLEEP","cores":1,"ram":1024}]}]}`, `unknown vmState "ASLEEP"`},
		"cube cpuFamily":   {`{"datacenters":[{` + dc + `,"servers":[{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","name":"c","type":"CUBE","vmState":"RUNNING","cpuFamily":"AMD_EPYC","cores":1,"ram":1024}]}]}`, "cpuFamily must be empty"},
		"no cores":         {`{"datacenters":[{` + dc + `,"servers":[{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","name":"c","type":"VCPU","vmState":"RUNNING","ram":1024}]}]}`, "cores 0"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(strings.NewReader(c.json))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestValidateCapsProblems(t *testing.T) {
	d := Generate(GenerateOptions{Datacenters: 1, ServersPerDatacenter: 50, VolumesPerServer: -1, NICsPerServer: -1})
	for i := range d.Datacenters[0].Servers {
		d.Datacenters[0].Servers[i].Type = "BAD"
	}
	err := d.Validate()
	if err == nil || !strings.Contains(err.Error(), "and 30 more problems") {
		t.Errorf("error %v", err)
	}
}
