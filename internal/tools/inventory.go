package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/paging"
	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

// ListServersInput is the input of list_servers.
type ListServersInput struct {
	Datacenter string            `json:"datacenter,omitempty" jsonschema:"data center name or id; omit for all data centers"`
	VMState    string            `json:"vm_state,omitempty" jsonschema:"only servers in this vmState: RUNNING, SHUTOFF, SUSPENDED, PAUSED, SHUTDOWN, CRASHED, BLOCKED or NOSTATE"`
	Name       string            `json:"name,omitempty" jsonschema:"only servers whose name contains this text (any case)"`
	Filter     map[string]string `json:"filter,omitempty" jsonschema:"only servers whose property contains the value (any case); properties: type, state, cores, ram, cpuFamily, availabilityZone"`
	Limit      *int              `json:"limit,omitempty" jsonschema:"max servers per page, 1-1000 (default 500)"`
	Cursor     string            `json:"cursor,omitempty" jsonschema:"next from the previous page, passed back unchanged with the same filters"`
	Offset     int               `json:"offset,omitempty" jsonschema:"skip this many matching servers; cursor is cheaper for walking pages"`
}

// ServerSummary is a server as list_servers shows it: its data center is
// the group it is listed under.
type ServerSummary struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Type             string `json:"type,omitempty"`
	VMState          string `json:"vmState,omitempty"`
	State            string `json:"state,omitempty"`
	Cores            int    `json:"cores,omitempty"`
	RAM              int    `json:"ram,omitempty" jsonschema:"MB"`
	CPUFamily        string `json:"cpuFamily,omitempty"`
	AvailabilityZone string `json:"availabilityZone,omitempty"`
}

// DatacenterServers is a data center and its servers on one page.
type DatacenterServers struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Location    string          `json:"location"`
	ServerCount int             `json:"serverCount" jsonschema:"its servers that match, across all pages"`
	VMStates    map[string]int  `json:"vmStates,omitempty" jsonschema:"first page only: its matching servers by vmState"`
	Servers     []ServerSummary `json:"servers" jsonschema:"its servers on this page"`
}

// ListServersOutput is the result of list_servers.
type ListServersOutput struct {
	Datacenters     []DatacenterServers `json:"datacenters" jsonschema:"first page: every data center, with counts; later pages: the data centers of the page's servers"`
	DatacenterTotal int                 `json:"datacenterTotal" jsonschema:"data centers covered"`
	Total           int                 `json:"total" jsonschema:"servers that match, across all pages"`
	Offset          int                 `json:"offset" jsonschema:"position of this page's first server among those that match"`
	Next            string              `json:"next,omitempty" jsonschema:"cursor of the next page; absent on the last page"`
	Note            string              `json:"note,omitempty"`
}

var listServersTool = &mcp.Tool{
	Name: "list_servers",
	Description: "List servers with their power state (vmState RUNNING, SHUTOFF, SUSPENDED, ...; state BUSY while a request runs), grouped by data center. " +
		"Without datacenter it covers every data center in one call, so it alone answers \"list my data centers and their servers\". " +
		"The first page counts every data center's servers by vmState, so it summarises an account of any size. " +
		"Filter with vm_state, name or filter. If next is present, call again with cursor=next and the same filters for the following page; " +
		"pages of one walk come from one reading of the account.",
	Annotations: readAnnotations("List servers"),
	Meta:        views.ToolMeta(views.InventoryURI),
}

// A walk's pages. The defaults answer an account of up to 500 servers in
// one call; a bigger one is walked in pages of up to maxPageServers.
const (
	defaultServerPage = 500
	maxPageServers    = 1000
	// maxServerBytes bounds the servers of one page (about 32k tokens of
	// structuredContent; the text is about half that).
	maxServerBytes = 128 << 10
)

