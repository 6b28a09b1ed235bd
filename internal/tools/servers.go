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
	Servers  int    `json:"servers" jsonschema:"servers that matched the filters"`
}

// ListServersOutput is the result of list_servers.
type ListServersOutput struct {
	Datacenters []DatacenterCount `json:"datacenters" jsonschema:"every data center covered, including empty ones"`
	Servers     []cloud.Server    `json:"servers"`
	Total       int               `json:"total" jsonschema:"servers that matched, across all pages"`
	Next        *int              `json:"next,omitempty" jsonschema:"offset of the next page; absent on the last page"`
}

var listServersTool = &mcp.Tool{
	Name: "list_servers",
	Description: "List servers with their power state (vmState RUNNING, SHUTOFF, SUSPENDED, ...; state BUSY while a request runs). " +
		"Without datacenter it covers every data center in one call, and also lists each data center with its server count, " +
		"so it alone answers \"list my data centers and their servers\". Filter with vm_state or name. " +
		"Returns at most limit servers; if next is present, call again with offset=next.",
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
	var dcs []cloud.Datacenter
	if in.Datacenter != "" {
		dc, err := c.ResolveDatacenter(ctx, in.Datacenter)
		if err != nil {
			return nil, none, explain(err)
		}
		dcs = []cloud.Datacenter{dc}
	} else if dcs, err = c.ListDatacenters(ctx); err != nil {
		return nil, none, explain(err)
	}
	servers, err := c.ServersOf(ctx, dcs)
	if err != nil {
		return nil, none, explain(err)
	}
	matched := filterServers(servers, in.VMState, in.Name)
	page, next := window(matched, in.Offset, limit)
	return nil, ListServersOutput{Datacenters: countByDatacenter(dcs, matched), Servers: page, Total: len(matched), Next: next}, nil
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

func countByDatacenter(dcs []cloud.Datacenter, servers []cloud.Server) []DatacenterCount {
	n := make(map[string]int, len(dcs))
	for _, s := range servers {
		n[s.DatacenterID]++
	}
	out := make([]DatacenterCount, 0, len(dcs))
	for _, dc := range dcs {
		out = append(out, DatacenterCount{ID: dc.ID, Name: dc.Name, Location: dc.Location, Servers: n[dc.ID]})
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
	s, err := c.ResolveServer(ctx, in.Server, in.Datacenter)
	if err != nil {
		return nil, none, explain(err)
	}
	if in.Depth == nil {
		return nil, GetServerOutput{Server: s}, nil
	}
	full, raw, err := c.GetServer(ctx, cloud.Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, int32(*in.Depth))
	if err != nil {
		return nil, none, explain(err)
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, none, err
	}
	return nil, GetServerOutput{Server: full, Raw: obj}, nil
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
