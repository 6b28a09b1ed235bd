package cli

import (
	"fmt"
	"math"
)

// The simulator's pace, one rule for every command. The standalone sim
// stands in for the real API (the live suite, benchmarks, other tools
// pointed at it), so it keeps the API's pace; the simulator embedded in
// demo and the --sim commands is there to be tried at a prompt, so it runs
// ten times faster.
const (
	apiPace      = 1.0
	embeddedPace = 0.1
)

// timeScaleHelp is the help of every time-scale flag (sim's and demo's
// --time-scale, --sim-time-scale), so that the rule reads the same
// wherever it is looked up.
const timeScaleHelp = "multiply the simulator's durations: 1 = the real API's pace (a stop takes about 12 s), " +
	"0.01 = near instant; sim defaults to 1, the simulator embedded in demo and --sim to 0.1"

// checkTimeScale refuses a scale the simulator cannot run at.
func checkTimeScale(flag string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%s %v: must be a number greater than 0 (1 = the real API's pace, 0.1 = ten times faster)", flag, v)
	}
	return nil
}
