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
func openLock(dir string) (*lockHandle, error) {
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
		f, err := os.Open(dir)
		if err != nil {
			return nil, err
		}
		return &lockHandle{f: f}, nil
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
	l := &lockHandle{dir: r, name: lockName(dir)}
	if err := l.open(); err != nil {
		r.Close()
		return nil, err
	}
	return l, nil
}

// lockHandle is an open lock: a lock file in dir named name, or (dir nil)
// the locked directory itself.
type lockHandle struct {
	f    *os.File
	dir  *os.Root
	name string
}

// open opens (or creates) the lock file.
func (l *lockHandle) open() error {
	f, err := l.dir.OpenFile(l.name, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return fmt.Errorf("%s: not a regular file", filepath.Join(l.dir.Name(), l.name))
	}
	l.f = f
	return nil
}

// try takes the lock if it is free. The holder before removes the lock
// file when it is done, so a lock won on a file no longer in the directory
// protects nothing: then the file now there (or a new one) is opened, to
// be tried again.
func (l *lockHandle) try() (bool, error) {
	ok, err := tryLock(l.f)
	if !ok || err != nil || l.dir == nil {
		return ok, err
	}
	if held, err1 := l.f.Stat(); err1 == nil {
		if cur, err2 := l.dir.Lstat(l.name); err2 == nil && os.SameFile(held, cur) {
			return true, nil
		}
	}
	l.f.Close()
	return false, l.open()
}

// release removes the lock file while still holding it, then drops the
// lock: a waiter that got the old file sees it is gone and opens anew.
func (l *lockHandle) release() {
	if l.dir != nil {
		l.dir.Remove(l.name)
		l.dir.Close()
	}
	l.f.Close()
}

// close gives up without the lock.
func (l *lockHandle) close() {
	if l.f != nil {
		l.f.Close()
	}
	if l.dir != nil {
		l.dir.Close()
	}
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
