//go:build !unix

package probe

import "os/exec"

// setProcessGroup does nothing where there are no Unix process groups.
func setProcessGroup(*exec.Cmd) {}

// signalGroup ends ssh; without process groups its children are on their
// own.
func signalGroup(cmd *exec.Cmd, _ bool) error {
	return cmd.Process.Kill()
}
