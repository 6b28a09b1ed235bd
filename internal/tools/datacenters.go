package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// ListDatacentersInput is the input of list_datacenters.
type ListDatacentersInput struct {
	Depth  *int `json:"depth,omitempty" jsonschema:"0-10: also return each data center as the API's full object at this depth (large; omit for the summary)"`
	Limit  int  `json:"limit,omitempty" jsonschema:"max data centers to return, 1-1000 (default 100)"`
	Offset int  `json:"offset,omitempty" jsonschema:"skip this many (use next from the previous result)"`
}

// ListDatacentersOutput is the result of list_datacenters.
type ListDatacentersOutput struct {
	Datacenters []cloud.Datacenter `json:"datacenters"`
	Total       int                `json:"total"`
	Next        *int               `json:"next,omitempty" jsonschema:"offset of the next page; absent on the last page"`
	Raw         []map[string]any   `json:"raw,omitempty" jsonschema:"the API objects, only when depth was given"`
}

var listDatacentersTool = &mcp.Tool{
	Name: "list_datacenters",
	Description: "List the IONOS Cloud virtual data centers of the account: id, name, location (e.g. de/fra), state. " +
		"To see servers, call list_servers instead: without a datacenter it returns every data center and its servers in one call.",
	Annotations: readAnnotations("List data centers"),
}

func (t *toolset) listDatacenters(ctx context.Context, req *mcp.CallToolRequest, in ListDatacentersInput) (*mcp.CallToolResult, ListDatacentersOutput, error) {
	limit, err := pageLimit(in.Limit, in.Offset)
	if err != nil {
		return nil, ListDatacentersOutput{}, err
	}
	if err := checkDepth(in.Depth); err != nil {
		return nil, ListDatacentersOutput{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, t.ReadTimeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, ListDatacentersOutput{}, err
	}
	if in.Depth != nil {
		dcs, raws, err := c.ListDatacentersRaw(ctx, int32(*in.Depth))
		if err != nil {
			return nil, ListDatacentersOutput{}, explain(err)
		}
		rawItems, next := budgetWindow(raws, in.Offset, limit, rawBytes)
		items := dcs[min(in.Offset, len(dcs)):min(in.Offset+len(rawItems), len(dcs))]
		return nil, ListDatacentersOutput{Datacenters: items, Total: len(dcs), Next: next, Raw: rawItems}, nil
	}
	dcs, err := c.ListDatacenters(ctx)
	if err != nil {
		return nil, ListDatacentersOutput{}, explain(err)
	}
	items, next := budgetWindow(dcs, in.Offset, limit, datacenterBytes)
	return nil, ListDatacentersOutput{Datacenters: items, Total: len(dcs), Next: next}, nil
}

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

// pageLimit validates limit and offset and applies the default limit.
func pageLimit(limit, offset int) (int, error) {
	if offset < 0 {
		return 0, fmt.Errorf("offset %d is negative; use 0 or the next value of the previous result", offset)
	}
	if limit < 0 || limit > maxPageLimit {
		return 0, fmt.Errorf("limit %d is out of range: use 1 to %d", limit, maxPageLimit)
	}
	if limit == 0 {
		limit = defaultPageLimit
	}
	return limit, nil
}

// maxResultBytes bounds the items of one list result (about 16k tokens),
// whatever limit asks for: a page ends early, with next, rather than
// flooding the agent's context. A page holds at least one item.
const maxResultBytes = 64 << 10

// budgetWindow cuts one page out of items: at most limit items from
// offset, and no more than maxResultBytes as measured by size. next is
// the offset of the following page, or nil when this is the last.
func budgetWindow[T any](items []T, offset, limit int, size func(T) int) ([]T, *int) {
	if offset >= len(items) {
		return []T{}, nil // an empty list, never null
	}
	end := min(offset+limit, len(items))
	total := 0
	for i := offset; i < end; i++ {
		if total += size(items[i]); total > maxResultBytes && i > offset {
			end = i
			break
		}
	}
	if end < len(items) {
		return items[offset:end], &end
	}
	return items[offset:end], nil
}

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
