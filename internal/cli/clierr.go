package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"
)

// Codes of the errors the command line itself finds, for scripts that read
// --json errors. Errors of other kinds carry no code.
const (
	codeUsage           = "usage"            // the command was not given what it needs
	codeUnknownTool     = "unknown_tool"     // no tool of that name in tools/list
	codeUnknownArgument = "unknown_argument" // an argument the tool's input schema does not have
	codeInvalidArgument = "invalid_argument" // a value that does not fit the schema, or malformed arguments
	codeToolError       = "tool_error"       // the tool ran and reported an error
)

// cliError is an error with what a script needs to tell it apart (code)
// and what a person needs to get past it (hint).
type cliError struct {
	msg, code, hint string
}

func (e *cliError) Error() string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + "\n" + e.hint
}

// errorJSON is the document a command run with --json prints on stdout
// when it fails, so that a script reading stdout always gets JSON.
type errorJSON struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code,omitempty"`
		Hint    string `json:"hint,omitempty"`
	} `json:"error"`
}

func writeErrorJSON(w io.Writer, err error) {
	var doc errorJSON
	doc.Error.Message = err.Error()
	var ce *cliError
	if errors.As(err, &ce) {
		doc.Error.Message, doc.Error.Code, doc.Error.Hint = ce.msg, ce.code, ce.hint
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(doc)
}

// wantsJSON reports whether the command that ran was asked for --json. A
// flag that did not parse leaves the value unset, so the arguments are
// read too: a script that asked for JSON gets JSON for that error as well.
func wantsJSON(cmd *cobra.Command, args []string) bool {
	if cmd == nil {
		return false
	}
	fl := cmd.Flags().Lookup("json")
	if fl == nil {
		return false
	}
	if fl.Value.String() == "true" {
		return true
	}
	if end := slices.Index(args, "--"); end >= 0 {
		args = args[:end]
	}
	return slices.Contains(args, "--json") || slices.Contains(args, "--json=true")
}

// usageError is a failure to say what to do; the usage was shown already.
func usageError(format string, a ...any) error {
	return &exitError{code: 2, shown: true, err: &cliError{msg: fmt.Sprintf(format, a...), code: codeUsage}}
}
