//go:build !windows

package putty

import (
	"os"
	"os/user"
)

// DefaultStore is where PuTTY keeps the current user's sessions: the
// directory FindFileStore finds from the environment.
func DefaultStore() (Store, error) {
	env := Env{Getenv: os.Getenv}
	if u, err := user.Current(); err == nil {
		env.PasswdHome = u.HomeDir
	}
	return FindFileStore(env), nil
}
