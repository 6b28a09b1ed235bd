package tools

import (
	"fmt"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// textResult is the result whose text content is text, the compact form
// for the model; structuredContent is added by the SDK from the typed
// output. With IONOS_MCP_TEXT=json the text is that JSON instead.
func (t *toolset) textResult(text string) *mcp.CallToolResult {
	if t.TextJSON {
		return nil
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}
}

// inventoryText renders a list_servers page for a model: a line per data
// center, then a line per server under it (about 80 bytes), then how to
// get the next page.
func inventoryText(out ListServersOutput, filtered bool) string {
	var b strings.Builder
	if out.Note != "" {
		b.WriteString(out.Note)
		b.WriteByte('\n')
	}
	what := "servers"
	if filtered {
		what = "matching servers"
	}
	fmt.Fprintf(&b, "%d %s in %d data centers", out.Total, what, out.DatacenterTotal)
	if out.Next != "" || out.Offset > 0 {
		n := 0
		for _, dc := range out.Datacenters {
			n += len(dc.Servers)
		}
		fmt.Fprintf(&b, "; this page: %d-%d", out.Offset+min(n, 1), out.Offset+n)
	}
	b.WriteString(".\n")
	for _, dc := range out.Datacenters {
		writeDatacenterLine(&b, dc, what)
		for _, s := range dc.Servers {
			writeServerLine(&b, s)
		}
	}
	if out.Next != "" {
		fmt.Fprintf(&b, "More: call list_servers again with cursor=%q and the same filters.\n", out.Next)
	}
	return b.String()
}

func writeDatacenterLine(b *strings.Builder, dc DatacenterServers, what string) {
	fmt.Fprintf(b, "%s (%s) %s: ", dc.Name, dc.Location, dc.ID)
	if dc.ServerCount == 0 {
		fmt.Fprintf(b, "no %s\n", what)
		return
	}
	fmt.Fprintf(b, "%d %s", dc.ServerCount, what)
	if len(dc.VMStates) > 0 {
		b.WriteString(" (")
		b.WriteString(stateCounts(dc.VMStates))
		b.WriteByte(')')
	}
	b.WriteByte('\n')
}

// stateCounts lists counts by vmState, the most frequent first.
func stateCounts(m map[string]int) string {
	states := sortedKeys(m)
	sort.SliceStable(states, func(i, j int) bool { return m[states[i]] > m[states[j]] })
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = fmt.Sprintf("%d %s", m[s], s)
	}
	return strings.Join(parts, ", ")
}

// writeServerLine writes "  name id TYPE VMSTATE [state] 4c/8GB". The
// resource state is shown only when it says more than the vmState does.
func writeServerLine(b *strings.Builder, s ServerSummary) {
	fmt.Fprintf(b, "  %s %s %s %s", s.Name, s.ID, orDashText(s.Type), orDashText(s.VMState))
	switch s.State {
	case "", "AVAILABLE", "INACTIVE", "SUSPENDED":
	default:
		b.WriteByte(' ')
		b.WriteString(s.State)
	}
	if s.Cores > 0 || s.RAM > 0 {
		fmt.Fprintf(b, " %dc/%s", s.Cores, ramText(s.RAM))
	}
	b.WriteByte('\n')
}

func ramText(mb int) string {
	if mb > 0 && mb%1024 == 0 {
		return fmt.Sprintf("%dGB", mb/1024)
	}
	return fmt.Sprintf("%dMB", mb)
}

func orDashText(v string) string {
	if v == "" {
		return "-"
	}
	return v
}
