//go:build unix

package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (fs.ModePerm | fs.ModeSetgid | fs.ModeSetuid | fs.ModeSticky); got != want {
		t.Errorf("%s mode %v, want %v", path, got, want)
	}
}

func wantOwner(t *testing.T, path string, uid, gid int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("%s owned by %d:%d, want %d:%d", path, st.Uid, st.Gid, uid, gid)
	}
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Unavailable(t, "%s", "needs root to chown files to another user")
	}
}

// rewrite reads path and writes data to it with opts.
func rewrite(t *testing.T, path, data string, opts Options) {
	t.Helper()
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte(data), opts); err != nil {
		t.Fatal(err)
	}
}

func TestWriteKeepsMode(t *testing.T) {
	// Even modes keepalive would never create are kept: the file is the
	// user's, and a changed mode could stop sshd from reading it.
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o644, 0o444, 0o660, 0o604, 0o755} {
		t.Run(mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			writeFile(t, path, "old\n")
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			rewrite(t, path, "new\n", Options{Perm: 0o600, Backup: true})
			wantMode(t, path, mode)
			wantMode(t, path+BackupSuffix, mode)
		})
	}
}

func TestWriteNewModes(t *testing.T) {
	tests := []struct {
		name              string
		umask             int
		perm, dirPerm     fs.FileMode
		wantFile, wantDir fs.FileMode
	}{
		{"defaults", 0o022, 0, 0, 0o600, 0o700},
		{"defaults under umask 0", 0, 0, 0, 0o600, 0o700},
		{"never group or world writable", 0, 0o666, 0o777, 0o644, 0o755},
		{"asked-for modes beat a strict umask", 0o077, 0o644, 0o755, 0o644, 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask)
			defer syscall.Umask(old)
			home := t.TempDir()
			os.Chmod(home, 0o751)
			path := filepath.Join(home, ".ssh", "conf.d", "config")
			rewrite(t, path, "x\n", Options{Perm: tt.perm, DirPerm: tt.dirPerm})
			wantMode(t, path, tt.wantFile)
			wantMode(t, filepath.Join(home, ".ssh"), tt.wantDir)
			wantMode(t, filepath.Join(home, ".ssh", "conf.d"), tt.wantDir)
			wantMode(t, home, 0o751) // existing directories are left alone
		})
	}
}

func TestWriteKeepsOwner(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	writeFile(t, path, "old\n")
	os.Chmod(path, 0o640)
	if err := os.Chown(path, 1234, 1234); err != nil {
		t.Fatal(err)
	}
	// SetOwner is for new files only; the existing owner wins.
	rewrite(t, path, "new\n", Options{Backup: true, SetOwner: true, UID: 4321, GID: 4321})
	for _, p := range []string{path, path + BackupSuffix} {
		wantOwner(t, p, 1234, 1234)
		wantMode(t, p, 0o640)
	}
	wantContent(t, path, "new\n")
}

func TestWriteKeepsSetgid(t *testing.T) {
	requireRoot(t)
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, "old\n")
	os.Chown(path, 1234, 1234)
	os.Chmod(path, 0o640|fs.ModeSetgid)
	rewrite(t, path, "new\n", Options{})
	wantMode(t, path, 0o640|fs.ModeSetgid) // chown would have cleared it
	wantOwner(t, path, 1234, 1234)
}

func TestWriteNewFileOwner(t *testing.T) {
	requireRoot(t)
	// root creating ~user/.ssh/config under sudo.
	home := t.TempDir()
	os.Chmod(home, 0o750)
	path := filepath.Join(home, ".ssh", "config")
	rewrite(t, path, "Host *\n", Options{SetOwner: true, UID: 1234, GID: 2345})
	wantOwner(t, path, 1234, 2345)
	wantMode(t, path, 0o600)
	wantOwner(t, filepath.Join(home, ".ssh"), 1234, 2345)
	wantMode(t, filepath.Join(home, ".ssh"), 0o700)
	wantOwner(t, home, 0, 0) // not created, not changed
	wantMode(t, home, 0o750)

	// Without SetOwner, UID and GID are ignored: Options{} means root here.
	other := filepath.Join(home, "other")
	rewrite(t, other, "x\n", Options{})
	wantOwner(t, other, 0, 0)
}

// TestWriteEACCES: the file is writable but its directory is not, so the
// temp file cannot be created. Root ignores directory modes, so as root the
// test re-runs itself as nobody (uid 65534).
func TestWriteEACCES(t *testing.T) {
	if path := os.Getenv("ATOMICFILE_EACCES"); path != "" {
		checkEACCES(t, path)
		return
	}
	base, err := os.MkdirTemp("", "atomicfile-eacces")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "dir"), 0o755); os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	dir := filepath.Join(base, "dir")
	os.Mkdir(dir, 0o755)
	path := filepath.Join(dir, "config")
	writeFile(t, path, "original\n")
	os.Chmod(path, 0o644)

	if os.Geteuid() != 0 {
		os.Chmod(dir, 0o555)
		checkEACCES(t, path)
		return
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "atomicfile.test") // a copy nobody can run
	copyFile(t, os.Args[0], bin)
	cmd := exec.Command(bin, "-test.run=^TestWriteEACCES$", "-test.count=1", "-test.v")
	cmd.Dir = base
	cmd.Env = append(os.Environ(), "ATOMICFILE_EACCES="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestWriteEACCES") {
		t.Fatalf("as uid 65534: %v\n%s", err, out)
	}
	wantContent(t, path, "original\n")
	wantNames(t, dir, "config")
}

func checkEACCES(t *testing.T, path string) {
	for _, opts := range []Options{{}, {Backup: true}} {
		s, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Write([]byte("new\n"), opts)
		if !errors.Is(err, syscall.EACCES) || !errors.Is(err, fs.ErrPermission) {
			t.Fatalf("Write = %v, want EACCES", err)
		}
		want := "write " + path + ": permission denied; the file was not changed"
		if opts.Backup {
			want = "write " + path + ": backup: permission denied; the file was not changed"
		}
		if err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		wantContent(t, path, "original\n")
		wantNames(t, filepath.Dir(path), "config")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
