//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// rootLockDirs are where root's lock directory may go, the first that
// exists: /run on Linux, /var/run on macOS and the BSDs. Not the
// world-writable /run/lock: a user could create /run/lock/keepalive first.
var rootLockDirs = []string{"/run", "/var/run"}

// openLock opens the lock file standing for dir:
//
//   - as root, in /run/keepalive (0700, root's), which no one else
//     can open, so no user can hold root's lock;
//   - as another user, in $XDG_RUNTIME_DIR/keepalive (the user's own 0700
//     runtime directory, where the same user's other runs find it);
//   - without such a directory, on dir itself, opened read-only: flock(2)
//     needs no write permission, and nothing is created.
func openLock(dir string) (*os.File, error) {
	base := ""
	if os.Geteuid() == 0 {
		for _, d := range rootLockDirs {
			if rootOnly(d) { // only root may create names in it
				base = d
				break
			}
		}
	} else if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && filepath.IsAbs(rt) && privateDir(rt) == nil {
		base = rt
	}
	if base == "" {
		return os.Open(dir)
	}
	locks := filepath.Join(base, "keepalive")
	if err := os.Mkdir(locks, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	if err := privateDir(locks); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(locks)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.OpenFile(lockName(dir), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", filepath.Join(locks, lockName(dir)))
	}
	return f, nil
}

// privateDir refuses a lock directory that is a symlink, is not the
// user's own, or that others can enter.
func privateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is not a directory only uid %d can open (want mode 0700); remove it and run keepalive again", dir, os.Geteuid())
	}
	return nil
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
// The lock file stays: removing it would race with a process opening it.
func unlockFile(f *os.File) {
	f.Close()
}
