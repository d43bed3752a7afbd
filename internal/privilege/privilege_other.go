//go:build !unix

package privilege

import (
	"errors"
	"io"
)

// Controller always reports root's (UID 0) control: Windows has no uid, and
// files in a profile are protected by their ACLs.
func Controller(path string) (Owner, error) { return Owner{Path: path}, nil }

// Lookup returns an account with only the ids.
func Lookup(uid, gid int) Account { return Account{UID: uid, GID: gid} }

// SudoUser reports false: there is no sudo.
func SudoUser() (Account, bool) { return Account{}, false }

// Root reports false: no process hands its work to another account.
func Root() bool { return false }

// Run is not supported.
func Run(Account, []string, string, io.Reader, io.Writer, io.Writer) (int, error) {
	return 1, errors.New("running as another user is not supported on this system")
}
