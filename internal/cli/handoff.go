package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/privilege"
)

// Root acts on a user's files with that user's authority (SPEC "File
// safety"): privilege decides when, and Main runs the same command line
// again as that account, whose exit code becomes keepalive's.

// sudoUserHandoff returns a handoff to the user who ran sudo when args ask
// for their config (--user, completion included).
func sudoUserHandoff(args []string, m Machine) *privilege.Handoff {
	h := privilege.ForSudoUser()
	if h == nil || !wantsUser(args, m) {
		return nil
	}
	return h
}

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
