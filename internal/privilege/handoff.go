package privilege

import (
	"errors"
	"fmt"
	"io"
)

// Handoff asks for the command line to be run again as Acct (see Run):
// root acts on a user's files with that user's authority. It is an error
// so that a command can return it from deep inside; the caller runs it.
type Handoff struct {
	Acct Account
	Home string // HOME for the run, or "" to keep it
	Why  string // the note printed first, if any
}

func (h *Handoff) Error() string { return "run as " + h.Acct.Name }

// Refusal is an error with what to do about it.
type Refusal struct {
	Err  error
	Hint string
}

func (r *Refusal) Error() string { return r.Err.Error() }
func (r *Refusal) Unwrap() error { return r.Err }

// ForPath returns a *Handoff when this process is root and path (the file
// to edit or read) is controlled by another account: a directory on the
// way, a link or the file itself belongs to it. A path in a directory
// several users can write is refused (*Refusal). Otherwise it returns nil:
// root goes on itself.
func ForPath(path string) error {
	if !Root() {
		return nil
	}
	o, err := Controller(path)
	if errors.Is(err, ErrShared) {
		return &Refusal{fmt.Errorf("refusing to use %s as root: %w, so they could redirect it; nothing was written", path, err),
			"run keepalive as the user who owns the file, or keep the file in a directory only its owner can write"}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if o.UID == 0 {
		return nil
	}
	acct := Lookup(o.UID, o.GID)
	return &Handoff{Acct: acct, Why: fmt.Sprintf("%s belongs to %s (uid %d), so root works on %s as %s",
		o.Path, acct.Name, acct.UID, path, acct.Name)}
}

// ForSudoUser returns the handoff to the user who ran sudo, for a command
// line that asks for their own config (--user): every file of theirs, and
// every Include in it, is then read and written as them. It returns nil
// when not under sudo, or when the user has no home in the user database
// (the edit then says why it cannot go on).
func ForSudoUser() *Handoff {
	acct, ok := SudoUser()
	if !ok || acct.Home == "" {
		return nil
	}
	return &Handoff{Acct: acct, Home: acct.Home}
}

// Run runs args as h says, after its note, and returns the exit code. A run
// that cannot start is reported on stderr with what to do.
func (h *Handoff) Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if h.Why != "" {
		fmt.Fprintf(stderr, "keepalive: note: %s\n", h.Why)
	}
	code, err := Run(h.Acct, args, h.Home, stdin, stdout, stderr)
	if err != nil {
		n := h.Acct.Name
		fmt.Fprintf(stderr, "keepalive: %v\n", err)
		fmt.Fprintf(stderr, "keepalive: hint: root edits %s's files as %s; install keepalive where %s can run it (such as /usr/local/bin), or run it as %s\n", n, n, n, n)
	}
	return code
}
