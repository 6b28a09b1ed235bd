package dataset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultLabels pins the default dataset's labels: other packages'
// tests select servers by them.
func TestDefaultLabels(t *testing.T) {
	got := map[string]map[string]string{}
	for _, dc := range Default().Datacenters {
		for _, s := range dc.Servers {
			got[dc.Name+"/"+s.Name] = s.Labels
		}
	}
	l := func(env, role string) map[string]string { return map[string]string{"env": env, "role": role} }
	want := map[string]map[string]string{
		"production/web-1":      l("production", "web"),
		"production/web-2":      l("production", "web"),
		"production/db-1":       l("production", "db"),
		"production/cache-cube": l("production", "cache"),
		"production/gpu-train":  l("production", "gpu"),
		"staging/web-1":         l("staging", "web"),
		"staging/build-runner":  l("staging", "build"),
		"staging/dev-cube":      l("staging", "dev"),
		"staging/batch-worker":  l("staging", "batch"),
		"analytics/etl-1":       l("analytics", "etl"),
		"analytics/gpu-infer":   l("analytics", "gpu"),
		"analytics/report-cube": l("analytics", "report"),
		"analytics/jupyter":     l("analytics", "notebook"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default labels (-want +got):\n%s", diff)
	}
}

// TestGenerateLabels: every generated server has an env label shared by
// its data center and a role label; both are deterministic, vary, and do
// not depend on the device options.
func TestGenerateLabels(t *testing.T) {
	o := GenerateOptions{Datacenters: 6, ServersPerDatacenter: 200, Seed: 5}
	d := Generate(o)
	envs := map[string]int{}
	roles := map[string]int{}
	for _, dc := range d.Datacenters {
		env := dc.Servers[0].Labels["env"]
		envs[env]++
		for _, s := range dc.Servers {
			if len(s.Labels) != 2 || s.Labels["env"] != env {
				t.Fatalf("%s/%s: labels %v, want env=%s and a role", dc.Name, s.Name, s.Labels, env)
			}
			roles[s.Labels["role"]]++
		}
	}
	if want := map[string]int{"production": 2, "staging": 2, "dev": 2}; !cmp.Equal(envs, want) {
		t.Errorf("data centers by env %v, want %v", envs, want)
	}
	for _, r := range []string{"web", "worker", "db", "cache", "build"} {
		if n := roles[r]; n < 50 || n > 500 {
			t.Errorf("%d servers with role=%s in %v", n, r, roles)
		}
	}
	if len(roles) != 5 {
		t.Errorf("roles %v", roles)
	}
	labels := func(d *Dataset) []map[string]string {
		var out []map[string]string
		for _, dc := range d.Datacenters {
			for _, s := range dc.Servers {
				out = append(out, s.Labels)
			}
		}
		return out
	}
	if !cmp.Equal(labels(d), labels(Generate(o))) {
		t.Error("same options, different labels")
	}
	bare := o
	bare.VolumesPerServer, bare.NICsPerServer, bare.LANsPerDatacenter = -1, -1, -1
	if !cmp.Equal(labels(d), labels(Generate(bare))) {
		t.Error("the device options changed the labels")
	}
	starts := map[string]bool{}
	for seed := range int64(12) {
		starts[Generate(GenerateOptions{Datacenters: 1, ServersPerDatacenter: 1, Seed: seed}).Datacenters[0].Servers[0].Labels["env"]] = true
	}
	if len(starts) != 3 {
		t.Errorf("the first data center's env over 12 seeds: %v, want all three", starts)
	}
}

func TestCheckLabel(t *testing.T) {
	for _, k := range []string{"env", "a", "team.name", "k8s_pool-1", "Env", strings.Repeat("k", MaxLabelKeyLength), "1st"} {
		if err := CheckLabelKey(k); err != nil {
			t.Errorf("key %q: %v", k, err)
		}
	}
	for k, want := range map[string]string{
		"":                                       "missing",
		"my key":                                 "only letters",
		"a:b":                                    "only letters",
		"a/b":                                    "only letters",
		"ümlaut":                                 "start with",
		"x\x00":                                  "only letters",
		"-x":                                     "start with",
		".":                                      "start with",
		strings.Repeat("k", MaxLabelKeyLength+1): "at most 128",
	} {
		if err := CheckLabelKey(k); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("key %q: %v, want an error saying %q", k, err, want)
		}
	}
	for _, v := range []string{"production", "Shop team (EU)", "ü", "a:b/c=d", strings.Repeat("é", MaxLabelValueLength)} {
		if err := CheckLabelValue(v); err != nil {
			t.Errorf("value %q: %v", v, err)
		}
	}
	for v, want := range map[string]string{
		"":         "missing",
		" \t":      "missing",
		"a\nb":     "control character",
		"bell\x07": "control character",
		"c1\u0085": "control character",
		"\xff":     "UTF-8",
		strings.Repeat("v", MaxLabelValueLength+1): "at most 256",
	} {
		if err := CheckLabelValue(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("value %q: %v, want an error saying %q", v, err, want)
		}
	}
}

// TestLoadRejectsBadLabels: a dataset file's labels are checked like the
// API checks a new label, and the message names the server.
func TestLoadRejectsBadLabels(t *testing.T) {
	const head = `{"datacenters":[{"id":"6555a419-dfea-5e7e-a304-5a25af9434af","name":"prod","location":"de/fra","servers":[` +
		`{"id":"a7e25b39-4a90-556a-8717-8a99351095d0","name":"web","type":"VCPU","vmState":"RUNNING","cores":1,"ram":1024,"labels":`
	_, err := Load(strings.NewReader(head + `{"b key":"x","a":"bell\u0007","ok":"fine"}}]}]}`))
	if err == nil {
		t.Fatal("bad labels accepted")
	}
	msg := err.Error()
	first := strings.Index(msg, `servers[0] "web": label value "bell\a" holds a control character`)
	second := strings.Index(msg, `servers[0] "web": label key "b key": only letters`)
	if first < 0 || second < first || strings.Contains(msg, "ok") {
		t.Errorf("error %q: want the two bad labels, in key order", msg)
	}
	d, err := Load(strings.NewReader(head + `{"env":"prod"}}]}]}`))
	if err != nil || d.Datacenters[0].Servers[0].Labels["env"] != "prod" {
		t.Errorf("good labels: %v %v", d, err)
	}
}

func TestCloneCopiesLabels(t *testing.T) {
	d := Default()
	c := d.Clone()
	c.Datacenters[0].Servers[0].Labels["env"] = "changed"
	if got := d.Datacenters[0].Servers[0].Labels["env"]; got != "production" {
		t.Errorf("changing a clone's labels changed the original: %s", got)
	}
}
