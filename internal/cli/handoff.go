package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/privilege"
)

// Root acts on a user's files with that user's authority (docs/SPEC.md "File
// safety"): when root is about to edit a file another account controls,
// the command returns a handoff, and Main runs the same command line again
// as that account, whose exit code becomes keepalive's. The kernel then
// refuses whatever the user could not do, however they rearrange their
// files meanwhile.

// handoff asks Main to run the command again as acct.
type handoff struct {
	acct privilege.Account
	home string // HOME for the run, or empty to keep it
	why  string // the note Main prints first, if any
}

func (h *handoff) Error() string { return "run as " + h.acct.Name }

// actAsController returns a handoff when this process is root and path
// (the file to edit) is controlled by another account: a directory on the
// way, a link or the file itself belongs to it. A path in a directory
// several users can write is refused.
func actAsController(path string) error {
	if !privilege.Root() {
		return nil
	}
	o, err := privilege.Controller(path)
	if errors.Is(err, privilege.ErrShared) {
		return withHint(fmt.Errorf("refusing to use %s as root: %w, so they could redirect it; nothing was written", path, err),
			"run keepalive as the user who owns the file, or keep the file in a directory only its owner can write")
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if o.UID == 0 {
		return nil
	}
	acct := privilege.Lookup(o.UID, o.GID)
	return &handoff{acct: acct, why: fmt.Sprintf("%s belongs to %s (uid %d), so root works on %s as %s",
		o.Path, acct.Name, acct.UID, path, acct.Name)}
}

// sudoUserHandoff returns a handoff to the user who ran sudo when args ask
// for their config (--user, completion included): every file of theirs,
// and every Include in it, is then read and written as them.
func sudoUserHandoff(args []string, m Machine) *handoff {
	acct, ok := privilege.SudoUser()
	if !ok || acct.Home == "" || !wantsUser(args, m) {
		return nil // without a home in the user database, the edit says why it cannot go on
	}
	return &handoff{acct: acct, home: acct.Home}
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

// ranForSudo reports whether this process is the user who ran sudo, run
// by a root keepalive for --user (see sudoUserHandoff).
func ranForSudo(forUser bool) bool {
	return forUser && os.Geteuid() > 0 && os.Getenv("SUDO_UID") == strconv.Itoa(os.Geteuid())
}

// runHandoff runs args as h says and returns the exit code.
func runHandoff(h *handoff, args []string, s Streams) int {
	if h.why != "" {
		fmt.Fprintf(s.Err, "keepalive: note: %s\n", h.why)
	}
	code, err := privilege.Run(h.acct, args, h.home, s.In, s.Out, s.Err)
	if err != nil {
		fmt.Fprintf(s.Err, "keepalive: %v\n", err)
		fmt.Fprintf(s.Err, "keepalive: hint: root edits %s's files as %s; install keepalive where %s can run it (such as /usr/local/bin), or run it as %s\n",
			h.acct.Name, h.acct.Name, h.acct.Name, h.acct.Name)
	}
	return code
}
