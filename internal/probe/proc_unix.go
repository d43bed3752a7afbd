//go:build unix

package probe

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts ssh in a process group of its own, so that stopping
// a session also stops what ssh started (a ProxyCommand, say), and so that
// a Ctrl-C on the terminal reaches keepalive alone, which then closes every
// session itself.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup asks the session's process group to end, or with kill makes
// it.
func signalGroup(cmd *exec.Cmd, kill bool) error {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	return syscall.Kill(-cmd.Process.Pid, sig)
}
