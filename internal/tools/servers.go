package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// ListServersInput is the input of list_servers.
type ListServersInput struct {
	Datacenter string `json:"datacenter,omitempty" jsonschema:"data center name or id; omit for all data centers"`
	VMState    string `json:"vm_state,omitempty" jsonschema:"only servers in this vmState: RUNNING, SHUTOFF, SUSPENDED, ..."`
	Name       string `json:"name,omitempty" jsonschema:"only servers whose name contains this text (any case)"`
	Limit      int    `json:"limit,omitempty" jsonschema:"max servers to return, 1-1000 (default 100)"`
	Offset     int    `json:"offset,omitempty" jsonschema:"skip this many (use next from the previous result)"`
}

// DatacenterCount is a data center and how many of its servers matched.
type DatacenterCount struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Location string `json:"location"`
	Servers  int    `json:"servers" jsonschema:"servers that matched"`
}

// ListServersOutput is the result of list_servers.
type ListServersOutput struct {
	Datacenters     []DatacenterCount `json:"datacenters" jsonschema:"the data centers of this page, in order, empty ones included"`
	DatacenterTotal int               `json:"datacenterTotal" jsonschema:"data centers covered, across all pages"`
	Servers         []cloud.Server    `json:"servers"`
	Total           int               `json:"total" jsonschema:"servers that matched, across all pages"`
	Next            *int              `json:"next,omitempty" jsonschema:"offset of the next page; absent on the last page"`
}

var listServersTool = &mcp.Tool{
	Name: "list_servers",
	Description: "List servers with their power state (vmState RUNNING, SHUTOFF, SUSPENDED, ...; state BUSY while a request runs). " +
		"Without datacenter it covers every data center in one call, with each data center and its server count, " +
		"so it alone answers \"list my data centers and their servers\". Filter with vm_state or name. " +
		"Pages: if next is present, call again with offset=next.",
	Annotations: readAnnotations("List servers"),
}

