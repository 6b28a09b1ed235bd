package cli

import (
	"io"
	"strings"
	"testing"
)

// demo --datacenter plays both prompts in that one data center: the
// listing asks for it, and the stop takes a server there that can stop
// (the default etl-1 lives elsewhere) unless --server names one.
func TestDemoDatacenter(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		want   []string
		unwant []string
	}{
		{"picked server", []string{"--datacenter", "staging"},
			[]string{`"List the servers of my IONOS Cloud data center staging`, `→ tool call: list_servers {"datacenter":"staging"}`,
				"build-runner", "1 data center, 4 servers: 1 tool call", `→ tool call: stop_server {"datacenter":"staging","server":"web-1"}`,
				`"web-1" in "staging" was confirmed by you`, "is now SHUTOFF"},
			[]string{"etl-1", "production"}},
		{"named server", []string{"--datacenter", "analytics", "--server", "jupyter"},
			[]string{`stop_server {"datacenter":"analytics","server":"jupyter"}`, `"jupyter" in "analytics"`, "is now SHUTOFF"},
			[]string{"staging"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", append([]string{"demo", "--yes", "--time-scale", "0.002"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			contains(t, "demo", out, tt.want, tt.unwant)
		})
	}
	code, out, errs := run(t, "", "demo", "--yes", "--datacenter", "nowhere")
	if code != 1 || out != "" {
		t.Fatalf("unknown data center: exit %d\n%s", code, out)
	}
	contains(t, "stderr", errs, []string{`demo --datacenter "nowhere": the demo data has no such data center`, "production, staging, analytics"}, nil)
}

// One time-scale rule: the standalone sim keeps the real API's pace, the
// simulator embedded in demo and the --sim commands runs ten times faster,
// and every time-scale flag says so in the same words.
func TestTimeScaleStory(t *testing.T) {
	root := newRootCmd(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	for _, tt := range []struct {
		cmd, flag, def string
	}{
		{"sim", "time-scale", "1"},
		{"demo", "time-scale", "0.1"},
		{"call", "sim-time-scale", "0.1"},
		{"tools", "sim-time-scale", "0.1"},
		{"serve", "sim-time-scale", "0.1"},
		{"doctor", "sim-time-scale", "0.1"},
	} {
		cmd, _, err := root.Find([]string{tt.cmd})
		if err != nil {
			t.Fatal(err)
		}
		fl := cmd.Flags().Lookup(tt.flag)
		if fl == nil {
			t.Errorf("%s has no --%s", tt.cmd, tt.flag)
			continue
		}
		if fl.DefValue != tt.def || !strings.HasSuffix(fl.Usage, timeScaleHelp) {
			t.Errorf("%s --%s: default %s, help %q; want %s and the shared help", tt.cmd, tt.flag, fl.DefValue, fl.Usage, tt.def)
		}
	}
	if !strings.Contains(timeScaleHelp, "sim defaults to 1, the simulator embedded in demo and --sim to 0.1") {
		t.Errorf("the help does not state the rule: %q", timeScaleHelp)
	}
	for _, args := range [][]string{
		{"demo", "--yes", "--time-scale", "0"},
		{"call", "--sim", "--sim-time-scale", "-1", "list_servers"},
	} {
		code, _, errs := run(t, "", args...)
		if code != 1 || !strings.Contains(errs, "time-scale") || !strings.Contains(errs, "must be a number greater than 0") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
}
