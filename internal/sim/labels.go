package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// Server labels. Only servers have labels in the simulator; the label
// endpoints of data centers, volumes, IP blocks and snapshots answer 501
// (the spec copy has none for images, so theirs are 404s). A label is a
// resource of its own: a server lists it as a LabelResource (id = key) and
// the account as a Label (id = its URN, urn:label:server:<serverId>:<key>).
// Writes are synchronous, as the spec has them: POST answers 201 with the
// label, PUT 200 with it, DELETE 200 with no body, and none creates a
// request or a Location to poll.
//
// A label write leaves the server's etag and lastModifiedDate alone: the
// server's representation does not include its labels (the spec's
// ServerProperties and ServerEntities have none) and no request makes it
// BUSY, so nothing a client sees of the server changes. Each label has
// its own etag and dates instead.

// labelState is one label of a server. A server keeps its labels sorted
// by key, which is the order every listing uses.
type labelState struct {
	key, value        string
	created, modified string
	// seq is the account's label write that last set the label (0: it
	// came with the dataset). It makes every etag unique, even that of a
	// label deleted and created again.
	seq uint64
}

// labelURNPrefix starts the URN of every label the simulator has.
const labelURNPrefix = "urn:label:server:"

func (l *labelState) etag(srvID string) string {
	return etagOf(labelURNPrefix+srvID+":"+l.key, l.seq)
}

// label finds a label of the server by key (exact: keys are
// case-sensitive).
func (s *srvState) label(key string) (int, bool) {
	return slices.BinarySearchFunc(s.labels, key, func(l labelState, k string) int { return strings.Compare(l.key, k) })
}

// addLabels gives a server its dataset labels, sorted by key, from one
// allocation for the whole account. The slice's capacity ends at the
// server's last label, so a label created later reallocates instead of
// overwriting the next server's.
func (p *devicePools) addLabels(s *srvState, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	start := len(p.labels)
	for k, v := range labels {
		p.labels = append(p.labels, labelState{key: k, value: v, created: s.created, modified: s.created})
	}
	own := p.labels[start:len(p.labels):len(p.labels)]
	slices.SortFunc(own, func(a, b labelState) int { return strings.Compare(a.key, b.key) })
	s.labels = own
}

// datasetLabels copies a server's labels back into the dataset format.
func (s *srvState) datasetLabels() map[string]string {
	if len(s.labels) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.labels))
	for _, l := range s.labels {
		m[l.key] = l.value
	}
	return m
}

// Rendering.

// labelResource writes a LabelResource: a label as its server lists it.
func (r *renderer) labelResource(s *srvState, l *labelState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(l.key, "label", r.base, "/datacenters/", s.dc.id, "/servers/", s.id, "/labels/", l.key)
	if depth >= 0 {
		r.labelMetadata(s, l)
		w.key("properties")
		w.beginObject()
		w.kstr("key", l.key)
		w.kstr("value", l.value)
		w.endObject()
	}
	w.endObject()
}

// label writes a Label: a label as the account lists it, by URN.
func (r *renderer) label(s *srvState, l *labelState, depth int) {
	w := r.w
	w.beginObject()
	w.kconcat("id", labelURNPrefix, s.id, ":", l.key)
	w.kstr("type", "label")
	w.kconcat("href", r.base, "/labels/", labelURNPrefix, s.id, ":", l.key)
	if depth >= 0 {
		r.labelMetadata(s, l)
		w.key("properties")
		w.beginObject()
		w.kstr("key", l.key)
		w.kstr("value", l.value)
		w.kstr("resourceId", s.id)
		w.kstr("resourceType", "server")
		w.kconcat("resourceHref", r.base, "/datacenters/", s.dc.id, "/servers/", s.id)
		w.endObject()
	}
	w.endObject()
}

// labelMetadata writes a NoStateMetaData: labels have no state.
func (r *renderer) labelMetadata(s *srvState, l *labelState) {
	w := r.w
	w.key("metadata")
	w.beginObject()
	w.kstr("etag", l.etag(s.id))
	w.kstr("createdDate", l.created)
	w.kstr("createdBy", createdBy)
	w.kstr("createdByUserId", r.userID)
	w.kstr("lastModifiedDate", l.modified)
	w.kstr("lastModifiedBy", createdBy)
	w.kstr("lastModifiedByUserId", r.userID)
	w.endObject()
}

// Fields for filter.* and orderBy.

var (
	noStateMetadataFields = []string{"etag", "createdDate", "createdBy", "createdByUserId",
		"lastModifiedDate", "lastModifiedBy", "lastModifiedByUserId"}
	labelResourceFields = append(fieldSet{"key", "value"}, noStateMetadataFields...)
	labelFields         = append(fieldSet{"key", "value", "resourceId", "resourceType", "resourceHref"}, noStateMetadataFields...)
)

func labelResourceField(s *srvState) fieldFunc[labelState] {
	return func(l labelState, name string) (fieldValue, bool) { return labelValue(s, &l, name) }
}

