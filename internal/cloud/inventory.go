package cloud

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Inventory is every data center of an account and every server in them.
type Inventory struct {
	Datacenters []Datacenter
	Servers     []Server // grouped by data center, in the order of Datacenters
}

// Plan is a way of listing the whole inventory.
type Plan int

// The plans.
const (
	// PlanAuto is the plan Inventory uses: PlanDeep (see Client.Inventory).
	PlanAuto Plan = iota
	// PlanDeep lists data centers at depth 3, servers inlined: one request
	// per page of data centers.
	PlanDeep
	// PlanFanOut lists data centers, then the servers of each, with a
	// bounded number of requests in flight: one request per data center
	// (per page of its servers).
	PlanFanOut
)

func (p Plan) String() string {
	switch p {
	case PlanDeep:
		return "deep"
	case PlanFanOut:
		return "fan-out"
	}
	return "auto"
}

// Inventory lists every data center and every server, in the fewest
// requests the API allows: the deep plan, one GET /datacenters?depth=3 per
// page of data centers (one request for up to 1,000 data centers). The
// rule was chosen by measurement (BENCHMARKS.md, 50 ms of latency, shapes
// from 3x4 to 500x20 and 1x5000): the deep plan takes 1 request where the
// fan-out takes 1 + one per data center (and per 1,000 servers), and it is
// faster on every shape but few very large data centers (10x1000: 0.43 s
// against 0.28 s with 32 in flight, for 21 requests), where the fewer
// requests still win: they are what the API's rate limit counts, and a
// fan-out past its burst waits for it (100x20 under 600/min, burst 50:
// 5.7 s against 0.13 s). What adapts to the account's shape is the paging:
//
//   - the first page asks for 1,000 data centers; each later one is sized
//     to inline about 10,000 servers, from the servers per data center
//     seen so far, which bounds the memory a page takes;
//   - a data center whose nested servers the API did not give in full (no
//     items, or a next link) is listed on its own, with at most
//     Config.Parallelism requests in flight;
//   - every page is followed; data centers out of scope are dropped with
//     their servers; every server's data center is remembered.
func (c *Client) Inventory(ctx context.Context) (Inventory, error) {
	return c.InventoryPlan(ctx, PlanAuto)
}

// InventoryPlan lists every data center and every server with the given plan.
func (c *Client) InventoryPlan(ctx context.Context, plan Plan) (Inventory, error) {
	if plan == PlanFanOut {
		return c.inventoryFanOut(ctx)
	}
	return c.inventoryDeep(ctx)
}

func (c *Client) inventoryFanOut(ctx context.Context) (Inventory, error) {
	dcs, err := c.ListDatacenters(ctx)
	if err != nil {
		return Inventory{}, err
	}
	servers, err := c.ServersOf(ctx, dcs)
	if err != nil {
		return Inventory{}, err
	}
	return Inventory{Datacenters: dcs, Servers: servers}, nil
}

func (c *Client) inventoryDeep(ctx context.Context) (Inventory, error) {
	items, err := c.deepPages(ctx)
	if err != nil {
		return Inventory{}, err
	}
	inv := Inventory{Datacenters: make([]Datacenter, 0, len(items))}
	var missing []Datacenter // nested collections the API did not give in full
	per := make([][]Server, 0, len(items))
	n := 0
	for _, it := range items {
		if !c.inScope(it.dc) {
			continue
		}
		inv.Datacenters = append(inv.Datacenters, it.dc)
		if !it.complete {
			missing = append(missing, it.dc)
		}
		per = append(per, it.servers)
		n += len(it.servers)
	}
	if len(missing) > 0 {
		got, err := c.ServersOf(ctx, missing)
		if err != nil {
			return Inventory{}, err
		}
		// Put each data center's servers in its place.
		byDC := make(map[string][]Server, len(missing))
		for _, s := range got {
			byDC[s.DatacenterID] = append(byDC[s.DatacenterID], s)
		}
		for i, dc := range inv.Datacenters {
			if s, ok := byDC[dc.ID]; ok {
				per[i] = s
				n += len(s)
			}
		}
	}
	inv.Servers = make([]Server, 0, n)
	for i, servers := range per {
		dc := inv.Datacenters[i]
		for _, s := range servers {
			c.dcOfServer.Store(s.ID, dc)
		}
		inv.Servers = append(inv.Servers, servers...)
	}
	return inv, nil
}

// ServersOf lists the servers of several data centers concurrently and
// returns them grouped in the order of dcs.
func (c *Client) ServersOf(ctx context.Context, dcs []Datacenter) ([]Server, error) {
	per := make([][]Server, len(dcs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallelism)
	for i, dc := range dcs {
		g.Go(func() error {
			s, err := c.ListServers(gctx, dc)
			per[i] = s
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	n := 0
	for _, s := range per {
		n += len(s)
	}
	all := make([]Server, 0, n)
	for _, s := range per {
		all = append(all, s...)
	}
	return all, nil
}
