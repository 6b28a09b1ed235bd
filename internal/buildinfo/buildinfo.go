// Package buildinfo says which build of ionos-mcp is running: the version,
// commit and build date a release stamps in with -ldflags, or, for a binary
// built by `go install` or `go build`, what the Go toolchain recorded.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by releases (see .goreleaser.yaml and the Dockerfile):
//
//	-X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.version=v1.2.3
//	-X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.commit=0123abc
//	-X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.date=2026-12-02T00:00:00Z
//
// They are the only package-level variables: the linker can set nothing else.
var version, commit, date string

// Info describes one build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion"`
}

// Get reports the running build.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, bi)
}

// Version is the version alone, as serverInfo.version and the User-Agent carry it.
func Version() string { return Get().Version }

// String is the one line `ionos-mcp version` prints.
func (i Info) String() string {
	s := "ionos-mcp " + i.Version
	if i.Commit != "" {
		c := i.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if i.Modified {
			c += "-dirty"
		}
		s += fmt.Sprintf(" (commit %s", c)
		if i.Date != "" {
			s += ", built " + i.Date
		}
		s += ")"
	} else if i.Date != "" {
		s += " (built " + i.Date + ")"
	}
	return s + " " + i.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// resolve prefers what the linker set, then what the toolchain recorded:
// `go install module@v1.2.3` records the module version, and a build in a
// git checkout records vcs.revision and vcs.time.
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	i := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}
	if bi != nil {
		if bi.GoVersion != "" {
			i.GoVersion = bi.GoVersion
		}
		if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if i.Commit == "" {
					i.Commit = s.Value
				}
			case "vcs.time":
				if i.Date == "" {
					i.Date = s.Value
				}
			case "vcs.modified":
				i.Modified = commit == "" && s.Value == "true"
			}
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	return i
}
