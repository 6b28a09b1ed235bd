package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// controlPrefix is the control API: outside /cloudapi so it can never be
// mistaken for an IONOS endpoint.
const controlPrefix = "/_sim"

// serveControl serves the control API, for the default account's bearer
// token only:
//
//	GET    /_sim/faults   list faults with their fired counts
//	PUT    /_sim/faults   replace them with a JSON array
//	POST   /_sim/faults   append one JSON object
//	DELETE /_sim/faults   clear them
//	GET    /_sim/stats    call statistics
//	DELETE /_sim/stats    reset them
//	GET    /_sim/dataset  the default account's current dataset
func (s *Simulator) serveControl(w http.ResponseWriter, r *http.Request, path string) {
	s.setNominalRateHeaders(w.Header())
	if !s.isDefaultBearer(r) {
		writeError(w, errUnauthorized)
		return
	}
	switch path {
	case "/faults":
		s.controlFaults(w, r)
	case "/stats":
		s.controlStats(w, r)
	case "/dataset":
		s.controlDataset(w, r)
	default:
		writeError(w, errNotFound)
	}
}

func (s *Simulator) controlFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		var list []Fault
		if err := decodeControlBody(r, s.maxBody, &list); err != nil {
			writeError(w, badRequest(err.Error()))
			return
		}
		if err := s.faults.set(list); err != nil {
			writeError(w, badRequest(err.Error()))
			return
		}
	case http.MethodPost:
		var f Fault
		if err := decodeControlBody(r, s.maxBody, &f); err != nil {
			writeError(w, badRequest(err.Error()))
			return
		}
		if err := s.faults.add(f); err != nil {
			writeError(w, badRequest(err.Error()))
			return
		}
	case http.MethodDelete:
		_ = s.faults.set(nil) // nil is always valid
	default:
		methodNotAllowed(w, r.Method, "GET, PUT, POST, DELETE")
		return
	}
	s.controlJSON(w, s.faults.snapshot())
}

func (s *Simulator) controlStats(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.controlJSON(w, s.stats.snapshot())
	case http.MethodDelete:
		s.stats.reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r.Method, "GET, DELETE")
	}
}

func (s *Simulator) controlDataset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r.Method, "GET")
		return
	}
	s.controlJSON(w, s.Snapshot())
}

func (s *Simulator) controlJSON(w http.ResponseWriter, v any) {
	b, err := encodeIndented(v)
	if err != nil {
		writeError(w, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func methodNotAllowed(w http.ResponseWriter, method, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, &apiError{http.StatusMethodNotAllowed, codeBadMethod,
		fmt.Sprintf("Method %s is not allowed on this resource; use %s", method, allow)})
}

// decodeControlBody reads a JSON body strictly: unknown keys are errors.
func decodeControlBody(r *http.Request, limit int64, v any) error {
	if r.Body == nil {
		return fmt.Errorf("empty body: want JSON")
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return fmt.Errorf("empty body: want JSON")
		}
		return fmt.Errorf("invalid JSON body: %v", err)
	}
	if dec.More() {
		return fmt.Errorf("invalid JSON body: unexpected data after the value")
	}
	return nil
}

// encodeIndented renders v as indented JSON for the control API.
func encodeIndented(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
