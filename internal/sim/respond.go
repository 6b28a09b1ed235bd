package sim

import (
	"net/http"
	"strconv"
)

// Shared header values. Handlers only ever replace these slices in a header
// map, never modify them, so sharing them across responses is safe.
var (
	hdrJSON = []string{"application/json"}
	hdrHTML = []string{"text/html"}
)

func writeBody(w http.ResponseWriter, status int, contentType []string, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client may be gone; nothing to do about it
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	writeBody(w, status, hdrJSON, body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, e.body())
}

// reply is an answer rendered but not sent yet: the cost model measures it
// first. Its headers are already in the response's header map.
type reply struct {
	status int
	ctype  []string // nil: no body (202)
	body   []byte
}

func (rep reply) send(w http.ResponseWriter) {
	if rep.ctype == nil {
		w.WriteHeader(rep.status)
		return
	}
	writeBody(w, rep.status, rep.ctype, rep.body)
}

func (e *apiError) reply() reply { return reply{status: e.status, ctype: hdrJSON, body: e.body()} }

// What a load balancer in front of the API answers when the backend is
// gone (502) or too slow (504); sdk-go cannot decode either, which is the
// point.
const (
	badGatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
		"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
	gatewayTimeoutHTML = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n" +
		"<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n"
)

// html502 is the 502 page; the API's Location does not pass the gateway.
func html502(h http.Header) reply {
	h.Del("Location")
	return reply{status: http.StatusBadGateway, ctype: hdrHTML, body: []byte(badGatewayHTML)}
}

// writeHTML504 sends the gateway's timeout page. Whatever the API was
// going to send (Location, ETag) never reaches the client.
func writeHTML504(w http.ResponseWriter) {
	h := w.Header()
	h.Del("Location")
	h.Del("Etag")
	writeBody(w, http.StatusGatewayTimeout, hdrHTML, []byte(gatewayTimeoutHTML))
}

// statusWriter remembers whether and what a handler answered, for logging
// and so a recovered panic can still answer 500 if nothing was sent yet,
// and counts the body bytes sent, for Stats.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (for "drop").
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