func (t *toolset) listServers(ctx context.Context, req *mcp.CallToolRequest, in ListServersInput) (*mcp.CallToolResult, ListServersOutput, error) {
	var none ListServersOutput
	limit, err := pageLimit(in.Limit, in.Offset)
	if err != nil {
		return nil, none, err
	}
	if err := checkFilter("name", in.Name); err != nil {
		return nil, none, err
	}
	if err := checkFilter("vm_state", in.VMState); err != nil {
		return nil, none, err
	}
	if in.Datacenter != "" {
		if err := t.checkDatacenterRef(in.Datacenter); err != nil {
			return nil, none, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, t.ReadTimeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, none, err
	}
	var (
		dcs     []cloud.Datacenter
		servers []cloud.Server
	)
	if in.Datacenter != "" {
		dc, err := c.ResolveDatacenter(ctx, in.Datacenter)
		if err != nil {
			return nil, none, explain(err)
		}
		dcs = []cloud.Datacenter{dc}
		if servers, err = c.ListServers(ctx, dc); err != nil {
			return nil, none, explain(err)
		}
	} else {
		inv, err := c.Inventory(ctx)
		if err != nil {
			return nil, none, explain(err)
		}
		dcs, servers = inv.Datacenters, inv.Servers
	}
	matched := filterServers(servers, in.VMState, in.Name)
	page, next := budgetWindow(matched, in.Offset, limit, serverBytes)
	return nil, ListServersOutput{Datacenters: pageDatacenters(dcs, matched, in.Offset, len(page), limit), DatacenterTotal: len(dcs),
		Servers: page, Total: len(matched), Next: next}, nil
}

// pageDatacenters returns the data centers a page of servers covers, with
// their counts of matched servers: those of the page's servers, and the
// data centers without matched servers that come after them up to the next
// page's (and, on the first page, before them), so that paging through the
// servers lists every data center; one whose servers span two pages is on
// both. Servers are grouped by data center in the order of dcs. When
// nothing matched, the first limit data centers.
func pageDatacenters(dcs []cloud.Datacenter, matched []cloud.Server, offset, n, limit int) []DatacenterCount {
	count := make(map[string]int, len(dcs))
	for _, s := range matched {
		count[s.DatacenterID]++
	}
	index := make(map[string]int, len(dcs))
	for i, dc := range dcs {
		index[dc.ID] = i
	}
	from, to := 0, min(limit, len(dcs))-1
	switch {
	case len(matched) == 0:
	case n == 0:
		return []DatacenterCount{} // past the end
	default:
		from, to = index[matched[offset].DatacenterID], index[matched[offset+n-1].DatacenterID]
		if offset == 0 {
			from = 0
		}
		if end := offset + n; end == len(matched) {
			to = len(dcs) - 1
		} else {
			// Empty data centers before the next page's first server belong here.
			to = max(to, index[matched[end].DatacenterID]-1)
		}
	}
	out := make([]DatacenterCount, 0, max(to-from+1, 0))
	for _, dc := range dcs[from : to+1] {
		out = append(out, DatacenterCount{ID: dc.ID, Name: dc.Name, Location: dc.Location, Servers: count[dc.ID]})
	}
	return out
}

func filterServers(servers []cloud.Server, vmState, name string) []cloud.Server {
	if vmState == "" && name == "" {
		return servers
	}
	name = strings.ToLower(name)
	out := make([]cloud.Server, 0, len(servers))
	for _, s := range servers {
		if vmState != "" && !strings.EqualFold(s.VMState, vmState) {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(s.Name), name) {
			continue
		}
		out = append(out, s)
	}
	return out
}

func checkFilter(field, v string) error {
	if len(v) > 255 {
		return fmt.Errorf("%s is %d bytes long; at most 255", field, len(v))
	}
	return cloud.CheckText(field, v)
}

// GetServerInput is the input of get_server.
type GetServerInput struct {
	Server     string `json:"server" jsonschema:"server name or id"`
	Datacenter string `json:"datacenter,omitempty" jsonschema:"data center name or id; needed only if the server name exists in several"`
	Depth      *int   `json:"depth,omitempty" jsonschema:"0-10: also return the API's full server object at this depth (2+ includes volumes and NICs)"`
}

// GetServerOutput is the result of get_server.
type GetServerOutput struct {
	Server cloud.Server   `json:"server"`
	Raw    map[string]any `json:"raw,omitempty" jsonschema:"the API object, only when depth was given"`
}

var getServerTool = &mcp.Tool{
	Name: "get_server",
	Description: "Read one server by name or id: type, vmState, state, cores, ram (MB), cpuFamily, availabilityZone and its data center. " +
		"A name used in several data centers is an error listing them; then pass datacenter or the id.",
	Annotations: readAnnotations("Get server"),
}

func (t *toolset) getServer(ctx context.Context, req *mcp.CallToolRequest, in GetServerInput) (*mcp.CallToolResult, GetServerOutput, error) {
	var none GetServerOutput
	if err := checkDepth(in.Depth); err != nil {
		return nil, none, err
	}
	if err := t.checkRefs(in.Server, in.Datacenter); err != nil {
		return nil, none, err
	}
	ctx, cancel := context.WithTimeout(ctx, t.ReadTimeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, none, err
	}
	var (
		s   cloud.Server
		raw []byte
	)
	switch {
	case cloud.IsUUID(strings.TrimSpace(in.Server)) && cloud.IsUUID(strings.TrimSpace(in.Datacenter)):
		// Both ids: one request, at the depth asked for.
		depth := int32(0)
		if in.Depth != nil {
			depth = int32(*in.Depth)
		}
		s, raw, err = c.ServerIn(ctx, in.Datacenter, in.Server, depth)
	default:
		s, err = c.ResolveServer(ctx, in.Server, in.Datacenter)
		if err == nil && in.Depth != nil {
			s, raw, err = c.GetServer(ctx, cloud.Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, int32(*in.Depth))
		}
	}
	if err != nil {
		return nil, none, explain(err)
	}
	if in.Depth == nil {
		return nil, GetServerOutput{Server: s}, nil
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, none, err
	}
	return nil, GetServerOutput{Server: s, Raw: obj}, nil
}

// checkRefs validates a server reference and an optional data-center
// reference before any API call.
func (t *toolset) checkRefs(server, datacenter string) error {
	if err := cloud.CheckRef("server", server); err != nil {
		return err
	}
	if datacenter == "" {
		return nil
	}
	return t.checkDatacenterRef(datacenter)
}

// checkDatacenterRef validates a data-center reference and refuses, before
// any API call, one the allow-list certainly excludes.
func (t *toolset) checkDatacenterRef(ref string) error {
	if err := cloud.CheckRef("datacenter", ref); err != nil {
		return err
	}
	if t.Guard.DatacenterRefDenied(ref) {
		return &cloud.OutOfScopeError{Ref: ref}
	}
	return nil
}

// serverBytes approximates the JSON size of a server summary, for the
// result budget: the keys and punctuation, plus the values.
func serverBytes(s cloud.Server) int {
	return 150 + len(s.ID) + len(s.Name) + len(s.DatacenterID) + len(s.DatacenterName) + len(s.Type) + len(s.VMState) +
		len(s.State) + len(s.CPUFamily) + len(s.AvailabilityZone) + 12
}
