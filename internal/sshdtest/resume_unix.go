//go:build unix

package sshdtest

import (
	"os"
	"syscall"
)

// resume continues a process a test froze with SIGSTOP, so it can be killed.
func resume(p *os.Process) { p.Signal(syscall.SIGCONT) }
