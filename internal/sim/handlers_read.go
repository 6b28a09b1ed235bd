package sim

import (
	"net/http"
	"strings"
	"time"
)

// reader renders a read endpoint under the account's read lock. It returns
// the etag for the ETag header of a single resource ("" for a collection).
type reader func(c call, r *renderer, a *account) (etag string, err *apiError)

// readers are the read endpoints, by route; the files handlers_*.go hold
// them by resource area.
var readers = [routeKinds]reader{
	routeDatacenters:   listDatacenters,
	routeDatacenter:    getDatacenter,
	routeServers:       listServers,
	routeServer:        getServer,
	routeServerVolumes: listServerVolumes,
	routeServerVolume:  getServerVolume,
	routeCdroms:        listCdroms,
	routeCdrom:         getCdrom,
	routeImage:         getImage,
	routeVolumes:       listVolumes,
	routeVolume:        getVolume,
	routeServerNics:    listServerNics,
	routeServerNic:     getServerNic,
	routeFirewallRules: listNICNothing("firewallrules"),
	routeFirewallRule:  getNICNothing,
	routeFlowLogs:      listNICNothing("flowlogs"),
	routeFlowLog:       getNICNothing,
	routeLans:          listLans,
	routeLan:           getLan,
	routeLanNics:       listLanNics,
	routeLanNic:        getLanNic,
	routeLoadbalancers: listLoadbalancers,
	routeLoadbalancer:  getLoadbalancer,
	routeBalancedNics:  listBalancedNics,
	routeBalancedNic:   getBalancedNic,
	routeNatGateways:   listDatacenterNothing("natgateways"),
	routeNatGateway:    getDatacenterNothing,
	routeNetworkLBs:    listDatacenterNothing("networkloadbalancers"),
	routeNetworkLB:     getDatacenterNothing,
	routeLabels:        listLabels,
	routeLabel:         getLabel,
	routeServerLabels:  listServerLabels,
	routeServerLabel:   getServerLabel,
}

// respond renders fn under the account's read lock into the call's buffer.
// The ETag header goes with a single-resource GET only when the client did
// not ask for a depth, as documented.
func (s *Simulator) respond(c call, fn reader) reply {
	jw := c.jw
	jw.reset(c.q.pretty)
	var etag string
	var aerr *apiError
	c.acct.view(s.clock.Now(), func(now time.Time) {
		r := renderer{w: jw, base: c.base, now: now, userID: c.acct.userID, reqOwner: c.acct.owner()}
		etag, aerr = fn(c, &r, c.acct)
	})
	if aerr != nil {
		return aerr.reply()
	}
	if etag != "" && !c.q.depthSet {
		c.h["Etag"] = []string{etag}
	}
	return reply{status: http.StatusOK, ctype: hdrJSON, body: jw.finish()}
}

// owner is the createdBy of the account's requests: its user name when it
// has one, else the dataset's bookkeeping identity.
func (a *account) owner() string {
	if a.username != "" {
		return a.username
	}
	return createdBy
}

// page builds the window of a paged collection at collectionURL.
func (c call) page(collectionURL string) page {
	return page{offset: c.q.offset, limit: c.q.limit, linkPrefix: c.q.linkPrefix(collectionURL)}
}

// listing is a top-level collection about to be written.
type listing[T any] struct {
	what   string   // what the items are, for error messages: "servers"
	id     string   // the collection's id: "datacenters", "{serverId}/volumes"
	href   []string // its absolute URL, in parts
	items  []T      // in stored order
	fields fieldSet
	field  fieldFunc[T]
	item   func(it T, depth int) // nil for a collection that is always empty
}

// writeList applies the list modifiers and writes the page, each item at
// the collection's depth minus one.
func writeList[T any](c call, r *renderer, l listing[T]) *apiError {
	if err := c.q.mods.checkOrderBy(l.what, l.fields); err != nil {
		return err
	}
	items := selectItems(l.items, c.q.mods, l.fields, l.field)
	r.collection(l.id, l.href, c.page(strings.Join(l.href, "")), len(items), func(i int) {
		l.item(items[i], c.q.depth-1)
	})
	return nil
}

// getInfo is GET /cloudapi/v6/: no authentication, as in the spec.
func (s *Simulator) getInfo(c call) reply {
	jw := c.jw
	jw.reset(c.q.pretty)
	jw.beginObject()
	jw.kconcat("href", c.base, "/")
	jw.kstr("name", "CLOUD API")
	jw.kstr("version", "6.0")
	jw.endObject()
	return reply{status: http.StatusOK, ctype: hdrJSON, body: jw.finish()}
}

func listDatacenters(c call, r *renderer, a *account) (string, *apiError) {
	return "", writeList(c, r, listing[*dcState]{what: "data centers", id: "datacenters",
		href: []string{c.base, "/datacenters"}, items: a.dcs, fields: datacenterFields, field: datacenterField,
		item: r.datacenter})
}

func getDatacenter(c call, r *renderer, a *account) (string, *apiError) {
	dc := a.dcByID[c.route.dcID]
	if dc == nil {
		return "", errNotFound
	}
	r.datacenter(dc, c.q.depth)
	return dc.etag, nil
}

func listServers(c call, r *renderer, a *account) (string, *apiError) {
	dc := a.dcByID[c.route.dcID]
	if dc == nil {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*srvState]{what: "servers", id: dc.id + "/servers",
		href: []string{c.base, "/datacenters/", dc.id, "/servers"}, items: dc.servers, fields: serverFields,
		field: serverField, item: r.server})
}

func getServer(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	r.server(srv, c.q.depth)
	return srv.etag, nil
}

// listDatacenterNothing lists a data center's resources of a kind the
// simulator does not model (NAT gateways, network load balancers): there
// are none, so the hrefs the data center renders still answer.
func listDatacenterNothing(name string) reader {
	return func(c call, r *renderer, a *account) (string, *apiError) {
		dc := a.dcByID[c.route.dcID]
		if dc == nil {
			return "", errNotFound
		}
		return "", writeList(c, r, listing[*dcState]{id: dc.id + "/" + name,
			href: []string{c.base, "/datacenters/", dc.id, "/", name}})
	}
}

// getDatacenterNothing: no such resource exists in any data center.
func getDatacenterNothing(call, *renderer, *account) (string, *apiError) {
	return "", errNotFound
}
