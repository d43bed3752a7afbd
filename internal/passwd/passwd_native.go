//go:build windows || darwin

package passwd

import "os/user"

// system: os/user asks the system itself here (Windows' API, macOS's
// libc, cgo or not), so there is nothing to fall back on.
func system() nss { return nss{} }

// Current returns the user running keepalive.
func Current() (*User, error) {
	u, err := user.Current()
	if u == nil {
		return nil, err
	}
	return &User{User: *u}, err
}
