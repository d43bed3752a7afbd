//go:build windows

package openssh

import "errors"

// Windows has no SIGHUP: the sshd service must be restarted, which
// keepalive never does itself.
func hangup(pid int) error {
	return errors.New("Windows has no SIGHUP; run Restart-Service sshd")
}

func alive(pid int) bool { return false }
