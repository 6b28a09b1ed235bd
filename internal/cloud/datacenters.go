package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// ListDatacenters returns every data center of the account (within the
// client's scope), with names.
func (c *Client) ListDatacenters(ctx context.Context) ([]Datacenter, error) {
	return c.listDatacenters(ctx, nil)
}

func (c *Client) listDatacenters(ctx context.Context, m *meter) ([]Datacenter, error) {
	all, err := allPages(ctx, c.pageSize, func(ctx context.Context, offset, limit int32) (page[Datacenter], error) {
		return c.datacenterPage(ctx, m, offset, limit)
	})
	if err != nil || c.scope == nil {
		return all, err
	}
	kept := all[:0]
	for _, dc := range all {
		if c.inScope(dc) {
			kept = append(kept, dc)
		}
	}
	return kept, nil
}

// datacenterPage reads one page of data centers at depth 1 (properties,
// entities as references), streamed.
func (c *Client) datacenterPage(ctx context.Context, m *meter, offset, limit int32) (page[Datacenter], error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	var p page[Datacenter]
	links, _, err := c.streamCollection(ctx, m, "listing data centers", "/datacenters", collectionQuery(1, offset, limit), readDatacenters(&p))
	p.hasNext, p.linked = links.Next != "", links.Linked()
	return p, err
}

// readDatacenters reads the items of a streamed page of data centers into p.
func readDatacenters(p *page[Datacenter]) func(*json.Decoder) error {
	return func(dec *json.Decoder) error {
		var r lenient.Resource
		if err := decodeItem(dec, &r); err != nil {
			return err
		}
		p.items = append(p.items, datacenterFromLenient(r))
		return nil
	}
}

// decodeItem reads one resource of a streamed collection; every resource
// must have an id.
func decodeItem(dec *json.Decoder, r *lenient.Resource) error {
	if err := dec.Decode(r); err != nil {
		return err
	}
	if r.ID == "" {
		return errors.New("an item has no id")
	}
	return nil
}

// GetDatacenter returns one data center by id.
func (c *Client) GetDatacenter(ctx context.Context, id string) (Datacenter, error) {
	dc, err := c.getDatacenter(ctx, id)
	if err != nil {
		return Datacenter{}, err
	}
	return c.admit(dc, id)
}

// getDatacenter reads one data center by id, whatever the scope.
func (c *Client) getDatacenter(ctx context.Context, id string) (Datacenter, error) {
	if !IsUUID(id) {
		return Datacenter{}, fmt.Errorf("data center id %q is not a UUID", id)
	}
	ctx, cancel := c.call(ctx)
	defer cancel()
	d, resp, err := c.api.DataCentersApi.DatacentersFindById(ctx, id).Depth(0).Pretty(false).Execute()
	if err := apierror.From("reading data center "+id, resp, err); err != nil {
		if apierror.StatusOf(err) == 404 {
			return Datacenter{}, c.noDatacenter(id)
		}
		if l, ok := lenient.Decode[lenient.Resource](resp, err); ok {
			return datacenterFromLenient(l), nil
		}
		return Datacenter{}, err
	}
	return datacenterFrom(d), nil
}

func datacenterFrom(d ionoscloud.Datacenter) Datacenter {
	out := Datacenter{ID: str(d.Id)}
	if p := d.Properties; p != nil {
		out.Name, out.Location, out.Description = str(p.Name), str(p.Location), str(p.Description)
	}
	if m := d.Metadata; m != nil {
		out.State = str(m.State)
	}
	return out
}

func datacenterFromLenient(r lenient.Resource) Datacenter {
	p := r.Properties
	return Datacenter{ID: r.ID, Name: string(p.Name), Location: string(p.Location),
		Description: string(p.Description), State: string(r.Metadata.State)}
}

// ListDatacentersRaw returns every data center (within scope) as the API's
// own JSON objects at the given depth, for callers that want the full detail.
func (c *Client) ListDatacentersRaw(ctx context.Context, depth int32) ([]Datacenter, []map[string]any, error) {
	type item struct {
		dc  Datacenter
		raw map[string]any
	}
	all, err := allPages(ctx, c.pageSize, func(ctx context.Context, offset, limit int32) (page[item], error) {
		ctx, cancel := c.call(ctx)
		defer cancel()
		_, resp, err := c.api.DataCentersApi.DatacentersGet(ctx).Depth(depth).Offset(offset).Limit(limit).Pretty(false).Execute()
		if err := apierror.From("listing data centers", resp, err); err != nil {
			if _, ok := lenient.Decode[lenient.Collection](resp, err); !ok {
				return page[item]{}, err
			}
		}
		var col struct {
			Items []map[string]any `json:"items"`
			Links struct {
				Self string `json:"self"`
				Next string `json:"next"`
			} `json:"_links"`
		}
		if err := json.Unmarshal(resp.Payload, &col); err != nil {
			return page[item]{}, fmt.Errorf("listing data centers: decoding the answer: %w", err)
		}
		var lc lenient.Collection
		if err := json.Unmarshal(resp.Payload, &lc); err != nil || len(lc.Items) != len(col.Items) {
			return page[item]{}, fmt.Errorf("listing data centers: the answer's items could not be read")
		}
		p := page[item]{hasNext: col.Links.Next != "", linked: col.Links.Self != "" || col.Links.Next != ""}
		for i, raw := range col.Items {
			p.items = append(p.items, item{dc: datacenterFromLenient(lc.Items[i]), raw: raw})
		}
		return p, nil
	})
	if err != nil {
		return nil, nil, err
	}
	var dcs []Datacenter
	var raws []map[string]any
	for _, it := range all {
		if c.inScope(it.dc) {
			dcs, raws = append(dcs, it.dc), append(raws, it.raw)
		}
	}
	return dcs, raws, nil
}

// Ping checks the credentials with the cheapest authenticated call: one
// data center, no depth.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := c.call(ctx)
	defer cancel()
	_, resp, err := c.api.DataCentersApi.DatacentersGet(ctx).Depth(0).Limit(1).Pretty(false).Execute()
	if err := apierror.From("checking the credentials", resp, err); err != nil {
		if _, ok := lenient.Decode[lenient.Collection](resp, err); !ok {
			return err
		}
	}
	return nil
}
