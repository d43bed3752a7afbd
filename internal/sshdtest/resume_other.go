//go:build !unix

package sshdtest

import "os"

// resume is a no-op where processes cannot be frozen with SIGSTOP.
func resume(*os.Process) {}
