// Package cli wires keepalive's commands to cobra. It holds no config logic:
// each command fills an options struct from its flags and calls a run
// function that tests can call directly.
package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/buildinfo"
	"github.com/keepalive-ssh/keepalive/internal/privilege"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// Main runs keepalive with args and returns the process exit code. It is the
// only place that prints errors.
func Main(args []string, s Streams) int { return Run(args, s, SystemMachine()) }

// Run is Main on a given machine: tests pass their own programs and stores.
func Run(args []string, s Streams, m Machine) int {
	// Under sudo, --user asks for the sudo user's config: run as them.
	if h := privilege.ForSudoUser(); h != nil && wantsUser(args, m) {
		return h.Run(args, s.In, s.Out, s.Err)
	}
	root := newRootCmd(s, &m)
	root.SetArgs(args)
	err := unknownCommand(root, args)
	if err == nil {
		err = root.Execute()
	}
	if err == nil {
		return exitOK
	}
	if h, ok := errors.AsType[*privilege.Handoff](err); ok {
		return h.Run(args, s.In, s.Out, s.Err)
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
		Use:           "keepalive",
		Short:         "Keep SSH sessions alive through NAT firewalls",
		Version:       buildinfo.Read(Version).Short(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate(buildinfo.Read(Version).String() + "\n")
	// --version has no -v: -v is --verbose wherever a command has it.
	root.Flags().Bool("version", false, "print the version, commit, Go version and platform")
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetIn(s.In)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		hint := c.CommandPath() + " --help lists its flags"
		if c == c.Root() && strings.Contains(err.Error(), "'v'") {
			hint = "--version prints the version; -v is --verbose of enable, disable, server and putty"
		}
		return &cliError{code: exitUsage, err: err, hint: hint}
	})
	root.SetHelpCommand(newHelpCmd())
	// The long help and examples are read when help is shown.
	help, usage := root.HelpFunc(), root.UsageFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) { fillHelp(c.Root()); help(c, args) })
	root.SetUsageFunc(func(c *cobra.Command) error { fillHelp(c.Root()); return usage(c) })
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
	root.InitDefaultHelpCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil {
		for _, sh := range c.Commands() {
			sh.Args = noArgs // cobra's NoArgs error would exit 1
		}
	}
	registerCompletions(root, m)
	for _, c := range root.Commands() {
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

// unknownCommand returns the usage error (exit 2) for args that name no
// command: a typo ("enabel"), "version", or a word after a command that
// only groups others ("completion tcsh"), for which cobra would print help
// and exit 0.
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return nil
	}
	c, rest, err := root.Find(args)
	if err == nil && c.Runnable() {
		return nil
	}
	if c == nil {
		c = root
	}
	if err == nil {
		if c.ParseFlags(rest) != nil || len(c.Flags().Args()) == 0 {
			return nil // a flag error, or help for the group: cobra says it
		}
		rest = c.Flags().Args()
	}
	word := ""
	for _, a := range rest {
		if !strings.HasPrefix(a, "-") {
			word = a
			break
		}
	}
	hint := fmt.Sprintf("%q lists the commands", c.CommandPath()+" --help")
	if s := c.SuggestionsFor(word); len(s) > 0 {
		hint = fmt.Sprintf("did you mean %q? ", c.CommandPath()+" "+s[0]) + hint
	} else if word == "version" && c == root {
		hint = "keepalive --version prints the version"
	}
	return &cliError{code: exitUsage, err: fmt.Errorf("unknown command %q for %q", word, c.CommandPath()), hint: hint}
}

// newHelpCmd is "keepalive help COMMAND": an unknown topic is bad usage.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			cmd, _, _ := c.Root().Find(args)
			var out []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					out = append(out, sub.Name()+"\t"+sub.Short)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageErrorf("unknown help topic %q: \"keepalive --help\" lists the commands", strings.Join(args, " "))
			}
			return cmd.Help()
		},
	}
}

// noArgs rejects positional arguments as bad usage (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
