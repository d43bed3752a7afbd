package atomicfile

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// LockWait is how long Lock waits for another keepalive before giving up.
const LockWait = 30 * time.Second

// ErrBusy is wrapped by Lock when another process holds the lock for
// longer than LockWait.
var ErrBusy = errors.New("another keepalive is editing")

// Lock takes an advisory lock that serializes keepalive processes editing
// path and returns its release, which may be called more than once.
//
// The lock stands for the directory that holds the file path leads to
// (after symlinks), or its nearest existing ancestor when that directory
// does not exist yet. It is a lock file named by a hash of that directory,
// in a directory only the locking user can open (see openLock): a lock on
// something everyone can open, such as /etc/ssh itself, could be held by
// any user to block root's edits. The kernel drops the lock when its
// holder dies, so a killed run never blocks the next one; a run that ends
// normally removes the lock file.
//
// A process that locks a missing directory's ancestor and one that comes
// after the directory was created lock different directories; Write still
// refuses to overwrite a change it did not read, so no edit is lost.
func Lock(path string) (unlock func(), err error) { return LockWithin(path, LockWait) }

// LockWithin is Lock giving up after wait.
func LockWithin(path string, wait time.Duration) (unlock func(), err error) {
	real, err := realPath(path)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, cause(err))
	}
	dir := existingDir(filepath.Dir(real))
	l, err := openLock(dir)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, cause(err))
	}
	deadline := time.Now().Add(wait)
	// Poll rather than block so the wait is bounded; a short cap keeps a
	// queue of waiters moving without busy-looping.
	for delay := time.Millisecond; ; delay = min(2*delay, 10*time.Millisecond) {
		ok, err := l.try()
		if err != nil {
			l.close()
			return nil, fmt.Errorf("lock %s: %w", dir, cause(err))
		}
		if ok {
			var once sync.Once
			return func() { once.Do(l.release) }, nil
		}
		if time.Now().After(deadline) {
			l.close()
			return nil, fmt.Errorf("%w %s; try again", ErrBusy, dir)
		}
		time.Sleep(delay)
	}
}

// existingDir returns dir or its nearest ancestor that is a directory.
func existingDir(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// lockName is the lock file's name for dir. Anyone can compute it from
// dir whatever the hash, so the hash needs no cryptographic strength: it
// only keeps directories apart, and two whose names collided would merely
// wait for each other. FNV-1a links nothing (crypto/sha256 would bring
// Go's FIPS 140 module into every run).
func lockName(dir string) string {
	h := fnv.New64a()
	h.Write([]byte(dir))
	return fmt.Sprintf("keepalive-%016x.lock", h.Sum64())
}
