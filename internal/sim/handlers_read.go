package sim

import (
	"net/http"
	"time"
)

// maxPooledBuffer keeps a rare huge listing from pinning its buffer
// forever, while letting the common big ones (1,000 servers at depth 1 is
// about 1.4 MB) reuse theirs instead of growing a new one every time.
const maxPooledBuffer = 8 << 20

// respond renders fn under the account's read lock into a pooled buffer
// and sends it. fn returns the etag for the ETag header of a single-resource
// GET (sent only when the client did not ask for a depth, as documented).
func (s *Simulator) respond(w http.ResponseWriter, c call, fn func(r *renderer, a *account) (etag string, err *apiError)) {
	jw := s.bufs.Get().(*jsonWriter)
	defer func() {
		if cap(jw.buf) <= maxPooledBuffer {
			s.bufs.Put(jw)
		}
	}()
	jw.reset(c.q.pretty)
	var etag string
	var aerr *apiError
	c.acct.view(s.clock.Now(), func(now time.Time) {
		r := renderer{w: jw, base: c.base, now: now, userID: c.acct.userID, reqOwner: c.acct.owner()}
		etag, aerr = fn(&r, c.acct)
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if etag != "" && !c.q.depthSet {
		w.Header()["Etag"] = []string{etag}
	}
	writeJSON(w, http.StatusOK, jw.finish())
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

// getInfo is GET /cloudapi/v6/: no authentication, as in the spec.
func (s *Simulator) getInfo(w http.ResponseWriter, c call) {
	var jw jsonWriter
	jw.reset(c.q.pretty)
	jw.beginObject()
	jw.kconcat("href", c.base, "/")
	jw.kstr("name", "CLOUD API")
	jw.kstr("version", "6.0")
	jw.endObject()
	writeJSON(w, http.StatusOK, jw.finish())
}

func (s *Simulator) listDatacenters(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		p := c.page(c.base + "/datacenters")
		r.collection("datacenters", []string{c.base, "/datacenters"}, p, len(a.dcs), func(i int) {
			r.datacenter(a.dcs[i], c.q.depth-1)
		})
		return "", nil
	})
}

func (s *Simulator) getDatacenter(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		dc := a.dcByID[c.route.dcID]
		if dc == nil {
			return "", errNotFound
		}
		r.datacenter(dc, c.q.depth)
		return dc.etag, nil
	})
}

func (s *Simulator) listServers(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		dc := a.dcByID[c.route.dcID]
		if dc == nil {
			return "", errNotFound
		}
		p := c.page(c.base + "/datacenters/" + dc.id + "/servers")
		r.collection(dc.id+"/servers", []string{c.base, "/datacenters/", dc.id, "/servers"}, p, len(dc.servers), func(i int) {
			r.server(dc.servers[i], c.q.depth-1)
		})
		return "", nil
	})
}

func (s *Simulator) getServer(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		srv, ok := a.server(c.route.dcID, c.route.srvID)
		if !ok {
			return "", errNotFound
		}
		r.server(srv, c.q.depth)
		return srv.etag, nil
	})
}
