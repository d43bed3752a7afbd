//go:build !windows && !darwin

package passwd

import (
	"os"
	"os/user"
	"strconv"
)

// system asks NSS with the programs of the standard directories: keepalive
// runs as root under sudo, with a PATH its user may have set.
func system() nss {
	return nss{dirs: []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"}, timeout: timeout}
}

// Current returns the user running keepalive: its entry in the password
// database, else (as os/user does) one made from $USER and $HOME.
func Current() (*User, error) {
	return current(system())
}

func current(n nss) (*User, error) {
	if u, err := lookupId(strconv.Itoa(os.Getuid()), n); err == nil {
		return u, nil
	}
	u, err := user.Current()
	if u == nil {
		return nil, err
	}
	return &User{User: *u}, err
}