// labelValue is a field a label has wherever it is listed: its properties
// key and value and its metadata. The etag is computed only when asked for.
func labelValue(s *srvState, l *labelState, name string) (fieldValue, bool) {
	switch name {
	case "key":
		return textValue(l.key)
	case "value":
		return textValue(l.value)
	case "etag":
		return textValue(l.etag(s.id))
	}
	return metaValue(name, "", l.created, l.modified, "", s.dc.userID)
}

// labelItem is a label in the account's listing.
type labelItem struct {
	srv *srvState
	l   *labelState
}

func labelField(base string) fieldFunc[labelItem] {
	return func(it labelItem, name string) (fieldValue, bool) {
		switch name {
		case "resourceId":
			return textValue(it.srv.id)
		case "resourceType":
			return textValue("server")
		case "resourceHref":
			return textValue(base + "/datacenters/" + it.srv.dc.id + "/servers/" + it.srv.id)
		}
		return labelValue(it.srv, it.l, name)
	}
}

// Reads.

func listServerLabels(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[labelState]{what: "labels", id: srv.id + "/labels",
		href: []string{c.base, "/datacenters/", srv.dc.id, "/servers/", srv.id, "/labels"}, items: srv.labels,
		fields: labelResourceFields, field: labelResourceField(srv),
		item: func(l labelState, depth int) { r.labelResource(srv, &l, depth) }})
}

func getServerLabel(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	i, ok := srv.label(c.route.labelKey)
	if !ok {
		return "", errNotFound
	}
	r.labelResource(srv, &srv.labels[i], c.q.depth)
	return srv.labels[i].etag(srv.id), nil
}

// listLabels is GET /labels: every label of the account, by data center,
// server and key. The spec does not page it (no offset, limit or _links);
// filter.*, orderBy and maxResults apply as on every list.
func listLabels(c call, r *renderer, a *account) (string, *apiError) {
	m := c.q.mods
	if err := m.checkOrderBy("labels", labelFields); err != nil {
		return "", err
	}
	w := r.w
	w.beginObject()
	w.kstr("id", "labels")
	w.kstr("type", "collection")
	w.kconcat("href", c.base, "/labels")
	w.key("items")
	w.beginArray()
	depth := c.q.depth - 1
	if !m.active() {
		// The common call: write as we walk, building nothing.
		for _, dc := range a.dcs {
			for _, s := range dc.servers {
				for i := range s.labels {
					r.label(s, &s.labels[i], depth)
				}
			}
		}
	} else {
		items := selectItems(collectLabels(a, m.maxResults), m, labelFields, labelField(c.base))
		for _, it := range items {
			r.label(it.srv, it.l, depth)
		}
	}
	w.endArray()
	w.endObject()
	return "", nil
}

// collectLabels lists the account's labels in stored order, the first max
// of them when max > 0 (maxResults cuts before anything else).
func collectLabels(a *account, limit int) []labelItem {
	var out []labelItem
	for _, dc := range a.dcs {
		for _, s := range dc.servers {
			for i := range s.labels {
				if limit > 0 && len(out) == limit {
					return out
				}
				out = append(out, labelItem{srv: s, l: &s.labels[i]})
			}
		}
	}
	return out
}

// getLabel is GET /labels/{labelurn}. A URN that is not
// urn:label:<resourceType>:<resourceId>:<key> is a 422; a well-formed one
// the account has no label for (any resource type but server included) a
// 404.
func getLabel(c call, r *renderer, a *account) (string, *apiError) {
	typ, id, key, ok := parseLabelURN(c.route.labelURN)
	if !ok {
		return "", unprocessable(fmt.Sprintf("Invalid label URN %q: want urn:label:<resourceType>:<resourceId>:<key>, "+
			"for example urn:label:server:<server UUID>:env", c.route.labelURN))
	}
	srv := a.srvByID[canonicalID(id)]
	if typ != "server" || srv == nil {
		return "", errNotFound
	}
	i, ok := srv.label(key)
	if !ok {
		return "", errNotFound
	}
	r.label(srv, &srv.labels[i], c.q.depth)
	return srv.labels[i].etag(srv.id), nil
}

// parseLabelURN splits urn:label:<resourceType>:<resourceId>:<key>. The
// "urn:label:" prefix and the type ignore case, as URN prefixes do; the
// id must be a UUID and the key is everything after it.
func parseLabelURN(urn string) (typ, id, key string, ok bool) {
	parts := strings.SplitN(urn, ":", 5)
	if len(parts) != 5 || !strings.EqualFold(parts[0], "urn") || !strings.EqualFold(parts[1], "label") {
		return "", "", "", false
	}
	typ, id, key = strings.ToLower(parts[2]), parts[3], parts[4]
	if typ == "" || !dataset.IsUUID(id) || key == "" {
		return "", "", "", false
	}
	return typ, id, key, true
}

// Writes.

// labelBody is the body POST and PUT read: a LabelResource, of which only
// the properties count (id, type, href and metadata are read-only).
type labelBody struct {
	Properties *struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	} `json:"properties"`
}

func (b *labelBody) key() (string, bool) {
	if b.Properties == nil || b.Properties.Key == nil {
		return "", false
	}
	return *b.Properties.Key, true
}

