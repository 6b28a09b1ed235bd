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

// metadata writes a DatacenterElementMetadata.
func (r *renderer) metadata(etag, created, modified, state string) {
	w := r.w
	w.key("metadata")
	w.beginObject()
	w.kstr("etag", etag)
	w.kstr("createdDate", created)
	w.kstr("createdBy", createdBy)
	w.kstr("createdByUserId", r.userID)
	w.kstr("lastModifiedDate", modified)
	w.kstr("lastModifiedBy", createdBy)
	w.kstr("lastModifiedByUserId", r.userID)
	w.kstr("state", state)
	w.endObject()
}

// emptyCollection writes a nested collection that holds nothing (volumes,
// NICs, ...): the simulator models compute only, but clients that follow
// entities must find a well-formed collection.
func (r *renderer) emptyCollection(name string, depth int, ownerID string, ownerHref ...string) {
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
		w.endArray()
	}
	w.endObject()
}

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
// center's depth minus one).
func (r *renderer) datacenterEntities(dc *dcState, depth int) {
	w := r.w
	w.key("entities")
	w.beginObject()
	w.key("servers")
	w.beginObject()
	w.kconcat("id", dc.id, "/servers")
	w.kstr("type", "collection")
	w.kconcat("href", r.base, "/datacenters/", dc.id, "/servers")
	if depth >= 0 {
		w.key("items")
		w.beginArray()
		for _, s := range dc.servers {
			r.server(s, depth-1)
		}
		w.endArray()
	}
	w.endObject()
	for _, name := range [...]string{"volumes", "loadbalancers", "lans", "networkloadbalancers", "natgateways"} {
		r.emptyCollection(name, depth, dc.id, r.base, "/datacenters/", dc.id)
	}
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
	for _, name := range [...]string{"cdroms", "volumes", "nics"} {
		r.emptyCollection(name, depth, s.id, r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
	}
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
