package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

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
	Description: "Read one server by name or id: type, vmState, state, cores, ram (MB), cpuFamily, availabilityZone, its data center, " +
		"and its boot device (bootVolume with name, size in GB and type, or bootCdrom). " +
		"A name used in several data centers is an error listing them; then pass datacenter or the id.",
	Annotations: readAnnotations("Get server"),
}

// detailDepth is the depth at which a server's answer inlines its volumes
// and CD-ROMs with their properties: what the boot device's name, size
// and type come from.
const detailDepth = 2

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
	// One read at detailDepth (or the depth asked for, when deeper) gives
	// the summary and the raw object; a shallower raw object is a second read.
	depth := int32(detailDepth)
	if in.Depth != nil {
		depth = max(depth, int32(*in.Depth))
	}
	var (
		s   cloud.Server
		raw []byte
	)
	if cloud.IsUUID(strings.TrimSpace(in.Server)) && cloud.IsUUID(strings.TrimSpace(in.Datacenter)) {
		s, raw, err = c.ServerIn(ctx, in.Datacenter, in.Server, depth)
	} else {
		s, raw, err = c.ReadServer(ctx, in.Server, in.Datacenter, depth)
	}
	if err == nil && in.Depth != nil && int32(*in.Depth) < depth {
		_, raw, err = c.GetServer(ctx, cloud.Datacenter{ID: s.DatacenterID, Name: s.DatacenterName}, s.ID, int32(*in.Depth))
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
		return cloud.HiddenDatacenter(ref)
	}
	return nil
}
