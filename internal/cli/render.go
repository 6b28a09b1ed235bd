package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// inventory is the structured result of list_servers, as the CLI reads it.
type inventory struct {
	Datacenters []struct {
		ID          string         `json:"id"`
		Name        string         `json:"name"`
		Location    string         `json:"location"`
		ServerCount int            `json:"serverCount"`
		Servers     []cloud.Server `json:"servers"`
	} `json:"datacenters"`
	DatacenterTotal int    `json:"datacenterTotal"`
	Total           int    `json:"total"`
	Offset          int    `json:"offset"`
	Next            string `json:"next"`
	Note            string `json:"note"`
}

// printInventory prints data centers and their servers as one table,
// grouped by data center, empty data centers included, fitted to width.
// filter describes the filters of the call ("" for none): then the counts
// are of matching servers only, and a data center without any is not said
// to be empty.
func printInventory(w io.Writer, raw json.RawMessage, filter string, width int) error {
	var inv inventory
	if err := json.Unmarshal(raw, &inv); err != nil {
		return fmt.Errorf("reading list_servers result: %w", err)
	}
	if inv.Note != "" {
		printWrapped(w, width, "%s", inv.Note)
	}
	// The id goes first when the width is short: names are what people
	// read and what the tools take; the location and the state follow.
	t := &table{
		header: []string{"DATA CENTER", "LOCATION", "SERVER", "TYPE", "VMSTATE", "STATE", "CORES", "RAM MB", "ID"},
		drop:   []int{8, 1, 5},
		shrink: []int{0, 2},
	}
	shown := 0
	for _, dc := range inv.Datacenters {
		if len(dc.Servers) == 0 {
			t.addNote(emptyNote(dc.ServerCount, filter), dc.Name, dc.Location)
		}
		for _, s := range dc.Servers {
			t.add(dc.Name, dc.Location, s.Name, s.Type, s.VMState, s.State, orDash(s.Cores), orDash(s.RAM), s.ID)
		}
		shown += len(dc.Servers)
	}
	fitted, err := t.render(w, width)
	if err != nil {
		return err
	}
	if filter != "" && inv.Total == 0 && len(inv.Datacenters) > 0 {
		printWrapped(w, width, "(no server in these %d data centers matched the filter %s)", len(inv.Datacenters), filter)
	}
	droppedNote(w, width, fitted)
	if inv.Next != "" {
		printWrapped(w, width, "(servers %d-%d of %d shown; for the next page add \"cursor\":%q to the arguments)",
			inv.Offset+min(shown, 1), inv.Offset+shown, inv.Total, inv.Next)
	}
	return nil
}

// emptyNote says why a data center shows no server.
func emptyNote(count int, filter string) string {
	switch {
	case count > 0 && filter != "":
		return fmt.Sprintf("(%d matching servers on other pages)", count)
	case count > 0:
		return fmt.Sprintf("(%d servers on other pages)", count)
	case filter != "":
		return "(none match the filter)"
	}
	return "(no servers)"
}

// printDatacenters prints the result of list_datacenters as a table.
func printDatacenters(w io.Writer, raw json.RawMessage, width int) error {
	var out struct {
		Datacenters []cloud.Datacenter `json:"datacenters"`
		Note        string             `json:"note"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("reading list_datacenters result: %w", err)
	}
	if out.Note != "" {
		printWrapped(w, width, "%s", out.Note)
	}
	t := &table{header: []string{"NAME", "LOCATION", "STATE", "ID"}, drop: []int{3}, shrink: []int{0}}
	for _, d := range out.Datacenters {
		t.add(d.Name, d.Location, d.State, d.ID)
	}
	fitted, err := t.render(w, width)
	if err != nil {
		return err
	}
	droppedNote(w, width, fitted)
	return nil
}

// filterText describes the filters among the arguments of list_servers,
// as they were given, or "" when there are none. The data center is a
// scope, not a filter: its rows are the ones shown.
func filterText(args map[string]any) string {
	var parts []string
	for _, k := range []string{"vm_state", "name"} {
		if v, ok := args[k].(string); ok && v != "" {
			parts = append(parts, fmt.Sprintf("%s=%q", k, v))
		}
	}
	if m, ok := args["filter"].(map[string]any); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("filter.%s=%q", k, fmt.Sprint(m[k])))
		}
	}
	return strings.Join(parts, " ")
}

func orDash(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// indentJSON pretty-prints raw JSON, or returns it as it is when it is not JSON.
func indentJSON(raw []byte) string {
	var b strings.Builder
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimRight(b.String(), "\n")
}

// printSet prints the result of power_servers: its message, a row per
// selected server with its plan and, once run, its result, then the
// reasons and messages of the servers that have one, below the table so
// that it stays narrow.
func printSet(w io.Writer, raw json.RawMessage, width int) error {
	var out tools.SetOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("reading power_servers result: %w", err)
	}
	printWrapped(w, width, "%s: %s", out.Status, out.Message)
	t := &table{
		header: []string{"DATA CENTER", "SERVER", "TYPE", "VMSTATE", "PLAN", "RESULT", "REQUEST"},
		drop:   []int{6, 2},
		shrink: []int{0, 1},
	}
	for _, it := range out.Servers {
		t.add(it.Datacenter, it.Server, it.Type, it.VMState, it.Plan, orText(it.Status, "-"), orText(it.RequestID, "-"))
	}
	fitted, err := t.render(w, width)
	if err != nil {
		return err
	}
	for _, it := range out.Servers {
		if note := orText(it.Message, it.Reason); note != "" {
			printWrapped(w, width, "- %s/%s: %s", it.Datacenter, it.Server, note)
		}
	}
	droppedNote(w, width, fitted)
	if out.Token != "" {
		fmt.Fprintf(w, "confirmation_token: %s\n", out.Token)
	}
	return nil
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
