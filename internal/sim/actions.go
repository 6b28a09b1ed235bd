package sim

import "github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"

// action is one of the five power actions.
type action uint8

const (
	actionStart action = iota
	actionStop
	actionReboot
	actionSuspend
	actionResume
	actionCount
)

var actionNames = [actionCount]string{"start", "stop", "reboot", "suspend", "resume"}

func (a action) String() string { return actionNames[a] }

// templateBased reports whether a server type is power-managed with
// suspend/resume. CUBE is by definition. GPU servers are template-based too,
// and the IONOS terraform provider suspends and resumes them rather than
// stopping them, so the simulator treats GPU like CUBE; the API notes record
// that the official MCP server disagrees, which is why this is one function.
func templateBased(typ string) bool { return typ == dataset.TypeCube || typ == dataset.TypeGPU }

// decide is what a request will do, fixed when it is accepted: whether it
// succeeds and the vmState it leaves behind ("" = unchanged). It is evaluated
// against the state the server will have once every request ahead of it has
// run, which is what the platform sees when it executes the request, because
// nothing but those requests changes a simulated server.
//
// Wrong pairings (start/stop on CUBE or GPU, suspend/resume on ENTERPRISE or
// VCPU) and a reboot of a server that is not running fail, late, like the
// real API is reported to fail them. Actions whose target already holds
// succeed and change nothing.
func decide(a action, typ, vm string) (next string, ok bool) {
	switch a {
	case actionStart:
		return transition(!templateBased(typ), vm, dataset.VMRunning)
	case actionStop:
		return transition(!templateBased(typ), vm, dataset.VMShutoff)
	case actionSuspend:
		return transition(templateBased(typ), vm, dataset.VMSuspended)
	case actionResume:
		return transition(templateBased(typ), vm, dataset.VMRunning)
	case actionReboot:
		if vm != dataset.VMRunning {
			return "", false
		}
		return dataset.VMRunning, true
	}
	return "", false
}

func transition(allowed bool, from, to string) (string, bool) {
	switch {
	case !allowed:
		return "", false
	case from == to:
		return "", true
	default:
		return to, true
	}
}

// stateOf maps a vmState to the resource's metadata.state when no request is
// pending: INACTIVE after a stop and SUSPENDED after a suspend are the
// terminal states ionosctl accepts.
func stateOf(vm string) string {
	switch vm {
	case dataset.VMShutoff, dataset.VMShutdown:
		return "INACTIVE"
	case dataset.VMSuspended, dataset.VMPaused:
		return "SUSPENDED"
	default:
		return "AVAILABLE"
	}
}

// Messages of finished requests.
const (
	msgQueued  = "Request has been queued"
	msgRunning = "Request is being executed"
	msgDone    = "Request has been successfully executed"
	msgFailed  = "[VDC-5-0] An unexpected error occurred"
)
