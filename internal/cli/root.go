// Package cli wires keepalive's commands to cobra. It holds no config logic:
// each command fills an options struct from its flags and calls a run
// function that tests can call directly.
package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// version is Version, or for a plain `go install module@v1.2.3` (no
// -ldflags) the module version the go command stamped into the binary, or
// for a build from a clone "dev+COMMIT".
func version() string {
	if Version != "dev" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	// Built from a clone (go install ./cmd/keepalive): name the commit, so
	// a bug report says which code it was.
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) >= 12 {
		v := Version + "+" + rev[:12]
		if dirty {
			v += "-dirty"
		}
		return v
	}
	return Version
}

// Main runs keepalive with args and returns the process exit code. It is the
// only place that prints errors.
func Main(args []string, s Streams) int { return Run(args, s, SystemMachine()) }

// Run is Main on a given machine: tests pass their own programs and stores.
func Run(args []string, s Streams, m Machine) int {
	root := newRootCmd(s, &m)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code, hint := exitCode(err)
	if code == exitChanged {
		return code
	}
	fmt.Fprintf(s.Err, "keepalive: %v\n", err)
	if hint != "" {
		fmt.Fprintf(s.Err, "keepalive: hint: %s\n", hint)
	}
	return code
}

func newRootCmd(s Streams, m *Machine) *cobra.Command {
	root := &cobra.Command{
		Use:   "keepalive",
		Short: "Keep SSH sessions alive through NAT firewalls",
		Long: `keepalive turns on application-level keep-alives in OpenSSH client and server
configuration and in PuTTY saved sessions, editing the files losslessly and
atomically, and shows which values are really in effect and where they come from.

Exit status: 0 done (or nothing to do), 1 keepalive could not do it, 2 bad
usage, 3 --check found that a change would be made.`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetIn(s.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cliError{code: exitUsage, err: err}
	})
	root.AddCommand(
		newEnableCmd(s, m),
		newDisableCmd(s, m),
		newServerCmd(s, m),
		newShowCmd(s, m),
		newPuttyCmd(s, m),
		newProbeCmd(s),
	)
	// cobra adds "completion" itself; make sure it exists for --help.
	root.InitDefaultCompletionCmd()
	registerCompletions(root, m)
	for _, c := range root.Commands() {
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

// noArgs rejects positional arguments as bad usage (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
