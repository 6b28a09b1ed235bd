package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
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
// grouped by data center, empty data centers included.
func printInventory(w io.Writer, raw json.RawMessage) error {
	var inv inventory
	if err := json.Unmarshal(raw, &inv); err != nil {
		return fmt.Errorf("reading list_servers result: %w", err)
	}
	if inv.Note != "" {
		fmt.Fprintln(w, inv.Note)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATA CENTER\tLOCATION\tSERVER\tTYPE\tVMSTATE\tSTATE\tCORES\tRAM MB\tID")
	shown := 0
	for _, dc := range inv.Datacenters {
		if len(dc.Servers) == 0 {
			none := "(no servers)"
			if dc.ServerCount > 0 {
				none = fmt.Sprintf("(%d servers on other pages)", dc.ServerCount)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\t\t\t\n", dc.Name, dc.Location, none)
		}
		for _, s := range dc.Servers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dc.Name, dc.Location, s.Name, s.Type, s.VMState, s.State,
				orDash(s.Cores), orDash(s.RAM), s.ID)
		}
		shown += len(dc.Servers)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if inv.Next != "" {
		fmt.Fprintf(w, "(servers %d-%d of %d shown; for the next page add \"cursor\":%q to the arguments)\n",
			inv.Offset+min(shown, 1), inv.Offset+shown, inv.Total, inv.Next)
	}
	return nil
}

// printDatacenters prints the result of list_datacenters as a table.
func printDatacenters(w io.Writer, raw json.RawMessage) error {
	var out struct {
		Datacenters []cloud.Datacenter `json:"datacenters"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("reading list_datacenters result: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLOCATION\tSTATE\tID")
	for _, d := range out.Datacenters {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Location, d.State, d.ID)
	}
	return tw.Flush()
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
