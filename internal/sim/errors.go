package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is an error response in the IONOS shape.
type apiError struct {
	status int
	code   string
	msg    string
}

// Error codes; see the package doc for why these.
const (
	codeBadRequest   = "100"
	codeBadMethod    = "101"
	codeTooLarge     = "102"
	codeUnprocessed  = "200"
	codeNotFound     = "309"
	codeUnauthorized = "315"
	codeTooMany      = "429"
)

var (
	errUnauthorized = &apiError{http.StatusUnauthorized, codeUnauthorized, "Unauthorized"}
	errNotFound     = &apiError{http.StatusNotFound, codeNotFound, "Resource does not exist"}
	errTooMany      = &apiError{http.StatusTooManyRequests, codeTooMany, "Too many requests"}
	errInternal     = &apiError{http.StatusInternalServerError, "500", msgFailed}
	errCancelled    = &apiError{http.StatusGatewayTimeout, "504", "Gateway Timeout: the call was cancelled while the simulator held it (latency or answer size)"}
)

// codeNotImplemented answers what the API has and the simulator does not model.
const codeNotImplemented = "501"

// simulatedSummary is what 501 answers say the simulator does model.
const simulatedSummary = "It models GET of data centers, servers, volumes, CD-ROMs (and their images), NICs, LANs, " +
	"load balancers and requests, with empty firewall rules, flow logs, NAT gateways and network load balancers; " +
	"server labels (GET and POST /datacenters/{datacenterId}/servers/{serverId}/labels, GET, PUT and DELETE " +
	".../labels/{key}, GET /labels and /labels/{labelurn}), but no labels of other resources; " +
	"and the five power actions POST /datacenters/{datacenterId}/servers/{serverId}/start, stop, reboot, suspend " +
	"and resume; see docs/simulator.md"

// notImplemented is the 501 for a method and path of the spec that the
// simulator does not model, never a 404 that would claim the resource is
// missing.
func notImplemented(method, specPath string) *apiError {
	return &apiError{http.StatusNotImplemented, codeNotImplemented,
		fmt.Sprintf("The IONOS Cloud API simulator does not model %s %s. %s", method, specPath, simulatedSummary)}
}

func badRequest(msg string) *apiError {
	return &apiError{http.StatusBadRequest, codeBadRequest, msg}
}

func unprocessable(msg string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, codeUnprocessed, msg}
}

// statusError is the body an injected "status" fault answers with.
func statusError(status int) *apiError {
	switch status {
	case http.StatusTooManyRequests:
		return errTooMany
	case http.StatusInternalServerError:
		return errInternal
	}
	msg := http.StatusText(status)
	if msg == "" {
		msg = "Error"
	}
	return &apiError{status, strconv.Itoa(status), msg}
}

// body renders {"httpStatus":N,"messages":[{"errorCode":"C","message":"M"}]},
// always compact, exactly as the real API sends its 401.
func (e *apiError) body() []byte {
	var w jsonWriter
	w.reset(false)
	w.buf = make([]byte, 0, 96+len(e.msg))
	w.beginObject()
	w.kint("httpStatus", int64(e.status))
	w.key("messages")
	w.beginArray()
	w.beginObject()
	w.kstr("errorCode", e.code)
	w.kstr("message", e.msg)
	w.endObject()
	w.endArray()
	w.endObject()
	return w.buf
}
