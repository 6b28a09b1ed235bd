package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/reconcile"
)

// ListServers returns every server of a data center with its power state.
// dc.Name, when set, is copied into each server.
func (c *Client) ListServers(ctx context.Context, dc Datacenter) ([]Server, error) {
	if !IsUUID(dc.ID) {
		return nil, fmt.Errorf("data center id %q is not a UUID", dc.ID)
	}
	if dc.Name != "" && !c.inScope(dc) {
		return nil, &OutOfScopeError{Ref: dc.Name}
	}
	servers, err := allPages(ctx, c.pageSize, func(ctx context.Context, offset, limit int32) (page[Server], error) {
		return c.serverPage(ctx, dc, offset, limit)
	})
	if err != nil {
		return nil, err
	}
	for _, s := range servers {
		c.dcOfServer.Store(s.ID, dc)
	}
	return servers, nil
}

func (c *Client) serverPage(ctx context.Context, dc Datacenter, offset, limit int32) (page[Server], error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	col, resp, err := c.api.ServersApi.DatacentersServersGet(ctx, dc.ID).Depth(1).Offset(offset).Limit(limit).Pretty(false).Execute()
	if err := apierror.From(fmt.Sprintf("listing servers of data center %s", dc.ID), resp, err); err != nil {
		if apierror.StatusOf(err) == 404 {
			return page[Server]{}, &NotFoundError{Kind: "data center", Ref: dc.ID}
		}
		if l, ok := lenient.Decode[lenient.Collection](resp, err); ok {
			return serverPageFromLenient(l, dc), nil
		}
		return page[Server]{}, err
	}
	p := page[Server]{hasNext: col.Links != nil && col.Links.Next != nil, linked: sdkLinked(col.Links)}
	if col.Items != nil {
		p.items = make([]Server, 0, len(*col.Items))
		for _, s := range *col.Items {
			p.items = append(p.items, serverFrom(s, dc))
		}
	}
	return p, nil
}

// GetServer reads one server. raw is the API's own JSON at the given depth,
// for callers that want the full object.
func (c *Client) GetServer(ctx context.Context, dc Datacenter, id string, depth int32) (s Server, raw json.RawMessage, err error) {
	if !IsUUID(dc.ID) || !IsUUID(id) {
		return Server{}, nil, fmt.Errorf("server %q in data center %q: ids must be UUIDs", id, dc.ID)
	}
	ctx, cancel := c.call(ctx)
	defer cancel()
	got, resp, err := c.api.ServersApi.DatacentersServersFindById(ctx, dc.ID, id).Depth(depth).Pretty(false).Execute()
	if err := apierror.From("reading server "+id, resp, err); err != nil {
		if apierror.StatusOf(err) == 404 {
			return Server{}, nil, &NotFoundError{Kind: "server", Ref: id, Scope: describeDC(dc)}
		}
		l, ok := lenient.Decode[lenient.Resource](resp, err)
		if !ok {
			return Server{}, nil, err
		}
		s = serverFromLenient(l, dc)
	} else {
		s = serverFrom(got, dc)
	}
	if !strings.EqualFold(s.ID, id) {
		return Server{}, nil, fmt.Errorf("reading server %s: the API answered with server %q instead", id, truncate(s.ID, 40))
	}
	c.dcOfServer.Store(s.ID, dc)
	return s, json.RawMessage(resp.Payload), nil
}

// PowerAction asks the API to start, stop, reboot, suspend or resume a
// server and returns the id of the request it created. It does not check
// that the action fits the server; see Action.Check.
//
// The POST is sent once and never repeated. When its answer is lost, the
// client looks for the request it may have created (see
// internal/cloud/reconcile): if found, the action was accepted and its id
// is returned; if not, an *UnconfirmedWriteError says so.
func (c *Client) PowerAction(ctx context.Context, s Server, a Action) (requestID string, err error) {
	if !IsUUID(s.DatacenterID) || !IsUUID(s.ID) {
		return "", fmt.Errorf("server %q in data center %q: ids must be UUIDs", s.ID, s.DatacenterID)
	}
	callID, sent := reconcile.NewCallID(), time.Now()
	postCtx, cancel := reconcile.WithReserve(ctx)
	defer cancel()
	id, err := c.post(reconcile.WithCallID(postCtx, callID), s, a)
	if err == nil || !reconcile.Ambiguous(err) {
		return id, err
	}
	c.log.Warn("a write's answer was lost; looking for the request it may have created", "action", a, "server", s.ID, "err", err)
	path := fmt.Sprintf("/datacenters/%s/servers/%s/%s", s.DatacenterID, s.ID, a)
	found, ok, ferr := reconcile.Find(ctx, c.searchRequests, path, callID, sent)
	if ok {
		c.log.Info("the lost write was accepted", "action", a, "server", s.ID, "request", found)
		return found, nil
	}
	return "", &UnconfirmedWriteError{Action: a, Server: s, Cause: err, Checked: ferr == nil}
}

