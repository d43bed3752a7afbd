//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// openLock opens a lock file standing for dir. Windows cannot lock a
// directory handle, and a lock file next to the config would litter
// ~/.ssh, so it lives in the temp directory, named by a hash of dir. It is
// never removed: removing a lock file races with processes opening it.
// %TEMP% is per user, so this serializes one user's runs; Write's change
// check covers the rest.
func openLock(dir string) (*lockHandle, error) {
	name := filepath.Join(os.TempDir(), lockName(strings.ToLower(filepath.Clean(dir))))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &lockHandle{f}, nil
}

// lockHandle is an open lock file.
type lockHandle struct{ f *os.File }

func (l *lockHandle) try() (bool, error) { return tryLock(l.f) }
func (l *lockHandle) release()           { unlockFile(l.f) }
func (l *lockHandle) close()             { l.f.Close() }

// tryLock takes an exclusive LockFileEx on the first byte without waiting;
// Windows releases it when the process exits, however it exits.
func tryLock(f *os.File) (bool, error) {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlockFile(f *os.File) {
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
	f.Close()
}
