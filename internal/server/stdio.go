package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// endOfInputGrace bounds how long stdio mode waits, after its input ended,
// for the answers still being worked on. The longest tool call is a write
// that waits up to timeout_seconds (at most 300); 10 s more lets its answer
// out.
const endOfInputGrace = 310 * time.Second

// maxLine bounds one input line, as the SDK bounds one frame.
const maxLine = mcp.DefaultMaxLineLength

// StdioTransport returns the transport of stdio mode: newline-delimited
// JSON-RPC on in and out (nil: stdin and stdout).
//
// It is mcp.IOTransport with two promises the SDK's stdio transport does
// not keep (go-sdk v1.8.0):
//
//   - Every request read before the end of input is answered. The SDK's
//     jsonrpc2 connection takes a read error, io.EOF included, as a broken
//     connection: it cancels the requests in flight and refuses every write
//     after it (internal/jsonrpc2 Connection.readIncoming and
//     Connection.write), so `serve < batch.jsonl` lost the answers still
//     being worked on. Here the reader holds back the end of input until
//     every request it passed on was answered, or endOfInputGrace ran out.
//   - A bad line is answered and the session goes on. The SDK decodes its
//     input with one json.Decoder, which cannot go past a syntax error, and
//     a message it cannot decode ends the read loop. Here each line is
//     checked first: a line that is not JSON gets a parse error (-32700), a
//     JSON line that is no JSON-RPC message an invalid request (-32600),
//     both with id null, and reading goes on.
//
// It works on the bytes below mcp.IOTransport, so the SDK's own connection
// (batches, protocol version, limits) stays as it is. Lines are messages,
// as the MCP stdio transport defines them: a message split over several
// lines is not accepted.
func (s *Server) StdioTransport(in io.Reader, out io.Writer) mcp.Transport {
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	return &stdioTransport{in: in, out: out, grace: endOfInputGrace, log: s.log}
}

type stdioTransport struct {
	in    io.Reader
	out   io.Writer
	grace time.Duration
	log   *slog.Logger
}

// Connect implements mcp.Transport.
func (t *stdioTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	fl := &inflight{requests: map[jsonrpc.ID]bool{}, calls: map[jsonrpc.ID]bool{}, changed: make(chan struct{}, 1)}
	w := &answerWriter{w: t.out, fl: fl}
	r := &lineReader{in: bufio.NewReaderSize(t.in, 64<<10), src: t.in, out: w, fl: fl, grace: t.grace, log: t.log, closed: make(chan struct{})}
	// Lines are bounded by lineReader already.
	return (&mcp.IOTransport{Reader: r, Writer: w, MaxLineLength: -1}).Connect(ctx)
}

// inflight is what waits for an answer, in both directions.
type inflight struct {
	mu       sync.Mutex
	requests map[jsonrpc.ID]bool // read from the client, not answered yet
	calls    map[jsonrpc.ID]bool // sent to the client, not answered yet
	changed  chan struct{}       // wakes the reader waiting at the end of input
}

