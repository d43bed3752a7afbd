package passwd

import "os/user"

// system: Windows has no NSS; os/user asks the system itself.
func system() nss { return nss{} }

// Current returns the user running keepalive.
func Current() (*User, error) {
	u, err := user.Current()
	if u == nil {
		return nil, err
	}
	return &User{User: *u}, err
}
