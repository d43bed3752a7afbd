//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// openLock opens the directory itself: flock(2) works on a read-only
// descriptor, so nothing is created and read-only file systems are fine.
func openLock(dir string) (*os.File, error) {
	return os.Open(dir)
}

// tryLock takes an exclusive flock without blocking, so Lock can give up
// after LockWait. It reports false while another descriptor holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP),
			errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EINVAL),
			errors.Is(err, syscall.EBADF):
			// No flock here (some NFS and FUSE mounts; Linux NFS maps
			// flock to a write lock a read-only directory cannot take).
			// Go on unlocked rather than make keepalive unusable: Write
			// still refuses to overwrite a change it did not read.
			return true, nil
		default:
			return false, os.NewSyscallError("flock", err)
		}
	}
}

// unlockFile releases the lock: closing the last descriptor drops a flock.
func unlockFile(f *os.File) {
	f.Close()
}
