package cli

import (
	"sync"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/report"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// Machine is what commands take from the system they run on besides the
// streams: the OpenSSH programs, the PuTTY session store, how sshd is
// reloaded. Main uses SystemMachine; tests pass their own.
type Machine struct {
	// FindProgram finds an OpenSSH program ("ssh", "sshd").
	FindProgram func(name string) (string, error)
	// PuttyStore opens the current user's PuTTY sessions (and KiTTY's,
	// when it has saved any).
	PuttyStore func() (putty.Store, error)
	// AppStore opens the sessions of one program, as --app names it.
	AppStore func(app string) (putty.Store, error)
	// FindReload says how to make the running sshd read its config again.
	FindReload func(pidFile string) openssh.Reload
	// Version is the installed OpenSSH release, whose semantics the
	// resolver follows where releases differ (criterion=value in Match,
	// ${ENV} in Include, Debian's SetupTimeOut, ...); called only for a
	// config that depends on it, and at most once (resolve.Options.Version).
	Version func() resolve.Version
}

// SessionStore is the --app program's session store, or with no --app
// (app "") every program's that has saved sessions.
func (m *Machine) SessionStore(app string) (putty.Store, error) {
	if app == "" {
		return m.PuttyStore()
	}
	if _, ok := putty.AppNamed(app); !ok {
		return nil, usageErrorf("invalid --app %q: want putty or kitty", app)
	}
	return m.AppStore(app)
}

// SystemMachine is the machine keepalive runs on.
func SystemMachine() Machine {
	return Machine{
		FindProgram: openssh.Find,
		PuttyStore:  putty.DefaultStore,
		AppStore:    putty.AppStore,
		FindReload:  openssh.FindReload,
		Version:     sync.OnceValue(report.InstalledVersion),
	}
}
