package sim

import (
	"io"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// These names moved to package dataset when the dataset layer left this
// package. Code outside internal/sim (the CLI, the tools, the cloud and
// server tests, bench, e2e) uses them under their old names, so they stay
// reachable here: types as aliases, functions as one-line calls, constants
// as copies. Code inside internal/sim uses package dataset.

// The dataset's types under the names the simulator's callers know.
type (
	// Dataset is dataset.Dataset.
	Dataset = dataset.Dataset
	// Datacenter is dataset.Datacenter.
	Datacenter = dataset.Datacenter
	// DatasetServer is dataset.Server.
	DatasetServer = dataset.Server
)

// GenerateOptions is dataset.GenerateOptions.
type GenerateOptions = dataset.GenerateOptions

// LoadDataset is dataset.Load.
func LoadDataset(r io.Reader) (*Dataset, error) { return dataset.Load(r) }

// DefaultDataset is dataset.Default.
func DefaultDataset() *Dataset { return dataset.Default() }

// Generate is dataset.Generate.
func Generate(o GenerateOptions) *Dataset { return dataset.Generate(o) }

// Defaults of GenerateOptions (the CLI's flag defaults).
const (
	DefaultVolumesPerServer  = dataset.DefaultVolumesPerServer
	DefaultNICsPerServer     = dataset.DefaultNICsPerServer
	DefaultLANsPerDatacenter = dataset.DefaultLANsPerDatacenter
)

// Server types.
const (
	TypeEnterprise = dataset.TypeEnterprise
	TypeVCPU       = dataset.TypeVCPU
	TypeCube       = dataset.TypeCube
	TypeGPU        = dataset.TypeGPU
)

// vmState values.
const (
	VMNoState   = dataset.VMNoState
	VMRunning   = dataset.VMRunning
	VMBlocked   = dataset.VMBlocked
	VMPaused    = dataset.VMPaused
	VMShutdown  = dataset.VMShutdown
	VMShutoff   = dataset.VMShutoff
	VMCrashed   = dataset.VMCrashed
	VMSuspended = dataset.VMSuspended
)
