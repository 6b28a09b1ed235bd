package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// apiPrefix is where the API lives, as on api.ionos.com.
const apiPrefix = "/cloudapi/v6"

// ServeHTTP serves /cloudapi/v6/... (the API) and /_sim/... (the control
// API). A panic in a handler never reaches the client as a broken
// connection: it is logged and answered with a 500 in the IONOS shape.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	var began time.Time
	debugOn := s.log.Enabled(r.Context(), slog.LevelDebug)
	if debugOn {
		began = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			s.recovered(sw, r, v)
		}
		if debugOn {
			s.log.Debug("sim: call", "method", r.Method, "path", r.URL.Path, "status", sw.status, "took", time.Since(began))
		}
	}()
	p := r.URL.Path
	switch {
	case underPrefix(p, apiPrefix):
		s.serveAPI(sw, r, p[len(apiPrefix):])
	case underPrefix(p, controlPrefix):
		s.serveControl(sw, r, p[len(controlPrefix):])
	default:
		s.setNominalRateHeaders(sw.Header())
		writeError(sw, errNotFound)
	}
}

func underPrefix(p, prefix string) bool {
	return strings.HasPrefix(p, prefix) && (len(p) == len(prefix) || p[len(prefix)] == '/')
}

// recovered answers 500 if nothing was sent yet. http.ErrAbortHandler is
// the deliberate way to drop a connection and is passed on to net/http.
func (s *Simulator) recovered(w *statusWriter, r *http.Request, v any) {
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	s.log.Error("sim: handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if w.status == 0 {
		writeError(w, errInternal)
	}
}

// serveAPI runs one API call through authentication, rate limiting and the
// faults before the endpoint itself.
func (s *Simulator) serveAPI(w http.ResponseWriter, r *http.Request, path string) {
	rt := parseRoute(path)
	s.stats.count(r.Method, rt)
	h := w.Header()
	if rt.kind == routeInfo {
		s.setNominalRateHeaders(h)
		s.handle(w, r, call{route: rt})
		return
	}
	a := s.authenticate(r)
	if a == nil {
		s.setNominalRateHeaders(h)
		writeError(w, errUnauthorized)
		return
	}
	if !s.admit(h, a, s.clock.Now()) {
		writeError(w, errTooMany)
		return
	}
	d := s.faults.decide(r.Method, path, rt.kind == routeAction && r.Method == http.MethodPost)
	if !sleep(r.Context(), d.latency) {
		// The client gave up while we were "slow". Answer anyway (it is
		// most likely gone) so that no path ends in an empty 200.
		writeError(w, errCancelled)
		return
	}
	c := call{acct: a, route: rt, fail: d.fail}
	if d.respond != nil {
		s.injectResponse(w, r, c, d.respond)
		return
	}
	s.handle(w, r, c)
}

// injectResponse answers as a faulty platform would.
func (s *Simulator) injectResponse(w http.ResponseWriter, r *http.Request, c call, f *Fault) {
	s.log.Debug("sim: fault fired", "fault", f.String(), "method", r.Method, "path", r.URL.Path)
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter > 0 {
			w.Header().Set(hdrRetryAfter, strconv.Itoa(f.RetryAfter))
		}
		writeError(w, statusError(f.Status))
	case FaultHTML502:
		if r.Method == http.MethodPost {
			s.handle(newDiscardWriter(), r, c)
		}
		writeHTML502(w)
	case FaultDrop:
		if f.After {
			s.handle(newDiscardWriter(), r, c)
		}
		dropConnection(w)
	}
}

// dropConnection closes the connection without an answer. Where the writer
// cannot be hijacked (in-process tests), it aborts the handler the way
// net/http defines for that purpose.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // closing is the whole point; an error changes nothing
}

// call is one authenticated API call on its way to an endpoint.
type call struct {
	acct  *account
	route route
	fail  bool // a "fail" fault applies
	q     query
	base  string // scheme://host/cloudapi/v6
}

// handle validates the call and runs its endpoint.
func (s *Simulator) handle(w http.ResponseWriter, r *http.Request, c call) {
	if c.route.kind == routeNone {
		writeError(w, errNotFound)
		return
	}
	if want := c.route.method(); r.Method != want {
		w.Header().Set("Allow", want)
		writeError(w, &apiError{http.StatusMethodNotAllowed, codeBadMethod,
			fmt.Sprintf("Method %s is not allowed on this resource; use %s", r.Method, want)})
		return
	}
	if r.ContentLength > s.maxBody {
		writeError(w, tooLarge(s.maxBody))
		return
	}
	q, qerr := parseQuery(r.URL.RawQuery, c.route.paged())
	if qerr != nil {
		writeError(w, qerr)
		return
	}
	if c.route.badID {
		writeError(w, errNotFound)
		return
	}
	c.q = q
	c.base = baseURL(r)
	s.dispatch(w, r, c)
}

func (s *Simulator) dispatch(w http.ResponseWriter, r *http.Request, c call) {
	switch c.route.kind {
	case routeInfo:
		s.getInfo(w, c)
	case routeDatacenters:
		s.listDatacenters(w, c)
	case routeDatacenter:
		s.getDatacenter(w, c)
	case routeServers:
		s.listServers(w, c)
	case routeServer:
		s.getServer(w, c)
	case routeAction:
		s.postAction(w, r, c)
	case routeRequests:
		s.listRequests(w, c)
	case routeRequest:
		s.getRequest(w, c)
	case routeRequestStatus:
		s.getRequestStatus(w, c)
	}
}

// baseURL is the API root as this client addressed it, so hrefs and
// Location point back where the client came from.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + apiPrefix
}
