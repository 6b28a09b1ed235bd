package cloud

import (
	"context"
	"encoding/json"
	"strings"
)

// ServerIn reads a server given by id in a data center given by id, at the
// given depth (raw is the API's JSON, as GetServer returns it), in one
// request when the scope allows: the data center is not read first. Its
// name then comes from what the client has already seen, and a data center
// that does not exist shows as a server not found in it.
//
// The data center is read and checked first, as ResolveServer does, only
// when the scope does not admit it by its id alone: the scope is an
// allow-list (an operator's names, ids or patterns), so a data center it
// admits by id is admitted whatever its name.
func (c *Client) ServerIn(ctx context.Context, dcID, id string, depth int32) (Server, json.RawMessage, error) {
	dcID, id = strings.ToLower(strings.TrimSpace(dcID)), strings.ToLower(strings.TrimSpace(id))
	dc := Datacenter{ID: dcID}
	if known, ok := c.dcOfServer.Load(id); ok && known.(Datacenter).ID == dcID {
		dc = known.(Datacenter)
	}
	if !c.inScope(dc) {
		var err error
		if dc, err = c.ResolveDatacenter(ctx, dcID); err != nil {
			return Server{}, nil, err
		}
	}
	return c.GetServer(ctx, dc, id, depth)
}
