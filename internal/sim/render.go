package sim

import (
	"strconv"
	"time"
)

// renderer writes API resources with the depth rules of the package doc.
// base is the absolute API root of this request (scheme://host/cloudapi/v6):
// hrefs point back at the host the client used, as Location does.
type renderer struct {
	w        *jsonWriter
	base     string
	now      time.Time
	userID   string
	reqOwner string // createdBy of requests
}

func (r *renderer) ref(id, typ string, href ...string) {
	w := r.w
	w.kstr("id", id)
	w.kstr("type", typ)
	w.kconcat("href", href...)
}

// metadata writes a DatacenterElementMetadata of a resource of the account.
func (r *renderer) metadata(etag, created, modified, state string) {
	r.metadataBy(etag, created, modified, state, createdBy, r.userID)
}

// metadataBy writes a DatacenterElementMetadata with its author: public
// images are not the account's.
func (r *renderer) metadataBy(etag, created, modified, state, by, byID string) {
	w := r.w
	w.key("metadata")
	w.beginObject()
	w.kstr("etag", etag)
	w.kstr("createdDate", created)
	w.kstr("createdBy", by)
	w.kstr("createdByUserId", byID)
	w.kstr("lastModifiedDate", modified)
	w.kstr("lastModifiedBy", by)
	w.kstr("lastModifiedByUserId", byID)
	w.kstr("state", state)
	w.endObject()
}

// entity writes a nested collection of the resource at ownerHref: only
// {id,type,href} at depth < 0; at depth >= 0 also its n items, which item
// renders at the depth it is given (depth-1). Nested collections are not
// paged.
func (r *renderer) entity(name string, depth int, ownerID string, n int, item func(i, depth int), ownerHref ...string) {
	w := r.w
	w.key(name)
	w.beginObject()
	w.kconcat("id", ownerID, "/", name)
	w.kstr("type", "collection")
	w.key("href")
	w.concatThen(ownerHref, "/", name)
	if depth >= 0 {
		w.key("items")
		w.beginArray()
		for i := range n {
			item(i, depth-1)
		}
		w.endArray()
	}
	w.endObject()
}

// noItems is the item function of a collection that is always empty.
func noItems(int, int) {}

func (r *renderer) datacenter(dc *dcState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(dc.id, "datacenter", r.base, "/datacenters/", dc.id)
	if depth >= 0 {
		r.metadata(dc.etag, dc.created, dc.modified, "AVAILABLE")
		r.datacenterProperties(dc)
		r.datacenterEntities(dc, depth-1)
	}
	w.endObject()
}

func (r *renderer) datacenterProperties(dc *dcState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	w.kstr("name", dc.name)
	w.kstr("description", dc.description)
	w.kstr("location", dc.location)
	w.kint("version", int64(dc.version))
	w.key("features")
	w.beginArray()
	for _, f := range datacenterFeatures {
		w.str(f)
	}
	w.endArray()
	w.kbool("secAuthProtection", false)
	w.key("cpuArchitecture")
	w.beginArray()
	for _, c := range cpuArchitectures {
		w.beginObject()
		w.kstr("cpuFamily", c.family)
		w.kint("maxCores", int64(c.maxCores))
		w.kint("maxRam", int64(c.maxRAM))
		w.kstr("vendor", c.vendor)
		w.endObject()
	}
	w.endArray()
	w.key("ipv6CidrBlock")
	w.null()
	w.endObject()
}

// datacenterEntities writes the nested collections at depth (the data
// center's depth minus one). Network load balancers and NAT gateways are
// not modelled: a data center has none.
func (r *renderer) datacenterEntities(dc *dcState, depth int) {
	w := r.w
	w.key("entities")
	w.beginObject()
	r.entity("servers", depth, dc.id, len(dc.servers), func(i, d int) { r.server(dc.servers[i], d) }, r.base, "/datacenters/", dc.id)
	r.entity("volumes", depth, dc.id, len(dc.volumes), func(i, d int) { r.volume(dc.volumes[i], d) }, r.base, "/datacenters/", dc.id)
	r.entity("loadbalancers", depth, dc.id, len(dc.lbs), func(i, d int) { r.loadbalancer(dc.lbs[i], d) }, r.base, "/datacenters/", dc.id)
	r.entity("lans", depth, dc.id, len(dc.lans), func(i, d int) { r.lan(dc.lans[i], d) }, r.base, "/datacenters/", dc.id)
	r.entity("networkloadbalancers", depth, dc.id, 0, noItems, r.base, "/datacenters/", dc.id)
	r.entity("natgateways", depth, dc.id, 0, noItems, r.base, "/datacenters/", dc.id)
	w.endObject()
}

