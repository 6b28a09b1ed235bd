package tools_test

import (
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

// What the audit trail holds for one confirmed stop, as README.md and
// SECURITY.md describe it: a line per call of a write tool, so two for a
// stop that is confirmed, the first for the preview or the question and the
// second for the outcome.
func TestAuditLinesOfAConfirmedStop(t *testing.T) {
	for _, era := range eras {
		t.Run("token "+era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, nil) // no elicitation: a preview and a token
			var preview, done tools.PowerOutput
			mustCall(t, cs, "stop_server", map[string]any{"server": "jupyter"}, &preview)
			mustCall(t, cs, "stop_server", map[string]any{"server": "jupyter", "confirmation_token": preview.ConfirmationToken}, &done)
			e.audit.want(t, [][2]string{{"preview-issued", "CONFIRMATION_REQUIRED"}, {"token", "DONE"}})
		})
		t.Run("elicitation "+era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, elicitOptions(accept))
			mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}, nil)
			e.audit.want(t, [][2]string{{"elicitation-requested", "CONFIRMATION_REQUESTED"}, {"elicitation", "DONE"}})
		})
		t.Run("declined "+era, func(t *testing.T) {
			e := newEnv(t)
			cs := e.session(era, elicitOptions(decline))
			mustCall(t, cs, "stop_server", map[string]any{"server": "etl-1"}, nil)
			e.audit.want(t, [][2]string{{"elicitation-requested", "CONFIRMATION_REQUESTED"}, {"declined", "DECLINED"}})
		})
	}
	// An action without confirmation, or one refused before it, is one line.
	e := newEnv(t)
	cs := e.session(eras[0], nil)
	mustCall(t, cs, "start_server", map[string]any{"server": "build-runner"}, nil)
	mustFail(t, cs, "stop_server", map[string]any{"server": "dev-cube"}) // a CUBE server: suspend_server
	e.audit.want(t, [][2]string{{"not-required", "DONE"}, {"none", "REFUSED"}})
}
