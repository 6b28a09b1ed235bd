package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// callLog logs each tool call at debug level, one line each: the tool,
// how long the call took and its outcome. Arguments and results are left
// out, as they are the caller's and the API's data.
func (s *Server) callLog(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if method != "tools/call" || !s.log.Enabled(ctx, slog.LevelDebug) {
			return next(ctx, method, req)
		}
		start := time.Now()
		res, err := next(ctx, method, req)
		s.log.LogAttrs(ctx, slog.LevelDebug, "tool call",
			slog.String("tool", toolName(req)),
			slog.Duration("duration", time.Since(start)),
			slog.String("outcome", outcome(res, err)))
		return res, err
	}
}

// toolName is the name the caller asked for, bounded: it is the caller's
// text and may name no tool at all. The handler escapes what it holds.
func toolName(req mcp.Request) string {
	p, ok := req.GetParams().(*mcp.CallToolParamsRaw)
	if !ok || p == nil {
		return ""
	}
	const maxLen = 64
	name := p.Name
	if len(name) > maxLen {
		name = name[:maxLen] + "…"
	}
	return strings.ToValidUTF8(name, "\uFFFD")
}

// outcome sorts a call's end: "ok", "tool error" (a result the model
// reads as a failure) or "protocol error" (no result at all).
func outcome(res mcp.Result, err error) string {
	if err != nil {
		return "protocol error"
	}
	if r, ok := res.(*mcp.CallToolResult); ok && r.IsError {
		return "tool error"
	}
	return "ok"
}
