//go:build unix

package putty

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Root creating a session in a user's PuTTY directory gives it to the user.
func TestFileStoreCreateOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but this test needs root")
		}
		t.Skip("needs root to give files away")
	}
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
