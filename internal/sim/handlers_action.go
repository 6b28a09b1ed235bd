package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// postAction accepts a power action: 202, no body, and a Location to poll.
// Whether the action can succeed is not checked here: like the real API,
// the simulator accepts wrong pairings and fails the request later.
func (s *Simulator) postAction(r *http.Request, c call) reply {
	body, berr := readBody(r, s.maxBody)
	if berr != nil {
		return berr.reply()
	}
	in := actionInput{
		act:     c.route.act,
		method:  r.Method,
		url:     c.base[:len(c.base)-len(apiPrefix)] + r.URL.RequestURI(),
		body:    body,
		headers: recordedHeaders(r.Header),
		fail:    c.fail,
	}
	id, ok := s.execute(c, in)
	if !ok {
		return errNotFound.reply()
	}
	c.h["Location"] = []string{c.base + "/requests/" + id + "/status"}
	return reply{status: http.StatusAccepted}
}

// execute creates the request under the account's lock and records the
// write while still holding it, so Stats.Writes is in acceptance order.
func (s *Simulator) execute(c call, in actionInput) (requestID string, ok bool) {
	a := c.acct
	now := s.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.applyDue(now)
	srv, found := a.server(c.route.dcID, c.route.srvID)
	if !found {
		return "", false
	}
	req := a.accept(now, srv, in, &s.timing)
	s.stats.write(Write{RequestID: req.id, DatacenterID: srv.dc.id, ServerID: srv.id, Action: in.act.String(), At: now})
	s.log.Info("sim: request accepted", "request", req.id, "action", in.act.String(), "server", srv.name,
		"failing", req.failed, "done", req.doneAt)
	return req.id, true
}

// readBody reads a POST body: at most limit bytes (413 beyond), and if it
// is not blank it must be JSON (400), as the API parses what it is sent.
func readBody(r *http.Request, limit int64) (string, *apiError) {
	if r.ContentLength > limit {
		return "", tooLarge(limit)
	}
	if r.Body == nil { // client-side requests served in process may have none
		return "", nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return "", badRequest(fmt.Sprintf("Could not read the request body: %v", err))
	}
	if int64(len(b)) > limit {
		return "", tooLarge(limit)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "", nil
	}
	if !json.Valid(b) {
		return "", badRequest("Request body is not valid JSON")
	}
	return string(b), nil
}

func tooLarge(limit int64) *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, codeTooLarge,
		fmt.Sprintf("Request body is larger than %d bytes", limit)}
}

// secretHeaders never appear in a request's recorded headers.
var secretHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// recordedHeaders is what GET /requests/{id} shows under properties.headers:
// the call's headers, sorted, credentials removed. Clients can tag a write
// with a header of their own and find it again with filter.headers.
func recordedHeaders(h http.Header) []header {
	out := make([]header, 0, len(h))
	for k, v := range h {
		if slices.Contains(secretHeaders, k) {
			continue
		}
		out = append(out, header{name: k, value: strings.Join(v, ", ")})
	}
	slices.SortFunc(out, func(a, b header) int { return strings.Compare(a.name, b.name) })
	return out
}
