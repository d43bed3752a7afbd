//go:build !windows

package putty

import (
	"fmt"
	"os"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/passwd"
)

// DefaultStore is where PuTTY keeps the current user's sessions: the
// directory FindFileStore finds from the environment.
func DefaultStore() (Store, error) {
	env := Env{Getenv: os.Getenv}
	if u, err := passwd.Current(); err == nil {
		env.PasswdHome = u.HomeDir
	}
	return FindFileStore(env), nil
}

// AppStore is the store of one app, named as --app names it. Off Windows
// only PuTTY keeps sessions (KiTTY is a Windows program).
func AppStore(name string) (Store, error) {
	app, ok := AppNamed(name)
	switch {
	case !ok:
		return nil, fmt.Errorf("unknown app %q: want putty or kitty", name)
	case app != PuTTY:
		return nil, fmt.Errorf("%s keeps its sessions in the Windows registry: --app %s works on Windows only", app.Name, strings.ToLower(app.Name))
	}
	return DefaultStore()
}
