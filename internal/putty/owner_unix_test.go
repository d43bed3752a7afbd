//go:build unix

package putty

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Root creating a session in a user's PuTTY directory gives it to the user.
func TestFileStoreCreateOwner(t *testing.T) {
	testenv.Root(t)
	base := filepath.Join(t.TempDir(), ".putty")
	if err := os.Mkdir(base, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(base, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Dir: filepath.Join(base, "sessions"), Base: base}
	if _, err := s.SetKeepAlive(DefaultSettings, 300, SetOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{s.Dir, filepath.Join(s.Dir, "Default%20Settings")} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := info.Sys().(*syscall.Stat_t)
		if st.Uid != 1234 || st.Gid != 5678 {
			t.Errorf("%s owned by %d:%d, want 1234:5678", p, st.Uid, st.Gid)
		}
	}
}

// TestRootRefusesForeignSymlink: as root, a session file in a user's PuTTY
// directory that links to a file the user does not own is not followed.
func TestRootRefusesForeignSymlink(t *testing.T) {
	testenv.Root(t)
	home := t.TempDir()
	dir := filepath.Join(home, ".putty", "sessions")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("root:secret\n"), 0o644)
	os.Symlink(victim, filepath.Join(dir, "evil"))
	for _, p := range []string{filepath.Join(home, ".putty"), dir} {
		if err := os.Chown(p, 4242, 4242); err != nil {
			t.Fatal(err)
		}
	}
	s := &FileStore{Dir: dir}
	if _, err := s.SetKeepAlive("evil", 60, SetOptions{}); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("Set through a foreign symlink: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "root:secret\n" {
		t.Fatalf("victim changed: %q", b)
	}
}