// post sends one power action.
func (c *Client) post(ctx context.Context, s Server, a Action) (requestID string, err error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	sv := c.api.ServersApi
	var resp *ionoscloud.APIResponse
	switch a {
	case Start:
		resp, err = sv.DatacentersServersStartPost(ctx, s.DatacenterID, s.ID).Pretty(false).Execute()
	case Stop:
		resp, err = sv.DatacentersServersStopPost(ctx, s.DatacenterID, s.ID).Pretty(false).Execute()
	case Reboot:
		resp, err = sv.DatacentersServersRebootPost(ctx, s.DatacenterID, s.ID).Pretty(false).Execute()
	case Suspend:
		resp, err = sv.DatacentersServersSuspendPost(ctx, s.DatacenterID, s.ID).Pretty(false).Execute()
	case Resume:
		resp, err = sv.DatacentersServersResumePost(ctx, s.DatacenterID, s.ID).Pretty(false).Execute()
	default:
		return "", fmt.Errorf("unknown action %q", a)
	}
	op := fmt.Sprintf("%s of server %s", a, s.ID)
	if err := apierror.From(op, resp, err); err != nil {
		if apierror.StatusOf(err) == 404 {
			return "", &NotFoundError{Kind: "server", Ref: s.ID, Scope: describeDC(Datacenter{ID: s.DatacenterID, Name: s.DatacenterName})}
		}
		return "", err
	}
	id, perr := RequestIDFromLocation(resp.Header.Get("Location"))
	if perr != nil {
		return "", fmt.Errorf("%s: the API accepted the action (%d) but named no request to follow: %w", op, resp.StatusCode, perr)
	}
	return id, nil
}

func serverFrom(s ionoscloud.Server, dc Datacenter) Server {
	out := Server{ID: str(s.Id), DatacenterID: dc.ID, DatacenterName: dc.Name}
	if p := s.Properties; p != nil {
		out.Name, out.Type, out.VMState = str(p.Name), str(p.Type), str(p.VmState)
		out.Cores, out.RAM = int(i32(p.Cores)), int(i32(p.Ram))
		out.CPUFamily, out.AvailabilityZone = str(p.CpuFamily), str(p.AvailabilityZone)
	}
	if m := s.Metadata; m != nil {
		out.State, out.Etag = str(m.State), str(m.Etag)
	}
	return out
}

func serverFromLenient(r lenient.Resource, dc Datacenter) Server {
	p := r.Properties
	return Server{ID: r.ID, Name: string(p.Name), DatacenterID: dc.ID, DatacenterName: dc.Name,
		Type: string(p.Type), VMState: string(p.VMState), State: string(r.Metadata.State),
		Cores: p.Cores.Int(), RAM: p.RAM.Int(),
		CPUFamily: string(p.CPUFamily), AvailabilityZone: string(p.AvailabilityZone), Etag: string(r.Metadata.Etag)}
}

func serverPageFromLenient(l lenient.Collection, dc Datacenter) page[Server] {
	p := page[Server]{hasNext: l.Links.Next != "", linked: l.Links.Linked(), items: make([]Server, 0, len(l.Items))}
	for _, r := range l.Items {
		p.items = append(p.items, serverFromLenient(r, dc))
	}
	return p
}

func describeDC(dc Datacenter) string {
	if dc.Name != "" {
		return fmt.Sprintf("data center %q (%s)", dc.Name, dc.ID)
	}
	return "data center " + dc.ID
}
