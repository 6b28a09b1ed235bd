package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/reconcile"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
)

// ListServers returns every server of a data center with its power state.
// dc.Name, when set, is copied into each server.
func (c *Client) ListServers(ctx context.Context, dc Datacenter) ([]Server, error) {
	return c.listServers(ctx, nil, dc)
}

func (c *Client) listServers(ctx context.Context, m *meter, dc Datacenter) ([]Server, error) {
	if !IsUUID(dc.ID) {
		return nil, fmt.Errorf("data center id %q is not a UUID", dc.ID)
	}
	if dc.Name != "" && !c.inScope(dc) {
		return nil, HiddenDatacenter(dc.Name)
	}
	servers, err := allPages(ctx, c.pageSize, func(ctx context.Context, offset, limit int32) (page[Server], error) {
		return c.serverPage(ctx, m, dc, offset, limit)
	})
	if err != nil {
		return nil, err
	}
	for _, s := range servers {
		c.dcOfServer.Store(s.ID, dc)
	}
	return servers, nil
}

// serverPage reads one page of a data center's servers at depth 1,
// streamed.
func (c *Client) serverPage(ctx context.Context, m *meter, dc Datacenter, offset, limit int32) (page[Server], error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	var p page[Server]
	op := "listing servers of data center " + dc.ID
	links, _, err := c.streamCollection(ctx, m, op, "/datacenters/"+dc.ID+"/servers", collectionQuery(1, offset, limit), readServers(&p, dc))
	if apierror.StatusOf(err) == 404 {
		return page[Server]{}, c.noDatacenter(dc.ID)
	}
	p.hasNext, p.linked = links.Next != "", links.Linked()
	return p, err
}

// readServers reads the items of a streamed page of dc's servers into p.
func readServers(p *page[Server], dc Datacenter) func(*json.Decoder) error {
	return func(dec *json.Decoder) error {
		var r lenient.Resource
		if err := decodeItem(dec, &r); err != nil {
			return err
		}
		p.items = append(p.items, serverFromLenient(r, dc))
		return nil
	}
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
	id, err := c.postPaced(reconcile.WithCallID(postCtx, callID), s, a)
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

// postPaced sends one power action, again after a 429 when the pause the
// API asked for fits the deadline: a 429 is a refusal before anything ran,
// as sdk-go and ionosctl treat it too, so sending again cannot act twice.
// Sets of actions meet the rate limit; one refusal must not fail them.
func (c *Client) postPaced(ctx context.Context, s Server, a Action) (string, error) {
	for attempt := 1; ; attempt++ {
		id, err := c.post(ctx, s, a)
		var ae *apierror.Error
		if err == nil || !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests || attempt == maxPostAttempts {
			return id, err
		}
		pause := max(ae.RetryAfter, time.Second)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < pause+time.Second {
			return id, err
		}
		c.log.Debug("a write was refused with 429; sending it again after the pause", "action", a, "server", s.ID, "pause", pause)
		if serr := transport.Sleep(ctx, pause); serr != nil {
			return id, err
		}
	}
}

// maxPostAttempts bounds the sends of one write refused with 429.
const maxPostAttempts = 5

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
	out.BootVolume, out.BootCdrom = bootDevices(s)
	return out
}

// bootDevices reads the server's boot volume or CD-ROM: its id from the
// server's properties, and its name, size and type from the entities,
// which the API inlines at depth 2 and more.
func bootDevices(s ionoscloud.Server) (volume, cdrom *BootDevice) {
	p, e := s.Properties, s.Entities
	if p == nil {
		return nil, nil
	}
	if p.BootVolume != nil && p.BootVolume.Id != nil {
		volume = &BootDevice{ID: *p.BootVolume.Id}
		if e != nil && e.Volumes != nil && e.Volumes.Items != nil {
			for _, v := range *e.Volumes.Items {
				if str(v.Id) == volume.ID && v.Properties != nil {
					vp := v.Properties
					volume.Name, volume.Type, volume.LicenceType, volume.Size = str(vp.Name), str(vp.Type), str(vp.LicenceType), f32(vp.Size)
				}
			}
		}
	}
	if p.BootCdrom != nil && p.BootCdrom.Id != nil {
		cdrom = &BootDevice{ID: *p.BootCdrom.Id}
		if e != nil && e.Cdroms != nil && e.Cdroms.Items != nil {
			for _, img := range *e.Cdroms.Items {
				if str(img.Id) == cdrom.ID && img.Properties != nil {
					ip := img.Properties
					cdrom.Name, cdrom.LicenceType, cdrom.Size = str(ip.Name), str(ip.LicenceType), f32(ip.Size)
				}
			}
		}
	}
	return volume, cdrom
}

func f32(p *float32) float64 {
	if p == nil {
		return 0
	}
	return float64(*p)
}

func serverFromLenient(r lenient.Resource, dc Datacenter) Server {
	p := r.Properties
	return Server{ID: r.ID, Name: string(p.Name), DatacenterID: dc.ID, DatacenterName: dc.Name,
		Type: string(p.Type), VMState: string(p.VMState), State: string(r.Metadata.State),
		Cores: p.Cores.Int(), RAM: p.RAM.Int(),
		CPUFamily: string(p.CPUFamily), AvailabilityZone: string(p.AvailabilityZone), Etag: string(r.Metadata.Etag)}
}

func describeDC(dc Datacenter) string {
	if dc.Name != "" {
		return fmt.Sprintf("data center %q (%s)", dc.Name, dc.ID)
	}
	return "data center " + dc.ID
}
