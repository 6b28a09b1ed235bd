// Package redistest runs a real redis-server for tests, on a free loopback
// port, and stops it when the test ends.
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is one redis-server process.
type Server struct {
	URL      string
	port     int
	dir      string
	password string
	cmd      *exec.Cmd
}

// Start runs redis-server (Debian's redis-server package) for the test. It
// fails the test, naming the package to install, when there is none.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWithPassword(t, "")
}

// StartWithPassword is Start with requirepass set; the URL carries it.
func StartWithPassword(t testing.TB, password string) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("these tests need a real Redis: install redis-server (apt-get install redis-server) and put it on PATH")
	}
	s := &Server{dir: t.TempDir(), password: password}
	var err error
	for range 5 {
		if s.port, err = freePort(); err == nil {
			if err = s.start(); err == nil {
				break
			}
		}
	}
	if err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	s.URL = "redis://127.0.0.1:" + strconv.Itoa(s.port) + "/0"
	if password != "" {
		s.URL = "redis://:" + password + "@127.0.0.1:" + strconv.Itoa(s.port) + "/0"
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop kills the server; Restart brings it back on the same port, empty.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on its port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		t.Fatalf("restarting redis-server: %v", err)
	}
}

func (s *Server) start() error {
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--protected-mode", "yes"}
	if s.password != "" {
		args = append(args, "--requirepass", s.password)
	}
	cmd := exec.Command("redis-server", args...) //nolint:gosec // G204: a test helper; its output goes to the null device
	if err := cmd.Start(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if ping(s.port) {
			s.cmd = cmd
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return fmt.Errorf("redis-server on port %d did not answer within 10 s", s.port)
}

// ping sends a PING in Redis's protocol and waits for +PONG, or for the
// refusal a server with a password gives before AUTH: either way it is up.
func ping(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (line == "+PONG\r\n" || strings.HasPrefix(line, "-NOAUTH"))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
