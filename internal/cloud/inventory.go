package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// Inventory is every data center of an account and every server in them.
type Inventory struct {
	Datacenters []Datacenter
	Servers     []Server // grouped by data center, in the order of Datacenters
	Stats       InventoryStats
}

// InventoryStats says how an inventory was read and what it cost.
type InventoryStats struct {
	Plan          Plan          // the plan asked for
	Requests      int64         // API requests sent
	Bytes         int64         // bytes of the API's answers
	Took          time.Duration // wall time
	DeepPages     int           // deep pages that arrived
	PerDatacenter int           // data centers whose servers were listed on their own
	Fallback      string        // why deep pages were replaced by per-data-center listing, if they were
}

// Plan is a way of listing the whole inventory.
type Plan int

// The plans.
const (
	// PlanAuto is what Inventory uses: deep pages sized from what the
	// account cost before, replaced by per-data-center listing where
	// they fail or are too slow (see Client.Inventory).
	PlanAuto Plan = iota
	// PlanDeep lists data centers at depth 3, servers inlined, and fails
	// where a deep page fails.
	PlanDeep
	// PlanPerDatacenter lists data centers, then the servers of each,
	// with a bounded number of requests in flight.
	PlanPerDatacenter
)

func (p Plan) String() string {
	switch p {
	case PlanDeep:
		return "deep"
	case PlanPerDatacenter:
		return "per-datacenter"
	}
	return "auto"
}

// Inventory lists every data center and every server, in few requests and
// within a time budget per request:
//
//   - deep pages, GET /datacenters?depth=3, each data center with its
//     servers inlined; one request for up to 64 data centers, and for a
//     larger account pages sized from what the first one cost (bytes and
//     time per data center), fetched in parallel;
//   - a deep page that fails with a timeout, a gateway error or an answer
//     too large is replaced by per-data-center listing of its data
//     centers (GET /datacenters/{id}/servers?depth=1), and the client
//     avoids deep pages for a while after (planCosts); so it does while
//     the account's data centers are known to be large (2 MB and more in
//     a deep page), where listing them one by one moves less than half
//     the bytes, in parallel;
//   - a data center whose nested servers the API did not give in full is
//     listed on its own; data centers out of scope are dropped with their
//     servers; every server's data center is remembered.
//
// Answers are read as a stream and never held whole (maxAnswerBytes caps
// each one).
func (c *Client) Inventory(ctx context.Context) (Inventory, error) {
	return c.InventoryPlan(ctx, PlanAuto)
}

// InventoryPlan lists every data center and every server with the given plan.
func (c *Client) InventoryPlan(ctx context.Context, plan Plan) (Inventory, error) {
	start, m := time.Now(), &meter{}
	st := InventoryStats{Plan: plan}
	items, err := c.inventoryItems(ctx, m, plan, &st)
	if err != nil {
		return Inventory{}, err
	}
	inv, err := c.assemble(ctx, m, items, &st)
	if err != nil {
		return Inventory{}, err
	}
	st.Requests, st.Bytes, st.Took = m.requests.Load(), m.bytes.Load(), time.Since(start)
	inv.Stats = st
	c.log.Debug("inventory", "plan", plan, "datacenters", len(inv.Datacenters), "servers", len(inv.Servers),
		"requests", st.Requests, "bytes", st.Bytes, "deep_pages", st.DeepPages, "per_datacenter", st.PerDatacenter,
		"fallback", st.Fallback, "took", st.Took)
	return inv, nil
}

func (c *Client) inventoryItems(ctx context.Context, m *meter, plan Plan, st *InventoryStats) ([]deepItem, error) {
	switch plan {
	case PlanPerDatacenter:
		return c.datacenterItems(ctx, m)
	case PlanDeep:
		return c.deepItems(ctx, m, st, false)
	}
	if why, avoid := c.costs.avoidDeep(time.Now()); avoid {
		st.Fallback = why
		return c.datacenterItems(ctx, m)
	}
	return c.deepItems(ctx, m, st, true)
}

// datacenterItems lists the data centers alone; assemble lists the
// servers of each.
func (c *Client) datacenterItems(ctx context.Context, m *meter) ([]deepItem, error) {
	dcs, err := c.listDatacenters(ctx, m)
	if err != nil {
		return nil, err
	}
	return incomplete(dcs), nil
}

func incomplete(dcs []Datacenter) []deepItem {
	items := make([]deepItem, len(dcs))
	for i, dc := range dcs {
		items[i] = deepItem{dc: dc}
	}
	return items
}

// assemble keeps the data centers in scope, lists the servers of those
// whose servers are not in hand, and flattens the result.
func (c *Client) assemble(ctx context.Context, m *meter, items []deepItem, st *InventoryStats) (Inventory, error) {
	inv := Inventory{Datacenters: make([]Datacenter, 0, len(items))}
	var missing []Datacenter
	per := make([][]Server, 0, len(items))
	for _, it := range items {
		if !c.inScope(it.dc) {
			continue
		}
		inv.Datacenters = append(inv.Datacenters, it.dc)
		if !it.complete {
			missing = append(missing, it.dc)
		}
		per = append(per, it.servers)
	}
	if len(missing) > 0 {
		got, err := c.serversOf(ctx, m, missing)
		if err != nil {
			return Inventory{}, err
		}
		st.PerDatacenter = len(missing)
		byDC := make(map[string][]Server, len(missing))
		for _, s := range got {
			byDC[s.DatacenterID] = append(byDC[s.DatacenterID], s)
		}
		for i, dc := range inv.Datacenters {
			if s, ok := byDC[dc.ID]; ok {
				per[i] = s
			}
		}
	}
	n := 0
	for _, s := range per {
		n += len(s)
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

// serversOf lists the servers of several data centers concurrently and
// returns them grouped in the order of dcs.
func (c *Client) serversOf(ctx context.Context, m *meter, dcs []Datacenter) ([]Server, error) {
	per := make([][]Server, len(dcs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallelism)
	for i, dc := range dcs {
		g.Go(func() error {
			s, err := c.listServers(gctx, m, dc)
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

// replaceable reports whether a deep page's failure is one that listing
// its data centers one by one can get around: the page was too slow (its
// own deadline passed, the caller's did not), a gateway gave up or the API
// failed, the answer was too large, or it broke off.
func replaceable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	switch apierror.StatusOf(err) {
	case 500, 502, 503, 504:
		return true
	case 0:
	default:
		return false
	}
	var syn *json.SyntaxError
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, lenient.ErrTooLarge) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syn) || errors.As(err, &ne)
}

// describeFailure names a deep page's failure for InventoryStats.Fallback.
func describeFailure(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "a deep page took longer than its time budget"
	case errors.Is(err, lenient.ErrTooLarge):
		return "a deep page was larger than the client accepts"
	case apierror.StatusOf(err) != 0:
		return fmt.Sprintf("a deep page failed with %d", apierror.StatusOf(err))
	}
	return "a deep page broke off"
}

// SampleServers lists the servers of dcs one data center at a time, as
// PlanPerDatacenter does, and says what it cost: how doctor measures that
// plan on a sample of a large account.
func (c *Client) SampleServers(ctx context.Context, dcs []Datacenter) (InventoryStats, error) {
	start, m := time.Now(), &meter{}
	_, err := c.serversOf(ctx, m, dcs)
	return InventoryStats{Plan: PlanPerDatacenter, Requests: m.requests.Load(), Bytes: m.bytes.Load(),
		Took: time.Since(start), PerDatacenter: len(dcs)}, err
}
