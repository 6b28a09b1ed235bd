// Package audit writes the audit trail of write tools: one JSON object per
// line, appended and flushed to the file before the call returns, so that
// the trail survives a crash and can be followed with tail -f.
package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// Event is one write tool call, whatever its outcome. It never holds a
// secret: callers are identified by client name or by a hash of their token.
type Event struct {
	Time           time.Time `json:"time"`
	Caller         string    `json:"caller"`
	Client         string    `json:"client,omitempty"`
	Tool           string    `json:"tool"`
	ServerRef      string    `json:"serverRef,omitempty"` // what the agent asked for
	ServerID       string    `json:"serverId,omitempty"`
	ServerName     string    `json:"serverName,omitempty"`
	DatacenterID   string    `json:"datacenterId,omitempty"`
	DatacenterName string    `json:"datacenterName,omitempty"`
	// Confirmation is how the action was confirmed: elicitation, token,
	// not-required (policy none), preview-issued, declined, refused, or none
	// (nothing to confirm: a refusal or a no-op came first).
	Confirmation string `json:"confirmation"`
	RequestID    string `json:"requestId,omitempty"`
	Status       string `json:"status"`
	DurationMS   int64  `json:"durationMs"`
	Error        string `json:"error,omitempty"`
	// Detail is what a set action planned and did, on its own line; each
	// server's action in it has a line of its own too.
	Detail string `json:"detail,omitempty"`
}

// Recorder receives audit events. A nil *Log records nothing.
type Recorder interface {
	Record(Event) error
}

// Log appends events to a file.
type Log struct {
	mu      sync.Mutex
	f       *os.File
	regular bool // only a regular file can be synced; a pipe or /dev/stdout cannot
}

// Open opens (or creates, mode 0600) the audit file for appending. A pipe
// or /dev/stdout works too, for platforms that collect a container's output.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // G304: the operator's own --audit-log path
	if err != nil {
		return nil, fmt.Errorf("opening audit log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("opening audit log: %w", err)
	}
	return &Log{f: f, regular: fi.Mode().IsRegular()}, nil
}

// Record writes one event as one line. Concurrent calls never interleave.
func (l *Log) Record(e Event) error {
	if l == nil {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding audit event: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("writing audit log: %w", err)
	}
	if !l.regular {
		return nil
	}
	return l.f.Sync()
}

// Close closes the file.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
