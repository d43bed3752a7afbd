//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestLockIgnoresDirectoryFlock: root's lock is a file in a 0700
// directory of its own, not the config's directory, which anyone who can
// read it could flock to block root.
func TestLockIgnoresDirectoryFlock(t *testing.T) {
	testenv.Root(t)
	wait := 100 * time.Millisecond
	dir := t.TempDir()
	for _, p := range []string{dir, filepath.Dir(dir)} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			t.Fatal(err)
		}
	}
	unlock, err := LockWithin(filepath.Join(dir, "config"), wait)
	if err != nil {
		t.Fatalf("Lock with the directory flocked by someone else: %v", err)
	}
	defer unlock()
	wantNames(t, dir) // no lock file next to the config
	for _, d := range rootLockDirs {
		fi, err := os.Lstat(filepath.Join(d, "keepalive"))
		if err != nil {
			continue
		}
		if st := fi.Sys().(*syscall.Stat_t); !fi.IsDir() || st.Uid != 0 || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s/keepalive is %v owned by %d, want a 0700 directory of root's", d, fi.Mode(), st.Uid)
		}
		return
	}
	t.Errorf("no keepalive directory in %q", rootLockDirs)
}

// TestLockRefusesForeignDirectory: a lock directory that is not root's own
// 0700 one (another user created it first, or made it a link) is refused,
// not used.
func TestLockRefusesForeignDirectory(t *testing.T) {
	testenv.Root(t)
	dir := t.TempDir()
	locks := filepath.Join(dir, "keepalive")
	if err := os.Mkdir(locks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(locks); err == nil {
		t.Error("a 0755 lock directory was accepted")
	}
	os.Chmod(locks, 0o700)
	os.Chown(locks, 1234, 1234)
	if err := privateDir(locks); err == nil {
		t.Error("another user's lock directory was accepted")
	}
	os.Chown(locks, 0, 0)
	if err := privateDir(locks); err != nil {
		t.Errorf("root's own 0700 lock directory: %v", err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(locks, link)
	if err := privateDir(link); err == nil {
		t.Error("a symlink to the lock directory was accepted")
	}
}

// TestLockRemovesItsFile: a released lock leaves no file behind, and a
// waiter that opened the file before it was removed still gets the lock
// (on the new file).
func TestLockRemovesItsFile(t *testing.T) {
	testenv.Root(t)
	wait := 2 * time.Second
	dir := t.TempDir()
	var lockFile string
	for _, d := range rootLockDirs {
		if rootOnly(d) {
			lockFile = filepath.Join(d, "keepalive", lockName(dir))
			break
		}
	}
	unlock, err := LockWithin(filepath.Join(dir, "config"), wait)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(lockFile); err != nil {
		t.Fatalf("no lock file while locked: %v", err)
	}
	got := make(chan error)
	go func() {
		u, err := LockWithin(filepath.Join(dir, "other"), wait)
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(50 * time.Millisecond) // the waiter has the old file open
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if _, err := os.Lstat(lockFile); err == nil {
		t.Errorf("%s is left after every lock was released", lockFile)
	}
}
