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

// badGatewayHTML is what a load balancer in front of the API answers when
// the backend is slow or gone; sdk-go cannot decode it, which is the point.
const badGatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"

func writeHTML502(w http.ResponseWriter) {
	w.Header().Del("Location")
	writeBody(w, http.StatusBadGateway, hdrHTML, []byte(badGatewayHTML))
}

// statusWriter remembers whether and what a handler answered, for logging
// and so a recovered panic can still answer 500 if nothing was sent yet.
type statusWriter struct {
	http.ResponseWriter
	status int
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
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (for "drop").
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter swallows a response. html502 and drop-after faults run the
// real handler into it, so the action takes effect while the client gets
// something else.
type discardWriter struct{ h http.Header }

func newDiscardWriter() *discardWriter               { return &discardWriter{h: http.Header{}} }
func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
