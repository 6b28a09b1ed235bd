package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// The deep inventory: GET /datacenters?depth=3 returns data centers with
// their servers inlined (entities.servers.items, each server with its
// properties and metadata), and with their volumes, LANs and load
// balancers, which the client skips as they stream past. Nested
// collections are not paged by the API; one that comes back without
// items, or that says it has more (_links.next), is listed with
// GET /datacenters/{id}/servers instead, so nothing is lost whatever the
// API does.

// inventoryDepth is the depth that inlines server properties: the data
// center at depth 2 in the collection, its servers collection at 1, each
// server at 0 (metadata and properties, entities as references).
const inventoryDepth = 3

// deepItem is one data center of a deep page with the servers it inlined.
type deepItem struct {
	dc       Datacenter
	servers  []Server
	complete bool // the nested servers collection was present and whole
}

// deepItems reads the account in deep pages: the first one alone, then,
// when there are more, the rest in parallel, sized from what the first
// cost. With fallback, a page that fails in a way listing one data center
// at a time gets around is replaced by that.
func (c *Client) deepItems(ctx context.Context, m *meter, st *InventoryStats, fallback bool) ([]deepItem, error) {
	limit := c.costs.firstLimit()
	first, err := c.deepPage(ctx, m, 0, limit)
	if err != nil {
		if !fallback || !replaceable(ctx, err) {
			return nil, err
		}
		c.deepFailed(st, limit, err)
		return c.datacenterItems(ctx, m)
	}
	st.DeepPages++
	if first.last(limit) {
		return first.items, nil
	}
	rest, err := c.deepRest(ctx, m, st, int32(len(first.items)), fallback)
	if err != nil {
		return nil, err
	}
	return append(first.items, rest...), nil
}

// deepRest reads the data centers from offset on: it counts them (one
// cheap request at depth 0), then fetches pages of them in parallel.
func (c *Client) deepRest(ctx context.Context, m *meter, st *InventoryStats, offset int32, fallback bool) ([]deepItem, error) {
	n, err := c.countDatacenters(ctx, m, offset)
	if err != nil || n == 0 {
		return nil, err
	}
	ranges := split(offset, n, c.costs.pageLimit())
	results := make([]page[deepItem], len(ranges))
	var mu sync.Mutex // guards st
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallelism)
	for i, r := range ranges {
		g.Go(func() error {
			p, err := c.deepPage(gctx, m, r.offset, r.limit)
			if err == nil {
				mu.Lock()
				st.DeepPages++
				mu.Unlock()
				results[i] = p
				return nil
			}
			if !fallback || !replaceable(gctx, err) {
				return err
			}
			mu.Lock()
			c.deepFailed(st, r.limit, err)
			mu.Unlock()
			dcs, err := c.datacenterPage(gctx, m, r.offset, r.limit)
			results[i] = page[deepItem]{items: incomplete(dcs.items), hasNext: dcs.hasNext, linked: dcs.linked}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var all []deepItem
	for _, p := range results {
		all = append(all, p.items...)
	}
	// Data centers created since the count follow the last page.
	if last := results[len(results)-1]; !last.last(ranges[len(ranges)-1].limit) {
		more, err := c.deepRest(ctx, m, st, offset+int32(len(all)), fallback)
		if err != nil {
			return nil, err
		}
		all = append(all, more...)
	}
	return all, nil
}

// deepFailed records a deep page that had to be replaced.
func (c *Client) deepFailed(st *InventoryStats, limit int32, err error) {
	why := describeFailure(err)
	if st.Fallback == "" {
		st.Fallback = why
	}
	c.costs.failed(time.Now(), limit, err)
	c.log.Warn("a deep inventory page was replaced by listing its data centers one by one", "datacenters", limit, "reason", why, "err", err)
}

type pageRange struct{ offset, limit int32 }

// split cuts n items from offset into even pages of at most limit.
func split(offset, n, limit int32) []pageRange {
	pages := (n + limit - 1) / limit
	size := (n + pages - 1) / pages
	out := make([]pageRange, 0, pages)
	for o := offset; o < offset+n; o += size {
		out = append(out, pageRange{o, min(size, offset+n-o)})
	}
	return out
}

// maxCountPage is the page size of the count: the API's largest.
const maxCountPage = 10000

// countDatacenters counts the data centers from offset on, at depth 0
// (references only: about 150 bytes a data center).
func (c *Client) countDatacenters(ctx context.Context, m *meter, offset int32) (int32, error) {
	var n int32
	for pages := 0; pages < maxPages; pages++ {
		cctx, cancel := c.call(ctx)
		got := int32(0)
		links, _, err := c.streamCollection(cctx, m, "counting data centers", "/datacenters", collectionQuery(0, offset+n, maxCountPage), func(dec *json.Decoder) error {
			var ref struct{}
			got++
			return dec.Decode(&ref)
		})
		cancel()
		if err != nil {
			return 0, err
		}
		n += got
		if lastPage(int(got), maxCountPage, links.Next != "", links.Linked()) {
			return n, nil
		}
	}
	return n, errors.New("counting data centers: the collection did not end")
}

// deepPage fetches one page of data centers at depth 3, within the deep
// time budget, and teaches the client what it cost.
func (c *Client) deepPage(ctx context.Context, m *meter, offset, limit int32) (page[deepItem], error) {
	pctx, cancel := context.WithTimeout(ctx, deepBudget(ctx))
	defer cancel()
	start := time.Now()
	var p page[deepItem]
	links, n, err := c.streamCollection(pctx, m, "listing data centers with their servers", "/datacenters",
		collectionQuery(inventoryDepth, offset, limit), func(dec *json.Decoder) error {
			var d lenient.DeepDatacenter
			if err := dec.Decode(&d); err != nil {
				return err
			}
			if d.ID == "" {
				return errors.New("a data center has no id")
			}
			p.items = append(p.items, deepItemFromLenient(d))
			return nil
		})
	if err != nil {
		return page[deepItem]{}, err
	}
	p.hasNext, p.linked = links.Next != "", links.Linked()
	c.costs.observe(n, len(p.items), time.Since(start))
	return p, nil
}

// deepBudget is the time one deep page may take: maxDeepTime, and never
// more than a third of what is left, so that listing its data centers one
// by one still fits when it runs out.
func deepBudget(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return maxDeepTime
	}
	return min(maxDeepTime, time.Until(dl)/3)
}

func deepItemFromLenient(d lenient.DeepDatacenter) deepItem {
	it := deepItem{dc: datacenterFromLenient(d.Resource)}
	ns := d.Entities.Servers
	if ns == nil || ns.Items == nil || ns.Links.Next != "" {
		return it // no items, or a paged nested collection: list this data center on its own
	}
	servers := make([]Server, 0, len(*ns.Items))
	for _, s := range *ns.Items {
		if s.ID == "" {
			return it // a server without id: ask for this data center's servers on their own
		}
		servers = append(servers, serverFromLenient(s, it.dc))
	}
	it.servers, it.complete = servers, true
	return it
}
