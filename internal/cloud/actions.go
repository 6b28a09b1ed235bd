package cloud

import (
	"fmt"
	"strings"
)

// Action is a power action of the servers API.
type Action string

// The power actions. Start and stop apply to ENTERPRISE and VCPU servers;
// suspend and resume to CUBE and GPU servers; reboot to any running server.
const (
	Start   Action = "start"
	Stop    Action = "stop"
	Reboot  Action = "reboot"
	Suspend Action = "suspend"
	Resume  Action = "resume"
)

// Target is the vmState the action leads to.
func (a Action) Target() string {
	switch a {
	case Stop:
		return "SHUTOFF"
	case Suspend:
		return "SUSPENDED"
	default:
		return "RUNNING"
	}
}

// TemplateBased reports whether a server type is power-managed with
// suspend/resume. The API documents this for CUBE; GPU servers are
// template-based too and the IONOS terraform provider manages them the same
// way, so a stop on a GPU server is refused rather than sent.
func TemplateBased(serverType string) bool {
	return serverType == "CUBE" || serverType == "GPU"
}

// WrongActionError says that an action does not apply to a server, and
// which action does. The API accepts such pairings and fails the request
// late with a generic message, so the client checks first.
type WrongActionError struct {
	Server Server
	Action Action
	Use    Action // the action that applies instead
}

func (e *WrongActionError) Error() string {
	return fmt.Sprintf("%s; %s is the action for it", e.Reason(), e.Use)
}

// Reason says why the action does not apply, without naming the remedy.
func (e *WrongActionError) Reason() string {
	s := e.Server
	switch {
	case e.Action == Reboot:
		return fmt.Sprintf("server %q is %s, not RUNNING: a reboot needs a running server", s.Name, s.VMState)
	case TemplateBased(s.Type):
		return fmt.Sprintf("server %q is a %s server, which cannot be %s", s.Name, s.Type, e.Action.PastTense())
	}
	return fmt.Sprintf("server %q is %s server: only CUBE and GPU servers can be %s", s.Name, withArticle(s.Type), e.Action.PastTense())
}

// Check returns a *WrongActionError when the action does not apply to s.
func (a Action) Check(s Server) error {
	tb := TemplateBased(s.Type)
	var use Action
	switch {
	case a == Stop && tb:
		use = Suspend
	case a == Start && tb:
		use = Resume
	case a == Suspend && !tb:
		use = Stop
	case a == Resume && !tb:
		use = Start
	case a == Reboot && s.VMState != "" && s.VMState != "RUNNING" && !s.Busy():
		use = Start
		if tb {
			use = Resume
		}
	default:
		return nil
	}
	return &WrongActionError{Server: s, Action: a, Use: use}
}

// AlreadyDone reports whether the server already is where the action leads,
// so that nothing needs to be sent. Reboot is never already done, and a busy
// server may be about to change, so it is never already done either.
func (a Action) AlreadyDone(s Server) bool {
	if a == Reboot || s.Busy() {
		return false
	}
	return s.VMState == a.Target()
}

// PastTense is the action's participle: "stopped", "rebooted", ...
func (a Action) PastTense() string {
	switch a {
	case Stop:
		return "stopped"
	case Start:
		return "started"
	case Suspend:
		return "suspended"
	case Resume:
		return "resumed"
	}
	return "rebooted"
}

// withArticle puts "a" or "an" before a server type.
func withArticle(serverType string) string {
	switch {
	case serverType == "":
		return "a non-CUBE"
	case strings.ContainsRune("AEIOU", rune(serverType[0])):
		return "an " + serverType
	}
	return "a " + serverType
}
