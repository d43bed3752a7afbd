// Package privilege decides whose authority keepalive acts with. Root must
// not act on files another account controls: a user who can write a
// directory on the way to a file can point that path anywhere (a symlink,
// a directory swapped mid-run), and only the kernel, checking that user's
// own credentials, can refuse what the user could not do. So when root is
// about to edit such a file, keepalive runs the same command again as that
// user (Run) and returns its exit code; it does not try to win the race
// with checks of its own.
package privilege

import (
	"errors"
	"fmt"
)

// Account is a user whose credentials a run takes on.
type Account struct {
	Name     string
	UID, GID int
	Groups   []int  // supplementary groups; empty when the user is unknown
	Home     string // from the password database; empty when unknown
}

// Owner is the account that controls a path, and where that control
// begins: the directory, link or file it owns.
type Owner struct {
	UID, GID int
	Path     string
}

// ErrShared is wrapped by Controller when a directory on the way can be
// written by a group or by everyone (and is not sticky): anyone in it can
// redirect the path, and there is no one account to act as.
var ErrShared = errors.New("the directory can be written by other users")

// maxLinks is how many symlinks Controller follows, as Linux's MAXSYMLINKS.
const maxLinks = 40

// sharedError names the directory everyone can write.
func sharedError(dir string) error {
	return fmt.Errorf("%s: %w", dir, ErrShared)
}
