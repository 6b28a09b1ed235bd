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

// Inventory lists all data centers, then the servers of each with a bounded
// number of requests in flight: one request per page, never more than
// Config.Parallelism at once.
func (c *Client) Inventory(ctx context.Context) (Inventory, error) {
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
