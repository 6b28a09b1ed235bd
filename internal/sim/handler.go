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
func (s *Simulator) serveAPI(w *statusWriter, r *http.Request, path string) {
	rt := parseRoute(r.Method, path)
	s.stats.count(r.Method, rt)
	defer func() { s.stats.sent(r.Method, rt, w.written) }()
	h := w.Header()
	if rt.kind == routeInfo {
		s.setNominalRateHeaders(h)
		s.handle(r, call{route: rt, h: h, jw: &jsonWriter{}}).send(w)
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
	d := s.faults.decide(r.Method, path, r.URL.RawQuery, rt.kind == routeAction && r.Method == http.MethodPost)
	s.answer(w, r, call{acct: a, route: rt, fail: d.fail, h: h}, d)
}

// answer runs a call the way the platform costs it: latency faults hold it
// on its way in (a client that gives up meanwhile had nothing executed);
// the endpoint renders its reply; the reply is held for what its size
// costs before it is sent. When latency and size together pass the gateway
// timeout, the client gets the gateway's 504 once the timeout has passed,
// and a write was executed all the same. Every call sleeps on its own, after
// the account's lock is released, so it delays no one else.
func (s *Simulator) answer(w http.ResponseWriter, r *http.Request, c call, d decision) {
	ctx := r.Context()
	in := s.cost.upTo(d.latency)
	if !s.sleep(ctx, in) {
		// The client gave up while we were "slow". Answer anyway (it is
		// most likely gone) so that no path ends in an empty 200.
		writeError(w, errCancelled)
		return
	}
	c.jw = s.getWriter()
	defer s.putWriter(c.jw)
	rep, ok := s.produce(w, r, c, d)
	if !ok {
		return // the connection was dropped
	}
	total := d.latency + s.cost.ofBody(len(rep.body))
	if s.cost.timesOut(total) {
		if !s.sleep(ctx, s.cost.gateway-in) {
			writeError(w, errCancelled)
			return
		}
		writeHTML504(w)
		return
	}
	if !s.sleep(ctx, total-in) {
		writeError(w, errCancelled)
		return
	}
	rep.send(w)
}

// produce runs the endpoint, or does what a fault wants instead. It
// reports false when it dropped the connection.
func (s *Simulator) produce(w http.ResponseWriter, r *http.Request, c call, d decision) (reply, bool) {
	f := d.respond
	if f == nil {
		return s.handle(r, c), true
	}
	s.log.Debug("sim: fault fired", "fault", f.String(), "method", r.Method, "path", r.URL.Path)
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter > 0 {
			c.h.Set(hdrRetryAfter, strconv.Itoa(f.RetryAfter))
		}
		return statusError(f.Status).reply(), true
	case FaultHTML502:
		if isWrite(r.Method) {
			s.handle(r, c) // the write happens; its answer is lost
		}
		return html502(c.h), true
	}
	if f.After { // FaultDrop
		s.handle(r, c)
	}
	if s.cost.timesOut(d.latency) {
		return reply{}, true // the gateway answers first
	}
	dropConnection(w)
	return reply{}, false
}

// isWrite reports whether a method changes something when it is served.
func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
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
	base  string      // scheme://host/cloudapi/v6
	h     http.Header // the answer's headers
	jw    *jsonWriter // the buffer the answer is rendered into
}

// handle validates the call and runs its endpoint.
func (s *Simulator) handle(r *http.Request, c call) reply {
	if e := endpointError(c.h, r.Method, c.route); e != nil {
		return e.reply()
	}
	if r.ContentLength > s.maxBody {
		return tooLarge(s.maxBody).reply()
	}
	q, qerr := parseQuery(r.URL.RawQuery, c.route.kind.paged(), c.route.kind.listed())
	if qerr != nil {
		return qerr.reply()
	}
	if c.route.badID {
		return errNotFound.reply()
	}
	c.q = q
	c.base = baseURL(r)
	return s.dispatch(r, c)
}

// endpointError answers a call the simulator does not serve: 404 for a
// path the API does not have, 405 for a method the API does not take there
// (Allow lists the ones it does), 501 for what the API has and the
// simulator does not model. nil: the simulator serves the call.
func endpointError(h http.Header, method string, r route) *apiError {
	switch {
	case r.serves(method):
		return nil
	case r.spec == nil:
		return errNotFound
	case !r.spec.has(method):
		h.Set("Allow", r.spec.allow())
		return &apiError{http.StatusMethodNotAllowed, codeBadMethod,
			fmt.Sprintf("Method %s is not allowed on this resource; use %s", method, r.spec.allow())}
	}
	return notImplemented(method, r.spec.path)
}

func (s *Simulator) dispatch(r *http.Request, c call) reply {
	switch c.route.kind {
	case routeInfo:
		return s.getInfo(c)
	case routeAction:
		return s.postAction(r, c)
	case routeRequests:
		return s.listRequests(c)
	case routeRequest:
		return s.getRequest(c)
	case routeRequestStatus:
		return s.getRequestStatus(c)
	case routeServerLabelCreate, routeServerLabelPut, routeServerLabelDelete:
		return s.writeServerLabel(r, c)
	}
	return s.respond(c, readers[c.route.kind])
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
