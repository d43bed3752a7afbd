//go:build !windows

package edit

import "golang.org/x/sys/unix"

// accessWrite asks the kernel whether this process may create files in dir,
// which accounts for root, ACLs and read-only mounts.
func accessWrite(dir string) error {
	return unix.Access(dir, unix.W_OK)
}
