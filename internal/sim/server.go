package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a Simulator listening on a loopback port, for tests, the demo
// and benchmarks.
type Server struct {
	*Simulator
	URL string // "http://127.0.0.1:PORT", no trailing slash: the value for IONOS_API_URL

	srv  *http.Server
	done chan error

	mu    sync.Mutex
	fresh map[net.Conn]bool // connections that have not sent a request yet
}

// Start runs a Simulator on 127.0.0.1 with a free port.
func Start(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sim: listen: %w", err)
	}
	return Serve(s, ln), nil
}

// Serve runs s on ln until Close. The URL is derived from the listener.
func Serve(s *Simulator, ln net.Listener) *Server {
	srv := &Server{
		Simulator: s,
		URL:       "http://" + ln.Addr().String(),
		srv:       NewHTTPServer(s),
		done:      make(chan error, 1),
		fresh:     map[net.Conn]bool{},
	}
	srv.srv.ConnState = srv.track
	go func() { srv.done <- srv.srv.Serve(ln) }()
	return srv
}

// NewHTTPServer wraps h in an http.Server with timeouts suited to an API:
// slow clients cannot hold connections forever. There is no write timeout,
// because latency faults hold responses on purpose.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Close stops the server: it lets calls in flight finish for up to two
// seconds, then closes every connection, and waits for the serving
// goroutine to end.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// Shutdown waits up to 5 s for connections that were opened but never
	// used (a client that gave up between dial and request); they carry no
	// call, so they are closed first.
	s.mu.Lock()
	for c := range s.fresh {
		_ = c.Close()
	}
	s.mu.Unlock()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("sim: serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("sim: close: %w", err)
	}
	return nil
}

// track remembers connections in the StateNew state.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == http.StateNew {
		s.fresh[c] = true
	} else {
		delete(s.fresh, c)
	}
}
