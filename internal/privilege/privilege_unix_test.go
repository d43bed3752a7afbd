//go:build unix

package privilege

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestController builds trees owned by root and by a user (uid 1234) and
// checks whose control each path is under: the first account other than
// root met on the way, as the kernel resolves the path.
func TestController(t *testing.T) {
	testenv.Root(t)
	const user = 1234
	top := t.TempDir()
	mk := func(rel string, mode os.FileMode, uid int) string {
		t.Helper()
		p := filepath.Join(top, rel)
		if err := os.Mkdir(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		if err := os.Lchown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
		return p
	}
	file := func(rel string, uid int) string {
		t.Helper()
		p := filepath.Join(top, rel)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(target, rel string, uid int) {
		t.Helper()
		p := filepath.Join(top, rel)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
	}
	etc := mk("etc", 0o755, 0)
	file("etc/config", 0)
	file("etc/theirs", user)
	home := mk("home", 0o755, user)
	file("home/config", user)
	mk("shared", 0o777, 0)
	mk("tmp", 0o777|os.ModeSticky, 0)
	mk("tmp/rootdir", 0o755, 0)
	file("tmp/userfile", user)
	link(etc, "home/to-etc", user)        // the user's link to root's directory
	link(home, "etc/to-home", 0)          // root's link into the user's home
	link("../etc/config", "etc/rel", 0)   // relative, through ".."
	link("/nonexistent/x", "etc/gone", 0) // dangling

	for _, c := range []struct {
		path string
		uid  int
		at   string // Owner.Path, relative to top
	}{
		{"etc/config", 0, ""},
		{"etc/missing/new", 0, ""},
		{"etc/rel", 0, ""},
		{"etc/theirs", user, "etc/theirs"},
		{"home/config", user, "home"},
		{"home/missing/new", user, "home"},
		{"home/to-etc/config", user, "home"},
		{"etc/to-home/config", user, "home"},
		{"tmp/rootdir/x", 0, ""},
		{"tmp/userfile", user, "tmp/userfile"},
		{"tmp/new", 0, ""},
	} {
		o, err := Controller(filepath.Join(top, c.path))
		if err != nil {
			t.Errorf("Controller(%s): %v", c.path, err)
			continue
		}
		if o.UID != c.uid {
			t.Errorf("Controller(%s) = uid %d (%s), want %d", c.path, o.UID, o.Path, c.uid)
		}
		if c.at != "" && o.Path != filepath.Join(top, c.at) {
			t.Errorf("Controller(%s) names %s, want %s", c.path, o.Path, filepath.Join(top, c.at))
		}
		if c.uid == user && o.GID != user {
			t.Errorf("Controller(%s) = gid %d, want %d", c.path, o.GID, user)
		}
	}
	if _, err := Controller(filepath.Join(top, "shared", "config")); !errors.Is(err, ErrShared) {
		t.Errorf("Controller in a world-writable directory = %v, want ErrShared", err)
	}
	if o, err := Controller(filepath.Join(top, "etc", "gone")); err != nil || o.UID != 0 {
		t.Errorf("Controller of a dangling link to a missing root path = %+v, %v, want uid 0", o, err)
	}
}

// TestLookup finds root in the password database, and falls back to the
// given ids for a uid that has no entry.
func TestLookup(t *testing.T) {
	if a := Lookup(0, 5); a.Name != "root" || a.GID != 0 || a.Home == "" {
		t.Errorf("Lookup(0) = %+v", a)
	}
	if a := Lookup(987654, 987653); a.UID != 987654 || a.GID != 987653 || len(a.Groups) != 0 || a.Home != "" {
		t.Errorf("Lookup of an unknown uid = %+v", a)
	}
}
