package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Root acts on a user's files with that user's authority (docs/SPEC.md "File
// safety"): privilege decides when, and Main runs the same command line
// again as that account, whose exit code becomes keepalive's.

// wantsUser reports whether args run a command with --user set. It parses
// them with a command tree of its own, so the real one is parsed once.
func wantsUser(args []string, m Machine) bool {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		args = args[1:]
	}
	root := newRootCmd(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, &m)
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		return false
	}
	_ = cmd.ParseFlags(rest) // a word being completed may not parse yet
	v, err := cmd.Flags().GetBool("user")
	return err == nil && v
}
