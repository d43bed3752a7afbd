//go:build !windows

package openssh

import "syscall"

func hangup(pid int) error { return syscall.Kill(pid, syscall.SIGHUP) }

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
