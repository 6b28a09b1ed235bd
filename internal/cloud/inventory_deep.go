package cloud

import (
	"context"
	"fmt"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// The deep inventory: GET /datacenters?depth=3 returns every data center
// with its servers inlined (entities.servers.items, each server with its
// properties and metadata), so one request per page of data centers covers
// the account. Nested collections are not paged by the API; a nested
// collection that comes back without items, or that says it has more
// (_links.next), is listed with GET /datacenters/{id}/servers instead, so
// nothing is lost whatever the API does.

// inventoryDepth is the depth that inlines server properties: the data
// center at depth 2 in the collection, its servers collection at 1, each
// server at 0 (metadata and properties, entities as references).
const inventoryDepth = 3

// Deep pages are sized in data centers, but what they cost (bytes, memory,
// time to build and decode) grows with the servers they inline. The first
// page asks for deepPageSize data centers; each later page is sized from
// the servers per data center seen so far, so that it inlines about
// deepPageServers servers (at least one data center, at most deepPageSize).
var (
	deepPageSize    int32 = 1000
	deepPageServers       = 10000
)

// nextDeepLimit sizes the next deep page from what the pages so far held.
func nextDeepLimit(dcs, servers int) int32 {
	if dcs == 0 || servers == 0 {
		return deepPageSize
	}
	perDC := float64(servers) / float64(dcs)
	n := int32(float64(deepPageServers) / perDC)
	return min(max(n, 1), deepPageSize)
}

// deepPages fetches every page of the deep listing. Like allPages, it
// follows _links.next and also keeps going after a full page without links.
func (c *Client) deepPages(ctx context.Context) ([]deepItem, error) {
	var all []deepItem
	servers := 0
	limit := deepPageSize
	for offset, n := int32(0), 0; ; n++ {
		if n >= maxPages {
			return all, fmt.Errorf("collection did not end after %d pages", maxPages)
		}
		p, err := c.deepPage(ctx, offset, limit)
		if err != nil {
			return all, err
		}
		for _, it := range p.items {
			servers += len(it.servers)
		}
		all = append(all, p.items...)
		if p.last(limit) {
			return all, nil
		}
		offset += int32(len(p.items))
		limit = nextDeepLimit(len(all), servers)
	}
}

// deepItem is one data center of a deep page with the servers it inlined.
type deepItem struct {
	dc       Datacenter
	servers  []Server
	complete bool // the nested servers collection was present and whole
}

// deepPage fetches one page of data centers at depth 3.
func (c *Client) deepPage(ctx context.Context, offset, limit int32) (page[deepItem], error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	col, resp, err := c.api.DataCentersApi.DatacentersGet(ctx).Depth(inventoryDepth).Offset(offset).Limit(limit).Pretty(false).Execute()
	if err := apierror.From("listing data centers with their servers", resp, err); err != nil {
		if l, ok := lenient.Decode[lenient.DeepCollection](resp, err); ok {
			return deepPageFromLenient(l), nil
		}
		return page[deepItem]{}, err
	}
	if resp != nil {
		resp.Payload = nil // the body is decoded: let it go before the next page arrives
	}
	p := page[deepItem]{hasNext: col.Links != nil && col.Links.Next != nil, linked: sdkLinked(col.Links)}
	if col.Items == nil {
		return p, nil
	}
	items := *col.Items
	p.items = make([]deepItem, 0, len(items))
	for i := range items {
		p.items = append(p.items, deepItemFrom(&items[i]))
		items[i] = ionoscloud.Datacenter{} // drop the SDK model as soon as it is read
	}
	return p, nil
}

func deepItemFrom(d *ionoscloud.Datacenter) deepItem {
	it := deepItem{dc: datacenterFrom(*d)}
	if d.Entities == nil || d.Entities.Servers == nil || d.Entities.Servers.Items == nil {
		return it
	}
	nested := d.Entities.Servers
	if nested.Links != nil && nested.Links.Next != nil {
		return it // a paged nested collection: list this data center on its own
	}
	it.complete = true
	it.servers = make([]Server, 0, len(*nested.Items))
	for _, s := range *nested.Items {
		it.servers = append(it.servers, serverFrom(s, it.dc))
	}
	return it
}

// deepPageFromLenient reads a deep page the SDK could not decode.
func deepPageFromLenient(l lenient.DeepCollection) page[deepItem] {
	p := page[deepItem]{hasNext: l.Links.Next != "", linked: l.Links.Linked(), items: make([]deepItem, 0, len(l.Items))}
	for _, r := range l.Items {
		it := deepItem{dc: datacenterFromLenient(r.Resource)}
		if ns := r.Entities.Servers; ns != nil && ns.Items != nil && ns.Links.Next == "" {
			it.complete = true
			it.servers = make([]Server, 0, len(*ns.Items))
			for _, s := range *ns.Items {
				it.servers = append(it.servers, serverFromLenient(s, it.dc))
			}
		}
		p.items = append(p.items, it)
	}
	return p
}
