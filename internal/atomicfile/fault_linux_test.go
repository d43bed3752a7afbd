package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// inMountNamespace reports whether the calling test is running in its own
// private mount namespace. If not, it re-runs that test there under
// unshare(1) and returns false; the caller then returns.
func inMountNamespace(t *testing.T) bool {
	t.Helper()
	const marker = "ATOMICFILE_MOUNT_NS"
	if os.Getenv(marker) == t.Name() {
		return true
	}
	if os.Geteuid() != 0 {
		testenv.Unavailable(t, "%s", "needs root to mount a small file system in a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		testenv.Unavailable(t, "%s", "needs unshare(1) from util-linux")
	}
	ns := []string{"--mount", "--propagation", "private"}
	if out, err := exec.Command(unshare, append(ns, "true")...).CombinedOutput(); err != nil {
		testenv.Unavailable(t, "%s", "cannot create a mount namespace: "+strings.TrimSpace(string(out)))
	}
	args := append(ns, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), marker+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in a mount namespace: %v\n%s", err, out)
	}
	return false
}

// mountTmpfs mounts a tmpfs of the given size on a new temp directory.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0755"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) }) // before TempDir's clean-up
	return dir
}

// fill takes all free space in dir but leave bytes, and returns the filler's name.
func fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	name := "filler"
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err = f.Write(chunk); err != nil {
			break
		}
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling %s: %v", dir, err)
	}
	fi, _ := f.Stat()
	if err := f.Truncate(max(fi.Size()-leave, 0)); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestWriteENOSPC(t *testing.T) {
	if !inMountNamespace(t) {
		return
	}
	for _, tt := range []struct {
		name  string
		leave int64 // free bytes: 0 fails the first write, more fails midway
		opts  Options
	}{
		{"full", 0, Options{}},
		{"fills up during the write", 16 << 10, Options{}},
		{"no room for the backup", 0, Options{Backup: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := mountTmpfs(t, "128k")
			path := filepath.Join(dir, "sshd_config")
			original := strings.Repeat("# sshd_config\n", 100)
			writeFile(t, path, original)
			s, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			filler := fill(t, dir, tt.leave)

			_, err = s.Write(bytes.Repeat([]byte("x"), 64<<10), tt.opts)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Write on a full disk = %v, want ENOSPC", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "write "+path+": ") ||
				!strings.HasSuffix(msg, "no space left on device; the file was not changed") {
				t.Errorf("error %q", msg)
			}
			wantContent(t, path, original)
			wantNames(t, dir, filler, "sshd_config")
		})
	}
}

func TestWriteEROFS(t *testing.T) {
	if !inMountNamespace(t) {
		return
	}
	dir := mountTmpfs(t, "64k")
	path := filepath.Join(dir, "sshd_config")
	writeFile(t, path, "Port 22\n")
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}

	unlock, err := Lock(path) // locking must work on a read-only mount
	if err != nil {
		t.Fatalf("Lock on a read-only file system: %v", err)
	}
	defer unlock()
	_, err = s.Write([]byte("Port 22\nClientAliveInterval 30\n"), Options{})
	if !errors.Is(err, syscall.EROFS) {
		t.Fatalf("Write on a read-only file system = %v, want EROFS", err)
	}
	if want := "write " + path + ": read-only file system; the file was not changed"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	wantContent(t, path, "Port 22\n")
	wantNames(t, dir, "sshd_config")
}