func (b *labelBody) value() (string, bool) {
	if b.Properties == nil || b.Properties.Value == nil {
		return "", false
	}
	return *b.Properties.Value, true
}

// invalidLabel is the 422 of a label that cannot be written.
func invalidLabel(format string, args ...any) *apiError {
	return unprocessable("Invalid label: " + fmt.Sprintf(format, args...))
}

const labelBodyHint = `the body is a label: {"properties":{"key":"env","value":"production"}}`

// writeServerLabel serves POST, PUT and DELETE of a server's labels under
// the account's write lock. The server must exist (404), then the label
// for PUT and DELETE (404), then the body must describe a valid label
// (422). A body that is not JSON is a 400 before any of that.
func (s *Simulator) writeServerLabel(r *http.Request, c call) reply {
	var in labelBody
	if c.route.kind != routeServerLabelDelete {
		body, berr := readBody(r, s.maxBody)
		if berr != nil {
			return berr.reply()
		}
		if body != "" {
			if err := json.Unmarshal([]byte(body), &in); err != nil {
				return invalidLabel("%v; %s", err, labelBodyHint).reply()
			}
		}
	}
	a := c.acct
	c.jw.reset(c.q.pretty)
	var rep reply
	a.update(s.clock.Now(), func(now time.Time) {
		srv, ok := a.server(c.route.dcID, c.route.srvID)
		if !ok {
			rep = errNotFound.reply()
			return
		}
		rd := renderer{w: c.jw, base: c.base, now: now, userID: a.userID, reqOwner: a.owner()}
		var aerr *apiError
		switch c.route.kind {
		case routeServerLabelCreate:
			rep, aerr = a.createLabel(&rd, srv, &in, now)
		case routeServerLabelPut:
			rep, aerr = a.putLabel(&rd, srv, c.route.labelKey, &in, now)
		case routeServerLabelDelete:
			rep, aerr = a.deleteLabel(srv, c.route.labelKey)
		}
		if aerr != nil {
			rep = aerr.reply()
			return
		}
		key := c.route.labelKey
		if c.route.kind == routeServerLabelCreate {
			key, _ = in.key()
		}
		s.log.Info("sim: label written", "method", r.Method, "server", srv.name, "key", key)
	})
	return rep
}

// createLabel adds a label: 201 with it. Its key must be new on the server.
func (a *account) createLabel(r *renderer, srv *srvState, in *labelBody, now time.Time) (reply, *apiError) {
	key, ok := in.key()
	if !ok {
		return reply{}, invalidLabel("properties.key is missing; %s", labelBodyHint)
	}
	value, ok := in.value()
	if !ok {
		return reply{}, invalidLabel("properties.value is missing; %s", labelBodyHint)
	}
	if err := dataset.CheckLabelKey(key); err != nil {
		return reply{}, invalidLabel("%v", err)
	}
	if err := dataset.CheckLabelValue(value); err != nil {
		return reply{}, invalidLabel("%v", err)
	}
	i, exists := srv.label(key)
	if exists {
		return reply{}, invalidLabel("server %s already has a label with key %q; change its value with PUT .../servers/%s/labels/%s",
			srv.id, key, srv.id, key)
	}
	a.labelSeq++
	created := formatTime(now)
	srv.labels = slices.Insert(srv.labels, i, labelState{key: key, value: value, created: created, modified: created, seq: a.labelSeq})
	r.labelResource(srv, &srv.labels[i], 0)
	return reply{status: http.StatusCreated, ctype: hdrJSON, body: r.w.finish()}, nil
}

// putLabel changes a label's value: 200 with the label. The key in the
// body, if any, must be the one in the path: a label's key cannot change.
func (a *account) putLabel(r *renderer, srv *srvState, key string, in *labelBody, now time.Time) (reply, *apiError) {
	i, ok := srv.label(key)
	if !ok {
		return reply{}, errNotFound
	}
	if k, ok := in.key(); ok && k != key {
		return reply{}, invalidLabel("properties.key %q differs from the key %q in the path; a label's key cannot change "+
			"(delete the label and create another)", k, key)
	}
	value, ok := in.value()
	if !ok {
		return reply{}, invalidLabel("properties.value is missing; %s", labelBodyHint)
	}
	if err := dataset.CheckLabelValue(value); err != nil {
		return reply{}, invalidLabel("%v", err)
	}
	a.labelSeq++
	l := &srv.labels[i]
	l.value, l.modified, l.seq = value, formatTime(now), a.labelSeq
	r.labelResource(srv, l, 0)
	return reply{status: http.StatusOK, ctype: hdrJSON, body: r.w.finish()}, nil
}

// deleteLabel removes a label: 200 with no body, as the spec answers.
func (a *account) deleteLabel(srv *srvState, key string) (reply, *apiError) {
	i, ok := srv.label(key)
	if !ok {
		return reply{}, errNotFound
	}
	srv.labels = slices.Delete(srv.labels, i, i+1)
	return reply{status: http.StatusOK}, nil
}
