// Package buildinfo says which keepalive this is: the version stamped at
// build time, or what the Go toolchain recorded (module version, commit),
// the Go version and the platform, for --version and bug reports.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Info describes a build.
type Info struct {
	Version string // "v1.2.3", "dev"
	Commit  string // the VCS revision, "" when unknown
	Dirty   bool   // built from a tree with uncommitted changes
	Go      string // "go1.26.8"
	OS      string
	Arch    string
}

// Read describes this binary. stamped is the version set with -ldflags
// ("dev" when none was): it wins; else the module version `go install
// module@v1.2.3` records; else "dev" with the commit of a build from a
// clone.
func Read(stamped string) Info {
	in := Info{Version: stamped, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.modified":
			in.Dirty = s.Value == "true"
		}
	}
	if stamped == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		in.Version = bi.Main.Version
	}
	return in
}

// Short is the version with, for an unstamped build from a clone, the
// commit: "v1.2.3", "dev+0123456789ab-dirty".
func (in Info) Short() string {
	if in.Version != "dev" || len(in.Commit) < 12 {
		return in.Version
	}
	v := in.Version + "+" + in.Commit[:12]
	if in.Dirty {
		v += "-dirty"
	}
	return v
}

// String is the --version line: "keepalive v1.2.3 (commit 0123456789ab,
// go1.26.8, linux/amd64)".
func (in Info) String() string {
	commit := ""
	if len(in.Commit) >= 12 {
		commit = "commit " + in.Commit[:12]
		if in.Dirty {
			commit += "-dirty"
		}
		commit += ", "
	}
	return fmt.Sprintf("keepalive %s (%s%s, %s/%s)", in.Short(), commit, in.Go, in.OS, in.Arch)
}