func (t *toolset) listServers(ctx context.Context, req *mcp.CallToolRequest, in ListServersInput) (*mcp.CallToolResult, ListServersOutput, error) {
	var none ListServersOutput
	f, err := t.checkListServers(&in)
	if err != nil {
		return nil, none, err
	}
	caller := callerOf(req)
	var cur paging.Cursor
	if in.Cursor != "" {
		if cur, err = t.openCursor("list_servers", caller, in.Cursor, f.key()); err != nil {
			return nil, none, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, t.ReadTimeout)
	defer cancel()
	inv, walkID, note, err := t.walkFor(ctx, req, caller, in, cur)
	if err != nil {
		return nil, none, err
	}
	matched := f.apply(inv.Servers)
	start := in.Offset
	if in.Cursor != "" {
		start = resumeAt(matched, serverID, cur, walkID == cur.Walk)
	}
	page, end := window(matched, start, *in.Limit, maxServerBytes, serverBytes)
	out := ListServersOutput{
		Datacenters:     groupPage(inv.Datacenters, matched, page, start == 0),
		DatacenterTotal: len(inv.Datacenters),
		Total:           len(matched),
		Offset:          min(start, len(matched)),
		Note:            joinNotes(note, t.noneAllowedNote(len(inv.Datacenters))),
	}
	if end < len(matched) {
		out.Next = t.nextCursor(caller, inv, walkID, f, end, matched)
	}
	return t.textResult(inventoryText(out, f.active())), out, nil
}

// checkListServers validates the input before any API call and applies
// the default limit.
func (t *toolset) checkListServers(in *ListServersInput) (serverFilter, error) {
	var none serverFilter
	if err := checkPaging(in.Offset, in.Cursor); err != nil {
		return none, err
	}
	limit, err := pageLimit(in.Limit, defaultServerPage, maxPageServers)
	if err != nil {
		return none, err
	}
	in.Limit = &limit
	if in.Datacenter != "" {
		if err := t.checkDatacenterRef(in.Datacenter); err != nil {
			return none, err
		}
	}
	return newServerFilter(in)
}

// walkFor returns the snapshot a page comes from: the walk's own while it
// is held here, else a fresh reading of the account (a new walk, or a
// cursor whose snapshot expired or is held by another replica; note says
// so).
func (t *toolset) walkFor(ctx context.Context, req *mcp.CallToolRequest, caller string, in ListServersInput, cur paging.Cursor) (cloud.Inventory, string, string, error) {
	if cur.Walk != "" {
		if inv, ok := t.walks.Get(caller, cur.Walk); ok {
			return inv, cur.Walk, "", nil
		}
	}
	c, err := t.client(ctx, req)
	if err != nil {
		return cloud.Inventory{}, "", "", err
	}
	inv, err := readInventory(ctx, c, in.Datacenter)
	if err != nil {
		return cloud.Inventory{}, "", "", explain(err)
	}
	note := ""
	if cur.Walk != "" {
		note = restartNote
	}
	return inv, "", note, nil
}

// readInventory reads what a walk pages through: the account, or one
// data center.
func readInventory(ctx context.Context, c *cloud.Client, dcRef string) (cloud.Inventory, error) {
	if dcRef == "" {
		return c.Inventory(ctx)
	}
	dc, err := c.ResolveDatacenter(ctx, dcRef)
	if err != nil {
		return cloud.Inventory{}, err
	}
	servers, err := c.ListServers(ctx, dc)
	return cloud.Inventory{Datacenters: []cloud.Datacenter{dc}, Servers: servers}, err
}

// nextCursor keeps the walk's snapshot (once, on its first page) and
// points a cursor at the following page.
func (t *toolset) nextCursor(caller string, inv cloud.Inventory, walkID string, f serverFilter, end int, matched []cloud.Server) string {
	if walkID == "" {
		var ok bool
		walkID, ok = t.walks.Put(caller, inv, len(inv.Servers)+len(inv.Datacenters))
		if !ok {
			t.log.Warn("an account too large to keep between pages: each page of this walk reads it again", "servers", len(inv.Servers))
		}
	}
	return t.seal(caller, walkID, f.key(), end, matched[end-1].ID)
}

func serverID(s cloud.Server) string { return s.ID }

// groupPage groups a page of servers under their data centers. The first
// page lists every data center with its counts; later pages only those
// of their servers.
func groupPage(dcs []cloud.Datacenter, matched, page []cloud.Server, first bool) []DatacenterServers {
	count := map[string]int{}
	var states map[string]map[string]int
	if first {
		states = map[string]map[string]int{}
	}
	for _, s := range matched {
		count[s.DatacenterID]++
		if first {
			if states[s.DatacenterID] == nil {
				states[s.DatacenterID] = map[string]int{}
			}
			states[s.DatacenterID][orUnknown(s.VMState)]++
		}
	}
	onPage := map[string][]ServerSummary{}
	for _, s := range page {
		onPage[s.DatacenterID] = append(onPage[s.DatacenterID], summarize(s))
	}
	out := make([]DatacenterServers, 0, len(onPage))
	for _, dc := range dcs {
		servers, ok := onPage[dc.ID]
		if !ok && !first {
			continue
		}
		if servers == nil {
			servers = []ServerSummary{}
		}
		out = append(out, DatacenterServers{ID: dc.ID, Name: dc.Name, Location: dc.Location,
			ServerCount: count[dc.ID], VMStates: states[dc.ID], Servers: servers})
	}
	return out
}

func summarize(s cloud.Server) ServerSummary {
	return ServerSummary{ID: s.ID, Name: s.Name, Type: s.Type, VMState: s.VMState, State: s.State,
		Cores: s.Cores, RAM: s.RAM, CPUFamily: s.CPUFamily, AvailabilityZone: s.AvailabilityZone}
}

func orUnknown(v string) string {
	if v == "" {
		return "UNKNOWN"
	}
	return v
}

// serverBytes approximates the JSON size of a server summary, for the
// page budget: the keys and punctuation, plus the values.
func serverBytes(s cloud.Server) int {
	return 110 + len(s.ID) + len(s.Name) + len(s.Type) + len(s.VMState) + len(s.State) + len(s.CPUFamily) + len(s.AvailabilityZone) + 12
}

// vmStates are the spec's values of properties.vmState.
var vmStates = []string{"NOSTATE", "RUNNING", "BLOCKED", "PAUSED", "SHUTDOWN", "SHUTOFF", "CRASHED", "SUSPENDED"}

// filterProperties are the server properties list_servers filters on
// besides name and vmState, with how to read each.
var filterProperties = map[string]func(cloud.Server) string{
	"type":             func(s cloud.Server) string { return s.Type },
	"state":            func(s cloud.Server) string { return s.State },
	"cores":            func(s cloud.Server) string { return strconv.Itoa(s.Cores) },
	"ram":              func(s cloud.Server) string { return strconv.Itoa(s.RAM) },
	"cpuFamily":        func(s cloud.Server) string { return s.CPUFamily },
	"availabilityZone": func(s cloud.Server) string { return s.AvailabilityZone },
}

// filterProperty finds a filter property by name in any case, as the
// API's own filter keys are read.
func filterProperty(k string) (string, bool) {
	for p := range filterProperties {
		if strings.EqualFold(p, k) {
			return p, true
		}
	}
	return "", false
}

// serverFilter is what list_servers selects, validated.
type serverFilter struct {
	datacenter, vmState, name string
	props                     [][2]string // property, lower-case value; sorted by property
}

func newServerFilter(in *ListServersInput) (serverFilter, error) {
	f := serverFilter{datacenter: strings.ToLower(strings.TrimSpace(in.Datacenter)), name: strings.ToLower(in.Name)}
	if err := checkFilter("name", in.Name); err != nil {
		return f, err
	}
	if in.VMState != "" {
		v := strings.ToUpper(strings.TrimSpace(in.VMState))
		if !slices.Contains(vmStates, v) {
			return f, fmt.Errorf("vm_state %q is not a vmState: use one of %s", truncate(in.VMState, 40), strings.Join(vmStates, ", "))
		}
		f.vmState = v
	}
	for k, v := range in.Filter {
		switch {
		case strings.EqualFold(k, "name"):
			return f, errors.New("filter on name: use the name argument instead")
		case strings.EqualFold(k, "vmState"):
			return f, errors.New("filter on vmState: use the vm_state argument instead")
		}
		prop, ok := filterProperty(k)
		if !ok {
			return f, fmt.Errorf("filter on %q: servers have no such property here; use one of %s", truncate(k, 40), strings.Join(sortedKeys(filterProperties), ", "))
		}
		if err := checkFilter("filter."+prop, v); err != nil {
			return f, err
		}
		f.props = append(f.props, [2]string{prop, strings.ToLower(v)})
	}
	sort.Slice(f.props, func(i, j int) bool { return f.props[i][0] < f.props[j][0] })
	return f, nil
}

// active reports whether the filter leaves out any server.
func (f serverFilter) active() bool { return f.vmState != "" || f.name != "" || len(f.props) > 0 }

// key identifies the listing the filter selects, for binding cursors.
func (f serverFilter) key() string {
	var b strings.Builder
	for _, p := range [][2]string{{"dc", f.datacenter}, {"vm", f.vmState}, {"name", f.name}} {
		fmt.Fprintf(&b, "%s=%q;", p[0], p[1])
	}
	for _, p := range f.props {
		fmt.Fprintf(&b, "%s=%q;", p[0], p[1])
	}
	return b.String()
}

func (f serverFilter) apply(servers []cloud.Server) []cloud.Server {
	if !f.active() {
		return servers
	}
	out := make([]cloud.Server, 0, len(servers))
	for _, s := range servers {
		if f.match(s) {
			out = append(out, s)
		}
	}
	return out
}

func (f serverFilter) match(s cloud.Server) bool {
	if f.vmState != "" && !strings.EqualFold(s.VMState, f.vmState) {
		return false
	}
	if f.name != "" && !strings.Contains(strings.ToLower(s.Name), f.name) {
		return false
	}
	for _, p := range f.props {
		if !strings.Contains(strings.ToLower(filterProperties[p[0]](s)), p[1]) {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
