package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/paging"
)

// ListDatacentersInput is the input of list_datacenters.
type ListDatacentersInput struct {
	Depth  *int   `json:"depth,omitempty" jsonschema:"0-10: also return each data center as the API's full object at this depth (large; omit for the summary)"`
	Limit  *int   `json:"limit,omitempty" jsonschema:"max data centers to return, 1-1000 (default 100)"`
	Cursor string `json:"cursor,omitempty" jsonschema:"next from the previous page, passed back unchanged with the same depth"`
	Offset int    `json:"offset,omitempty" jsonschema:"skip this many; cursor continues a walk instead"`
}

// ListDatacentersOutput is the result of list_datacenters.
type ListDatacentersOutput struct {
	Datacenters []cloud.Datacenter `json:"datacenters"`
	Total       int                `json:"total"`
	Offset      int                `json:"offset" jsonschema:"position of this page's first data center"`
	Next        string             `json:"next,omitempty" jsonschema:"cursor of the next page; absent on the last page"`
	Raw         []map[string]any   `json:"raw,omitempty" jsonschema:"the API objects, only when depth was given"`
	Note        string             `json:"note,omitempty"`
}

var listDatacentersTool = &mcp.Tool{
	Name: "list_datacenters",
	Description: "List the IONOS Cloud virtual data centers of the account: id, name, location (e.g. de/fra), state. " +
		"To see servers, call list_servers instead: without a datacenter it returns every data center and its servers in one call. " +
		"If next is present, call again with cursor=next for the following page.",
	Annotations: readAnnotations("List data centers"),
}

// rawWalk names the walks of raw listings (with depth), which keep no
// snapshot: each page reads the data centers again and resumes after the
// last one returned, so a page of objects of any depth is never held
// between calls.
const rawWalk = "raw"

func (t *toolset) listDatacenters(ctx context.Context, req *mcp.CallToolRequest, in ListDatacentersInput) (*mcp.CallToolResult, ListDatacentersOutput, error) {
	var none ListDatacentersOutput
	if err := checkPaging(in.Offset, in.Cursor); err != nil {
		return nil, none, err
	}
	limit, err := pageLimit(in.Limit, defaultPageLimit, maxPageLimit)
	if err != nil {
		return nil, none, err
	}
	if err := checkDepth(in.Depth); err != nil {
		return nil, none, err
	}
	key := "list_datacenters;summary"
	if in.Depth != nil {
		key = fmt.Sprintf("list_datacenters;depth=%d", *in.Depth)
	}
	caller := callerOf(req)
	var cur paging.Cursor
	if in.Cursor != "" {
		if cur, err = t.openCursor("list_datacenters", caller, in.Cursor, key); err != nil {
			return nil, none, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, t.ReadTimeout)
	defer cancel()
	dcs, raws, walkID, note, err := t.datacenterWalk(ctx, req, caller, in.Depth, cur)
	if err != nil {
		return nil, none, err
	}
	start := in.Offset
	if in.Cursor != "" {
		start = resumeAt(dcs, datacenterID, cur, walkID == cur.Walk && walkID != rawWalk)
	}
	out := ListDatacentersOutput{Total: len(dcs), Offset: min(start, len(dcs)), Note: joinNotes(note, t.noneAllowedNote(len(dcs)))}
	var end int
	if raws != nil {
		out.Raw, end = window(raws, start, limit, maxResultBytes, rawBytes)
		out.Datacenters = dcs[out.Offset:end]
	} else {
		out.Datacenters, end = window(dcs, start, limit, maxResultBytes, datacenterBytes)
	}
	if end < len(dcs) {
		if walkID == "" {
			walkID, _ = t.walks.Put(caller, cloud.Inventory{Datacenters: dcs}, len(dcs))
		}
		out.Next = t.seal(caller, walkID, key, end, dcs[end-1].ID)
	}
	return nil, out, nil
}

// datacenterWalk returns what a page of list_datacenters comes from: the
// walk's snapshot while it is held here, else a new reading (note says
// when a cursor's snapshot was gone). Raw listings are always read anew.
func (t *toolset) datacenterWalk(ctx context.Context, req *mcp.CallToolRequest, caller string, depth *int, cur paging.Cursor) (dcs []cloud.Datacenter, raws []map[string]any, walkID, note string, err error) {
	if depth == nil && cur.Walk != "" {
		if inv, ok := t.walks.Get(caller, cur.Walk); ok {
			return inv.Datacenters, nil, cur.Walk, "", nil
		}
		note = restartNote
	}
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, nil, "", "", err
	}
	if depth != nil {
		dcs, raws, err = c.ListDatacentersRaw(ctx, int32(*depth))
		if raws == nil {
			raws = []map[string]any{}
		}
		return dcs, raws, rawWalk, "", explain(err)
	}
	dcs, err = c.ListDatacenters(ctx)
	return dcs, nil, "", note, explain(err)
}

func datacenterID(d cloud.Datacenter) string { return d.ID }

// checkDepth validates an API depth.
func checkDepth(d *int) error {
	if d != nil && (*d < 0 || *d > 10) {
		return fmt.Errorf("depth %d is out of range: use 0 to 10 (omit it for the summary)", *d)
	}
	return nil
}

const (
	defaultPageLimit = 100
	maxPageLimit     = 1000
)

// pageLimit validates limit and applies the default def when it is left
// out. A limit of 0 asks for pages of nothing, so it is refused like any
// other number outside 1 to max rather than read as "the default".
func pageLimit(limit *int, def, most int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if *limit < 1 || *limit > most {
		return 0, fmt.Errorf("limit %d is out of range: use 1 to %d, or omit it for %d", *limit, most, def)
	}
	return *limit, nil
}

// noneAllowedNote explains an empty listing under a data-center
// allow-list: the listing alone would look like an empty account.
func (t *toolset) noneAllowedNote(listed int) string {
	if listed > 0 || !t.Guard.Restricted() {
		return ""
	}
	return "No data center is listed because IONOS_MCP_DATACENTERS, the operator's allow-list of data centers, matches none of this account's data centers " +
		"(or the account has none). The operator can correct the names or ids in IONOS_MCP_DATACENTERS (or --datacenters), or unset it to see every data center."
}

// joinNotes joins the notes of a result that are not empty.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// maxResultBytes bounds the items of one list result (about 16k tokens),
// whatever limit asks for: a page ends early, with next, rather than
// flooding the agent's context. A page holds at least one item.
const maxResultBytes = 64 << 10

// datacenterBytes approximates the JSON size of a data center summary.
func datacenterBytes(d cloud.Datacenter) int {
	return 60 + len(d.ID) + len(d.Name) + len(d.Location) + len(d.Description) + len(d.State)
}

// rawBytes measures the JSON size of an API object.
func rawBytes(v map[string]any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return maxResultBytes
	}
	return len(b)
}
