package resolve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// TestOpenFIFONonblocking: a FIFO swapped in for a config between any
// check and the open must not hang the read: the open itself never waits
// for a writer, and the opened file is refused for what it is.
func TestOpenFIFONonblocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "inc.conf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openNonblock(fifo)
		if err == nil {
			f.Close()
		}
		_, err = FS{}.ReadFile(fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("reading a FIFO: %v, want a not-a-regular-file error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	// Under --root too.
	go func() {
		_, err := FS{Root: dir}.ReadFile("/inc.conf")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("reading a FIFO under a root: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO under a root blocked")
	}
}

// TestRootConfinesSymlinks: under --root, an absolute symlink in the image
// points into the image, and ".." cannot climb out of it.
func TestRootConfinesSymlinks(t *testing.T) {
	host := t.TempDir() // an absolute path that exists outside the image
	img := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(host, "real.conf"), "ServerAliveInterval 1\n")      // the host's file
	write(filepath.Join(img, host, "real.conf"), "ServerAliveInterval 2\n") // the image's file at the same path
	os.MkdirAll(filepath.Join(img, "etc/ssh"), 0o755)
	if err := os.Symlink(filepath.Join(host, "real.conf"), filepath.Join(img, "etc/ssh/ssh_config")); err != nil {
		t.Fatal(err)
	}
	up := strings.Repeat("../", 20) + strings.TrimPrefix(host, "/") + "/real.conf"
	if err := os.Symlink(up, filepath.Join(img, "etc/ssh/up.conf")); err != nil {
		t.Fatal(err)
	}
	fsys := FS{Root: img}
	for _, p := range []string{"/etc/ssh/ssh_config", "/etc/ssh/up.conf"} {
		data, err := fsys.ReadFile(p)
		if err != nil || string(data) != "ServerAliveInterval 2\n" {
			t.Errorf("%s under --root: read %q, %v; want the image's file", p, data, err)
		}
	}
	// Through Resolve, an Include of an absolute path and its glob.
	write(filepath.Join(img, "etc/ssh/main"), "Include "+host+"/*.conf\n")
	r := Resolve(Options{FS: fsys, Files: []Input{{Path: fsys.Real("/etc/ssh/main")}}, Host: "x"})
	if o, ok := r.Effective("serveraliveinterval"); !ok || o.Line().Value() != "2" {
		t.Errorf("Include under --root: %v %v, problems %v", o.Line(), ok, r.Problems)
	}
}

// TestSameFileReadOnce: a file spelled differently (./, a symlink) is read
// once and appears once among the files read.
func TestSameFileReadOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.conf"), []byte("ServerAliveInterval 3\n"), 0o600)
	os.Symlink(filepath.Join(dir, "x.conf"), filepath.Join(dir, "link.conf"))
	main := filepath.Join(dir, "config")
	os.WriteFile(main, []byte("Include "+dir+"/x.conf "+dir+"/./x.conf\nInclude "+dir+"/link.conf\n"), 0o600)
	r := Resolve(Options{Files: []Input{{Path: main}}, Host: "x"})
	if len(r.Docs) != 2 {
		var paths []string
		for _, d := range r.Docs {
			paths = append(paths, d.Path)
		}
		t.Errorf("files read: %q; want the config and x.conf once", paths)
	}
	if occ := r.All("serveraliveinterval", Active); len(occ) != 3 {
		t.Errorf("each Include is still evaluated: %d occurrences, want 3", len(occ))
	}
}

// TestHugeReadCharged: what a read of /proc/self/pagemap (size 0,
// gigabytes to read) fetched before it was refused is charged to the
// budget, and the same file under another spelling is not read again.
func TestHugeReadCharged(t *testing.T) {
	if _, err := os.Stat("/proc/self/pagemap"); err != nil {
		t.Skip("no /proc/self/pagemap")
	}
	w := &walker{opts: &Options{}, res: &Result{}, docs: map[string]*Doc{}}
	_, err := w.load("/proc/self/pagemap")
	if err == nil {
		t.Fatal("pagemap read as a config")
	}
	if w.steps < 1<<16 { // it read megabytes before failing
		t.Errorf("a read of megabytes that failed (%v) cost %d steps", err, w.steps)
	}
	before := w.steps
	for _, p := range []string{"/proc/self/./pagemap", "/proc/self/../self/pagemap"} {
		if _, err2 := w.load(p); err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("%s: %v", p, err2)
		}
	}
	if w.steps != before {
		t.Errorf("the same file under other names was read again (%d more steps)", w.steps-before)
	}
	// Five such files stop an evaluation.
	main := filepath.Join(t.TempDir(), "config")
	os.WriteFile(main, []byte("Include /proc/self/pagemap /proc/1/pagemap /proc/2/pagemap /proc/self/task/*/pagemap\n"), 0o600)
	r := Resolve(Options{Dialect: sshconf.Client, Files: []Input{{Path: main}}, Host: "x"})
	if r.Complete() {
		t.Error("the evaluation is not complete")
	}
}

// TestRootWithGlobCharacters: a --root whose name has glob characters is a
// literal directory.
func TestRootWithGlobCharacters(t *testing.T) {
	img := filepath.Join(t.TempDir(), "img[1]*")
	os.MkdirAll(filepath.Join(img, "etc/ssh/conf.d"), 0o755)
	os.WriteFile(filepath.Join(img, "etc/ssh/conf.d/a.conf"), []byte("ServerAliveInterval 4\n"), 0o644)
	fsys := FS{Root: img}
	got, err := fsys.Glob("/etc/ssh/conf.d/*.conf")
	if err != nil || len(got) != 1 || got[0] != filepath.Join(img, "etc/ssh/conf.d/a.conf") {
		t.Errorf("Glob under %s: %q, %v", img, got, err)
	}
}
