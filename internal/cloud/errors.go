package cloud

import (
	"fmt"
	"strings"
)

// The domain errors. The errors of the API itself are *APIError
// (internal/cloud/apierror); these say what the client found or refused.

// NotFoundError says that no data center, server or request matches a
// reference. What the operator's allow-list hides (IONOS_MCP_DATACENTERS)
// is not found either, in the same words: a caller must not learn what
// exists beyond it.
type NotFoundError struct {
	Kind  string // "server", "data center" or "request"
	Ref   string // the id or name asked for
	Scope string // where it was looked for, e.g. `data center "staging"`; empty = the whole account
	// Hidden is true when the thing may exist but lies outside the
	// allow-list. It is for the audit trail only and never changes the text.
	Hidden bool
}

func (e *NotFoundError) Error() string {
	where := "in this account"
	if e.Scope != "" {
		where = "in " + e.Scope
	}
	what := "named"
	if IsUUID(e.Ref) {
		what = "with id"
	}
	return fmt.Sprintf("no %s %s %q %s", e.Kind, what, e.Ref, where)
}

// AmbiguousError says that a name matches several servers or data centers.
// Nothing is guessed: the caller must pick one by id or narrow the scope.
type AmbiguousError struct {
	Kind       string
	Ref        string
	Candidates []Candidate
}

// Candidate is one match of an ambiguous name.
type Candidate struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	DatacenterID   string `json:"datacenterId,omitempty"`
	DatacenterName string `json:"datacenterName,omitempty"`
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %ss are named %q; use an id", len(e.Candidates), e.Kind, e.Ref)
	if e.Kind == "server" {
		b.WriteString(" or give the datacenter")
	}
	b.WriteString(":")
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "\n- %s (id %s", c.Name, c.ID)
		if c.DatacenterID != "" {
			fmt.Fprintf(&b, ", data center %q id %s", c.DatacenterName, c.DatacenterID)
		}
		b.WriteString(")")
	}
	return b.String()
}

// restrictedScope is where a data center is looked for under an allow-list.
const restrictedScope = "the data centers this server may use (IONOS_MCP_DATACENTERS)"

// HiddenDatacenter is the error for a data-center reference the allow-list
// excludes: the same as for one that does not exist.
func HiddenDatacenter(ref string) error {
	return &NotFoundError{Kind: "data center", Ref: ref, Scope: restrictedScope, Hidden: true}
}

// UnconfirmedWriteError says that a power action was sent but its answer
// was lost (a timeout, a broken connection, a gateway error), and that the
// request it would have created could not be found afterwards. Nothing
// indicates that the action ran; it was not re-sent.
type UnconfirmedWriteError struct {
	Action Action
	Server Server
	Cause  error
	// Checked is false when the request list could not be read either; then
	// nothing is known about the outcome.
	Checked bool
}

func (e *UnconfirmedWriteError) Error() string {
	if !e.Checked {
		return fmt.Sprintf("the %s of server %q was sent but its answer was lost (%v), and the API's request list could not be read to check whether it was accepted",
			e.Action, e.Server.Name, e.Cause)
	}
	return fmt.Sprintf("the %s of server %q was sent but its answer was lost (%v); no request for it appeared in the account's request list, so it was most likely not executed",
		e.Action, e.Server.Name, e.Cause)
}

func (e *UnconfirmedWriteError) Unwrap() error { return e.Cause }