func (f *inflight) update(fn func()) {
	f.mu.Lock()
	fn()
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// answerWriter is the output. It sees every message the SDK writes, one
// message (or batch) per Write, and notes which requests got their answer.
type answerWriter struct {
	mu sync.Mutex // our own error answers interleave with the SDK's writes
	w  io.Writer
	fl *inflight
}

func (a *answerWriter) Write(p []byte) (int, error) {
	msgs, _ := decodeLine(bytes.TrimSpace(p))
	// A call is noted before it goes out, so its answer cannot come first.
	a.fl.update(func() {
		for _, m := range msgs {
			if req, ok := m.(*jsonrpc.Request); ok && req.IsCall() {
				a.fl.calls[req.ID] = true
			}
		}
	})
	a.mu.Lock()
	n, err := a.w.Write(p)
	a.mu.Unlock()
	// An answer counts once it is out, even if the write failed: the SDK
	// then closes the connection and nothing more can be sent.
	a.fl.update(func() {
		for _, m := range msgs {
			if resp, ok := m.(*jsonrpc.Response); ok {
				delete(a.fl.requests, resp.ID)
			}
		}
	})
	return n, err
}

// Close leaves the output open: it belongs to the caller (stdout, and the
// logs of a failing exit may follow).
func (a *answerWriter) Close() error { return nil }

// refuse answers a line the SDK could not take.
func (a *answerWriter) refuse(code int64, msg string) {
	b, _ := json.Marshal(struct {
		JSONRPC string         `json:"jsonrpc"`
		ID      any            `json:"id"` // null: a bad line has no id to answer to
		Error   *jsonrpc.Error `json:"error"`
	}{"2.0", nil, &jsonrpc.Error{Code: code, Message: msg}})
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(append(b, '\n'))
}

// lineReader is the input, as the SDK reads it: the lines that are
// JSON-RPC messages, and the end of input only once nothing read waits
// for an answer.
type lineReader struct {
	in    *bufio.Reader
	src   io.Reader // closed with the connection, as the SDK closes stdin
	out   *answerWriter
	fl    *inflight
	grace time.Duration
	log   *slog.Logger

	buf      []byte    // what the SDK has not read yet of the current line
	inputErr error     // how the input ended (io.EOF), once it did
	deadline time.Time // end of the grace, once the input ended

	closeOnce sync.Once
	closed    chan struct{}
}

func (r *lineReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.inputErr != nil {
			b, ok := r.wait()
			if !ok {
				return 0, r.inputErr
			}
			r.buf = b
			continue
		}
		line, tooLong, err := r.readLine()
		if tooLong {
			r.log.Warn("stdio: input line too long; answered with an invalid request error", "limit", maxLine)
			r.out.refuse(jsonrpc.CodeInvalidRequest, fmt.Sprintf("invalid request: the line is longer than %d bytes", maxLine))
		} else {
			r.buf = r.admit(line)
		}
		if err != nil {
			r.inputErr, r.deadline = err, time.Now().Add(r.grace)
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// readLine reads up to and including the next newline, or the rest of the
// input.
func (r *lineReader) readLine() (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.in.ReadSlice('\n')
		if len(line)+len(chunk) > maxLine {
			tooLong, line = true, nil
		} else if !tooLong {
			line = append(line, chunk...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, tooLong, err
		}
	}
}

// admit checks one line and returns what to pass on to the SDK, if anything.
func (r *lineReader) admit(line []byte) []byte {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	if !json.Valid(line) {
		r.log.Warn("stdio: input line is not JSON; answered with a parse error", "bytes", len(line))
		r.out.refuse(jsonrpc.CodeParseError, "parse error: the line is not JSON")
		return nil
	}
	msgs, err := decodeLine(line)
	if err != nil {
		r.log.Warn("stdio: input line is not a JSON-RPC message; answered with an invalid request error", "error", err)
		r.out.refuse(jsonrpc.CodeInvalidRequest, "invalid request: "+err.Error())
		return nil
	}
	// Noted before the SDK sees it, so its answer cannot come first.
	r.fl.update(func() {
		for _, m := range msgs {
			switch m := m.(type) {
			case *jsonrpc.Request:
				if m.IsCall() {
					r.fl.requests[m.ID] = true
				}
			case *jsonrpc.Response:
				delete(r.fl.calls, m.ID)
			}
		}
	})
	return append(line, '\n')
}

// wait is the end of input: it blocks until nothing read waits for an
// answer (false), or until a call of ours waits for the client's answer,
// which can no longer come. Such calls are answered here with an error
// (true, the answers), so that the handler that made the call finishes
// and answers its own request instead of waiting out the grace.
func (r *lineReader) wait() ([]byte, bool) {
	timer := time.NewTimer(time.Until(r.deadline))
	defer timer.Stop()
	for {
		var out []byte
		var pending int
		r.fl.update(func() {
			for id := range r.fl.calls {
				b, err := jsonrpc.EncodeMessage(&jsonrpc.Response{ID: id, Error: &jsonrpc.Error{
					Code: jsonrpc.CodeInternalError, Message: "the client's input ended before it answered"}})
				if err == nil {
					out = append(append(out, b...), '\n')
				}
				delete(r.fl.calls, id)
			}
			pending = len(r.fl.requests)
		})
		if len(out) > 0 {
			return out, true
		}
		if pending == 0 {
			return nil, false
		}
		select {
		case <-r.fl.changed:
		case <-r.closed:
			return nil, false
		case <-timer.C:
			r.log.Warn("stdio: input ended and requests are still unanswered after the grace; closing", "requests", pending, "grace", r.grace)
			return nil, false
		}
	}
}

// Close stops a wait at the end of input, and closes the input as the
// SDK's stdio transport does.
func (r *lineReader) Close() error {
	var err error
	r.closeOnce.Do(func() {
		close(r.closed)
		if c, ok := r.src.(io.Closer); ok {
			err = c.Close()
		}
	})
	return err
}

// decodeLine decodes one line as the SDK does: a message, or a batch of
// them.
func decodeLine(b []byte) ([]jsonrpc.Message, error) {
	if len(b) == 0 || b[0] != '[' {
		m, err := jsonrpc.DecodeMessage(b)
		if err != nil {
			return nil, err
		}
		return []jsonrpc.Message{m}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, errors.New("empty batch")
	}
	msgs := make([]jsonrpc.Message, 0, len(raws))
	for _, raw := range raws {
		m, err := jsonrpc.DecodeMessage(raw)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}