func (r *renderer) server(s *srvState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(s.id, "server", r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
	if depth >= 0 {
		r.metadata(s.etag, s.created, s.modified, s.state())
		r.serverProperties(s)
		r.serverEntities(s, depth-1)
	}
	w.endObject()
}

func (r *renderer) serverProperties(s *srvState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	if s.templateID != "" {
		w.kstr("templateUuid", s.templateID)
	}
	w.kstr("name", s.name)
	w.kint("cores", int64(s.cores))
	w.kint("ram", int64(s.ram))
	w.kstr("availabilityZone", s.zone)
	w.kstr("vmState", s.vmState)
	// The boot device is a reference whatever the depth, as the spec
	// shapes it (ResourceReference).
	if cd := s.bootCD; cd != nil {
		w.key("bootCdrom")
		w.beginObject()
		r.ref(cd.id, "image", r.base, "/images/", cd.id)
		w.endObject()
	}
	if v := s.bootVol; v != nil {
		w.key("bootVolume")
		w.beginObject()
		r.ref(v.id, "volume", r.base, "/datacenters/", v.dc.id, "/volumes/", v.id)
		w.endObject()
	}
	if s.cpuFamily != "" {
		w.kstr("cpuFamily", s.cpuFamily)
	}
	w.kstr("type", s.typ)
	w.endObject()
}

func (r *renderer) serverEntities(s *srvState, depth int) {
	w := r.w
	w.key("entities")
	w.beginObject()
	r.entity("cdroms", depth, s.id, len(s.cdroms), func(i, d int) { r.image(s.cdroms[i], d) },
		r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
	r.entity("volumes", depth, s.id, len(s.volumes), func(i, d int) { r.volume(s.volumes[i], d) },
		r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
	r.entity("nics", depth, s.id, len(s.nics), func(i, d int) { r.nic(s.nics[i], d) },
		r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
	w.endObject()
}

// request writes a Request: its status is a child rendered at depth-1.
func (r *renderer) request(q *request, depth int) {
	w := r.w
	w.beginObject()
	r.ref(q.id, "request", r.base, "/requests/", q.id)
	if depth >= 0 {
		status := q.status(r.now)
		w.key("metadata")
		w.beginObject()
		w.kstr("createdDate", q.created)
		w.kstr("createdBy", r.reqOwner)
		w.kstr("etag", etagOf(q.id, uint64(statusRank(status))))
		w.key("requestStatus")
		r.requestStatus(q, status, depth-1)
		w.endObject()
		r.requestProperties(q)
	}
	w.endObject()
}

func (r *renderer) requestProperties(q *request) {
	w := r.w
	w.key("properties")
	w.beginObject()
	w.kstr("method", q.method)
	w.key("headers")
	w.beginObject()
	for _, h := range q.headers {
		w.kstr(h.name, h.value)
	}
	w.endObject()
	if q.body != "" {
		w.kstr("body", q.body)
	}
	w.kstr("url", q.url)
	w.endObject()
}

// requestStatus writes a RequestStatus; the status endpoint always renders
// it in full (depth >= 0), whatever depth the client asked for.
func (r *renderer) requestStatus(q *request, status string, depth int) {
	w := r.w
	w.beginObject()
	r.ref(q.id+"/status", "request-status", r.base, "/requests/", q.id, "/status")
	if depth >= 0 {
		w.key("metadata")
		w.beginObject()
		w.kstr("status", status)
		w.kstr("message", statusMessage(status))
		w.kstr("etag", etagOf(q.id+"/status", uint64(statusRank(status))))
		w.key("targets")
		w.beginArray()
		w.beginObject()
		w.key("target")
		w.beginObject()
		r.ref(q.srv.id, "server", r.base, "/datacenters/", q.srv.dc.id, "/servers/", q.srv.id)
		w.endObject()
		w.kstr("status", status)
		w.endObject()
		w.endArray()
		w.endObject()
	}
	w.endObject()
}

func statusRank(status string) int {
	switch status {
	case statusQueued:
		return 1
	case statusRunning:
		return 2
	default:
		return 3
	}
}

// page is the window of a top-level collection and how to link to others.
type page struct {
	offset, limit int
	// linkPrefix is the absolute URL of the collection followed by "?" and
	// the request's other query parameters, ready for "offset=..&limit=..".
	linkPrefix string
}

// window returns the item range [lo, hi) of a collection of total items.
func (p page) window(total int) (lo, hi int) {
	lo = min(p.offset, total)
	hi = lo + min(p.limit, total-lo)
	return lo, hi
}

// collection writes a paged top-level collection; item renders element i.
func (r *renderer) collection(id string, href []string, p page, total int, item func(i int)) {
	w := r.w
	w.beginObject()
	w.kstr("id", id)
	w.kstr("type", "collection")
	w.kconcat("href", href...)
	w.key("items")
	w.beginArray()
	lo, hi := p.window(total)
	for i := lo; i < hi; i++ {
		item(i)
	}
	w.endArray()
	w.kint("offset", int64(p.offset))
	w.kint("limit", int64(p.limit))
	r.links(p, total)
	w.endObject()
}

// links writes _links: prev only when offset > 0, next only when
// offset+limit < total, as sdk-go documents.
func (r *renderer) links(p page, total int) {
	w := r.w
	w.key("_links")
	w.beginObject()
	if p.offset > 0 {
		r.link("prev", max(p.offset-p.limit, 0), p)
	}
	r.link("self", p.offset, p)
	if p.offset+p.limit < total {
		r.link("next", p.offset+p.limit, p)
	}
	w.endObject()
}

func (r *renderer) link(name string, offset int, p page) {
	var num [40]byte
	b := append(num[:0], "offset="...)
	b = strconv.AppendInt(b, int64(offset), 10)
	b = append(b, "&limit="...)
	b = strconv.AppendInt(b, int64(p.limit), 10)
	r.w.kconcat(name, p.linkPrefix, string(b))
}
