//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests rename a directory that is open and plant symlinks, which
// Windows does not allow (and Wine only pretends to do).

// TestWriteStaysInReadDirectory: after Read, the config's directory is
// renamed and a symlink to another directory takes its place (what a user
// does to redirect root's write). The write still goes to the directory
// that was read, and nothing appears in the other one.
func TestWriteStaysInReadDirectory(t *testing.T) {
	top := t.TempDir()
	for _, d := range []string{"a", "other"} {
		if err := os.Mkdir(filepath.Join(top, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(top, "a", "config"), "old\n")
	s, err := readT(t, filepath.Join(top, "a", "config"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.Rename(filepath.Join(top, "a"), filepath.Join(top, "moved")); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(top, "other"), filepath.Join(top, "a"))
	if _, err := s.Write([]byte("new\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(top, "moved", "config"), "new\n")
	wantNames(t, filepath.Join(top, "other"))
	wantNames(t, filepath.Join(top, "moved"), "config")
}

// TestWriteBackupNotThroughLink: every file Write creates is created new
// (O_EXCL) and renamed into place, so a link planted where the backup goes
// is never written through: the name is taken, and the backup goes to the
// next free one.
func TestWriteBackupNotThroughLink(t *testing.T) {
	top := t.TempDir()
	writeFile(t, filepath.Join(top, "victim"), "victim\n")
	dir := filepath.Join(top, "d")
	os.Mkdir(dir, 0o700)
	writeFile(t, filepath.Join(dir, "config"), "old\n")
	symlink(t, filepath.Join(top, "victim"), filepath.Join(dir, "config"+BackupSuffix))
	s, err := readT(t, filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("new\n"), Options{Backup: true}); err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(top, "victim"), "victim\n")
	if fi, err := os.Lstat(filepath.Join(dir, "config"+BackupSuffix)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link planted at the backup's name: %v, %v; want it left alone", fi, err)
	}
	wantContent(t, filepath.Join(dir, "config"+BackupSuffix+".1"), "old\n")
	wantContent(t, filepath.Join(dir, "config"), "new\n")
}

// TestReadInRoot: under a root, symlinks resolve as in a chroot (absolute
// targets from the root, ".." never above it), and the file written is the
// one inside the root.
func TestReadInRoot(t *testing.T) {
	host := t.TempDir()
	img := filepath.Join(host, "img")
	for _, d := range []string{"img/etc/ssh-real", "img/x", "etc/ssh-real"} {
		if err := os.MkdirAll(filepath.Join(host, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(host, "etc/ssh-real/sshd_config"), "host\n")
	writeFile(t, filepath.Join(img, "etc/ssh-real/sshd_config"), "image\n")
	writeFile(t, filepath.Join(img, "x/y"), "image y\n")
	// The image's /etc/ssh is an absolute link, as it would be inside it.
	symlink(t, filepath.Join(host, "etc/ssh-real"), filepath.Join(img, "etc/ssh-host")) // a host path: not inside
	symlink(t, "/etc/ssh-real", filepath.Join(img, "etc/ssh"))
	symlink(t, "../../../../../x/y", filepath.Join(img, "etc/ssh-real/up"))

	for _, c := range []struct{ path, real, data string }{
		{"etc/ssh/sshd_config", "etc/ssh-real/sshd_config", "image\n"},
		{"etc/ssh-real/up", "x/y", "image y\n"},
		{"etc/ssh/new", "etc/ssh-real/new", ""},
	} {
		s, err := readInT(t, img, filepath.Join(img, c.path))
		if err != nil {
			t.Fatalf("ReadIn %s: %v", c.path, err)
		}
		if want := filepath.Join(img, c.real); s.RealPath != want || string(s.Data) != c.data {
			t.Errorf("ReadIn %s = %s %q, want %s %q", c.path, s.RealPath, s.Data, want, c.data)
		}
		if _, err := s.Write([]byte("written\n"), Options{}); err != nil {
			t.Fatalf("Write %s: %v", c.path, err)
		}
		wantContent(t, filepath.Join(img, c.real), "written\n")
		s.Close()
	}
	wantContent(t, filepath.Join(host, "etc/ssh-real/sshd_config"), "host\n")

	// The host path the link names is taken inside the image, where it
	// does not exist: a new file there, not the host's.
	s, err := readInT(t, img, filepath.Join(img, "etc/ssh-host/sshd_config"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.RealPath, img+string(filepath.Separator)) || s.Exists {
		t.Errorf("ReadIn through a link to a host path = %s (exists %v), want a missing file inside the image", s.RealPath, s.Exists)
	}
	if _, err := readInT(t, img, filepath.Join(host, "etc/ssh-real/sshd_config")); err == nil {
		t.Error("ReadIn of a path outside the root succeeded")
	}
}
