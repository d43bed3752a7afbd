// Package cli wires keepalive's commands to cobra. It holds no config logic:
// each command fills an options struct from its flags and calls a run
// function that tests can call directly.
package cli

import (
	"errors"
	"fmt"

	"github.com/keepalive-ssh/keepalive/internal/buildinfo"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// Main runs keepalive with args and returns the process exit code. It is the
// only place that prints errors.
func Main(args []string, s Streams) int { return Run(args, s, SystemMachine()) }

// Run is Main on a given machine: tests pass their own programs and stores.
func Run(args []string, s Streams, m Machine) int {
	if h := sudoUserHandoff(args, m); h != nil {
		return runHandoff(h, args, s)
	}
	root := newRootCmd(s, &m)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	if h, ok := errors.AsType[*handoff](err); ok {
		return runHandoff(h, args, s)
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
		Version:       buildinfo.Read(Version).Short(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate(buildinfo.Read(Version).String() + "\n")
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
