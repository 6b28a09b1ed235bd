package cli

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

func TestWrapText(t *testing.T) {
	long := "Stopping is a forced power-off, like pulling the plug: the operating system is not shut down and unsaved data is lost."
	id := "781355ba-1a74-533d-a93b-fe794f5d6136"
	for _, tt := range []struct {
		name, in string
		width    int
		want     string
	}{
		{"short line untouched", "DONE in 2s.", 80, "DONE in 2s."},
		{"between words", long, 40,
			"Stopping is a forced power-off, like\npulling the plug: the operating system\nis not shut down and unsaved data is\nlost."},
		{"a word longer than the width stays whole", "request " + id + " DONE", 20, "request\n" + id + "\nDONE"},
		{"an item continues under its text", "- production/cache-cube: server is a CUBE server", 30,
			"- production/cache-cube:\n  server is a CUBE server"},
		{"lines kept", "a b c\n\nd e f", 3, "a b\nc\n\nd e\nf"},
		{"indent kept", "  arguments: cursor, datacenter, filter", 25, "  arguments: cursor,\n  datacenter, filter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapText(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("wrapText(%d):\n%s\nwant:\n%s", tt.width, got, tt.want)
			}
			if flat(got) != flat(tt.in) {
				t.Errorf("words changed: %q", got)
			}
		})
	}
}

// checkWidth fails the test for each line of text wider than width.
func checkWidth(t *testing.T, what, text string, width int) {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("%s, line %d: %d runes, more than %d:\n%s", what, i+1, n, width, line)
		}
	}
}

// The human output fits 80 columns for the demo data: tables drop the id
// (and the location) and say so; prose and prompts wrap between words.
// (The indented JSON that other tools print is data, and is not wrapped.)
func TestOutputFits80(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--yes", "--time-scale", "0.002"},
		{"demo", "--yes", "--time-scale", "0.002", "--datacenter", "production", "--server", "db-1"},
		{"call", "--sim", "list_servers"},
		{"call", "--sim", "list_servers", "vm_state=SUSPENDED"},
		{"call", "--sim", "list_datacenters"},
		{"call", "--sim", "--yes", "power_servers", "action=stop", "datacenter=production", "vm_state=RUNNING"},
		{"tools", "--sim"},
		{"call"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("COLUMNS", "")
			code, out, errs := run(t, "", append([]string{"--log-level", "error"}, args...)...)
			want := 0
			if len(args) == 1 { // a bare call, which shows its usage
				want = 2
			}
			if code != want {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, want, out, errs)
			}
			checkWidth(t, "stdout", out, 80)
			checkWidth(t, "stderr", errs, 80)
		})
	}
	_, out, _ := run(t, "", "call", "--sim", "list_servers")
	contains(t, "list_servers at 80 columns", out, []string{"DATA CENTER  SERVER", "(LOCATION and ID left out to fit 80 columns; COLUMNS=122 shows them)"},
		[]string{"a7e25b39-4a90-556a-8717-8a99351095d0"})
}

// A wide COLUMNS shows every column, the id included: the narrow layout
// follows the width, it is not the only one.
func TestWideColumnsShowIDs(t *testing.T) {
	t.Setenv("COLUMNS", "160")
	_, out, _ := run(t, "", "call", "--sim", "list_servers")
	contains(t, "list_servers at 160 columns", out, []string{"LOCATION", "ID", "a7e25b39-4a90-556a-8717-8a99351095d0"}, []string{"left out"})
	_, out, _ = run(t, "", "call", "--sim", "list_datacenters")
	contains(t, "list_datacenters at 160 columns", out, []string{"6555a419-dfea-5e7e-a304-5a25af9434af"}, []string{"left out"})
}

// A set of 200 servers, listed, then stopped: every line fits 80 columns,
// and every server has its row.
func TestOutputFits80For200Servers(t *testing.T) {
	s := startTestSim(t, sim.Options{Token: "tok", Dataset: sim.Generate(sim.GenerateOptions{Datacenters: 10, ServersPerDatacenter: 20, Seed: 1})})
	isolate(t)
	t.Setenv("COLUMNS", "")
	t.Setenv("IONOS_API_URL", s.URL)
	t.Setenv("IONOS_TOKEN", "tok")
	for _, tt := range []struct {
		words []string
		rows  string // a word every server row holds
	}{
		{[]string{"list_servers"}, "srv-"},
		{[]string{"--confirm", "none", "power_servers", "action=reboot", "name_pattern=srv-*"}, "srv-"},
	} {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			code, out, errs := runIn(t, "", append([]string{"--env-file", "", "--log-level", "error", "call"}, tt.words...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			checkWidth(t, "stdout", out, 80)
			checkWidth(t, "stderr", errs, 80)
			rows := 0
			for line := range strings.SplitSeq(out, "\n") {
				if strings.HasPrefix(line, "dc-") && strings.Contains(line, tt.rows) {
					rows++
				}
			}
			if rows != 200 {
				t.Errorf("%d server rows, want 200:\n%s", rows, out)
			}
		})
	}
}

// Past the columns it may drop, a table cuts its widest name column short,
// marked with an ellipsis, rather than overflow.
func TestTableShrinksNames(t *testing.T) {
	tb := &table{header: []string{"DATA CENTER", "SERVER", "ID"}, drop: []int{2}, shrink: []int{0, 1}}
	tb.add("a-data-center-with-a-very-long-name", "a-server-with-an-even-longer-name-than-that", "781355ba-1a74-533d-a93b-fe794f5d6136")
	var b strings.Builder
	fitted, err := tb.render(&b, 40)
	if err != nil {
		t.Fatal(err)
	}
	checkWidth(t, "table", b.String(), 40)
	if !strings.Contains(b.String(), "…") || len(fitted.dropped) != 1 || fitted.dropped[0] != "ID" {
		t.Errorf("dropped %v:\n%s", fitted.dropped, b.String())
	}
}
