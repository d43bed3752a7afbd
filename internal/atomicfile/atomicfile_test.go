package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// names lists dir, so tests can see that no temp file was left behind.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func wantNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}

// readT is Read, and readInT ReadIn, with the snapshot closed when the
// test ends, as keepalive closes its snapshots: an open directory handle
// keeps Windows (the Wine lane, make test-windows) from removing the
// test's directory.
func readT(t testing.TB, path string) (*Snapshot, error) {
	return readInT(t, "", path)
}

func readInT(t testing.TB, root, path string) (*Snapshot, error) {
	t.Helper()
	s, err := ReadIn(root, path)
	if s != nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot create symlinks here: %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		// Wine 8 (the Windows test lane) reports success and creates
		// nothing; the Unix runs test symlinks.
		t.Skipf("os.Symlink reported success but made no link at %s (Wine does this)", link)
	}
}

func TestReadMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	s, err := readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Exists || len(s.Data) != 0 || s.Path != path || s.RealPath != path {
		t.Errorf("Read(missing) = %+v", s)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readT(t, dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Read(dir) error = %v, want not a regular file", err)
	}
	loop := filepath.Join(dir, "loop")
	symlink(t, "loop", loop)
	if _, err := readT(t, loop); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
		t.Errorf("Read(loop) error = %v, want too many levels", err)
	}
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")

	s, err := readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := s.Write([]byte("one\n"), Options{}); err != nil || !changed {
		t.Fatalf("Write(new) = %v, %v", changed, err)
	}
	wantContent(t, path, "one\n")

	s, err = readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if string(s.Data) != "one\n" || !s.Exists {
		t.Fatalf("Read = %+v", s)
	}
	if changed, err := s.Write([]byte("two\n"), Options{}); err != nil || !changed {
		t.Fatalf("Write(replace) = %v, %v", changed, err)
	}
	wantContent(t, path, "two\n")
	wantNames(t, dir, "config")

	// The snapshot follows its own write, so it can be used again.
	if changed, err := s.Write([]byte("three\n"), Options{}); err != nil || !changed {
		t.Fatalf("second Write through one snapshot = %v, %v", changed, err)
	}
	if changed, err := s.Write([]byte("three\n"), Options{}); err != nil || changed {
		t.Fatalf("repeated Write = %v, %v; want false, nil", changed, err)
	}
	wantContent(t, path, "three\n")
}

func TestWriteCreatesParents(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".ssh", "conf.d", "config")
	s, err := readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("x\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	wantContent(t, path, "x\n")
}

func TestWriteUnchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	writeFile(t, path, "Host *\n")
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}

	s, err := readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := s.Write([]byte("Host *\n"), Options{Backup: true})
	if err != nil || changed {
		t.Fatalf("Write(same bytes) = %v, %v; want false, nil", changed, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(old) {
		t.Errorf("mtime = %v, want untouched %v", fi.ModTime(), old)
	}
	wantNames(t, dir, "config") // no temp, no backup
}

func TestWriteSymlinks(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, root string) (path, real string)
		exists bool
	}{
		{"absolute", func(t *testing.T, root string) (string, string) {
			real := filepath.Join(root, "dotfiles", "ssh_config")
			writeFile(t, real, "old\n")
			symlink(t, real, filepath.Join(root, "config"))
			return filepath.Join(root, "config"), real
		}, true},
		{"relative", func(t *testing.T, root string) (string, string) {
			real := filepath.Join(root, "dotfiles", "ssh_config")
			writeFile(t, real, "old\n")
			symlink(t, filepath.Join("dotfiles", "ssh_config"), filepath.Join(root, "config"))
			return filepath.Join(root, "config"), real
		}, true},
		{"chain", func(t *testing.T, root string) (string, string) {
			real := filepath.Join(root, "dotfiles", "ssh_config")
			writeFile(t, real, "old\n")
			symlink(t, "ssh_config", filepath.Join(root, "dotfiles", "current"))
			symlink(t, filepath.Join(root, "dotfiles", "current"), filepath.Join(root, "config"))
			return filepath.Join(root, "config"), real
		}, true},
		{"relative through a linked directory", func(t *testing.T, root string) (string, string) {
			// .ssh -> dotfiles/ssh, and dotfiles/ssh/config -> ../ssh_config:
			// ".." is taken from dotfiles/ssh, as the kernel does.
			real := filepath.Join(root, "dotfiles", "ssh_config")
			writeFile(t, real, "old\n")
			os.Mkdir(filepath.Join(root, "dotfiles", "ssh"), 0o700)
			symlink(t, filepath.Join("..", "ssh_config"), filepath.Join(root, "dotfiles", "ssh", "config"))
			symlink(t, filepath.Join("dotfiles", "ssh"), filepath.Join(root, ".ssh"))
			return filepath.Join(root, ".ssh", "config"), real
		}, true},
		{"dangling", func(t *testing.T, root string) (string, string) {
			real := filepath.Join(root, "dotfiles", "ssh_config")
			symlink(t, real, filepath.Join(root, "config"))
			return filepath.Join(root, "config"), real
		}, false},
		{"dangling into a missing directory", func(t *testing.T, root string) (string, string) {
			real := filepath.Join(root, "dotfiles", "new", "ssh_config")
			symlink(t, filepath.Join("dotfiles", "new", "ssh_config"), filepath.Join(root, "config"))
			return filepath.Join(root, "config"), real
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.Mkdir(filepath.Join(root, "dotfiles"), 0o700); err != nil {
				t.Fatal(err)
			}
			path, real := tt.setup(t, root)
			link, err := os.Readlink(path)
			if err != nil {
				t.Fatal(err)
			}

			s, err := readT(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if s.RealPath != real || s.Exists != tt.exists {
				t.Errorf("Read: RealPath %q Exists %v, want %q %v", s.RealPath, s.Exists, real, tt.exists)
			}
			if _, err := s.Write([]byte("new\n"), Options{}); err != nil {
				t.Fatal(err)
			}

			if got, err := os.Readlink(path); err != nil || got != link {
				t.Errorf("link now %q, %v; want it kept as %q", got, err, link)
			}
			wantContent(t, real, "new\n")
			wantContent(t, path, "new\n")
			if !tt.exists {
				wantNames(t, filepath.Dir(real), filepath.Base(real))
			}
		})
	}
}

func TestWriteRefusesChangedFile(t *testing.T) {
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name    string
		initial string // "" means the file does not exist when read
		change  func(t *testing.T, path string)
		want    string // the file after the refused write; "" means absent
	}{
		{"replaced by rename, same size and mtime", "aaaa\n", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			tmp := path + ".other"
			writeFile(t, tmp, "bbbb\n")
			os.Chtimes(tmp, fi.ModTime(), fi.ModTime())
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, "bbbb\n"},
		{"edited in place, same size", "aaaa\n", func(t *testing.T, path string) {
			writeFile(t, path, "bbbb\n")
			os.Chtimes(path, later, later)
		}, "bbbb\n"},
		{"grown in place, mtime put back", "aaaa\n", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			writeFile(t, path, "aaaa\nmore\n")
			os.Chtimes(path, fi.ModTime(), fi.ModTime())
		}, "aaaa\nmore\n"},
		{"removed", "aaaa\n", func(t *testing.T, path string) {
			os.Remove(path)
		}, ""},
		{"created", "", func(t *testing.T, path string) {
			writeFile(t, path, "theirs\n")
		}, "theirs\n"},
		{"symlink repointed", "aaaa\n", func(t *testing.T, path string) {
			// path is a link to real.a; point it at real.b instead.
			os.Remove(path)
			writeFile(t, path+".b", "bbbb\n")
			symlink(t, filepath.Base(path)+".b", path)
		}, "bbbb\n"},
	}
	for _, tt := range tests {
		for _, same := range []bool{false, true} {
			name := tt.name
			if same {
				name += ", unchanged data"
			}
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "config")
				if tt.initial != "" {
					writeFile(t, path, tt.initial)
				}
				if strings.HasPrefix(tt.name, "symlink") {
					os.Rename(path, path+".a")
					symlink(t, "config.a", path)
				}
				s, err := readT(t, path)
				if err != nil {
					t.Fatal(err)
				}
				tt.change(t, path)

				data := []byte("ours\n")
				if same {
					data = s.Data
				}
				changed, err := s.Write(data, Options{Backup: true})
				if changed || !errors.Is(err, ErrChanged) {
					t.Fatalf("Write = %v, %v; want ErrChanged", changed, err)
				}
				if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "changed since it was read") || strings.Contains(msg, "\n") {
					t.Errorf("error %q should be one line naming %s", msg, path)
				}
				if tt.want == "" {
					if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s exists after a refused write: %v", path, err)
					}
				} else {
					wantContent(t, path, tt.want)
				}
				for _, n := range names(t, filepath.Dir(path)) {
					if strings.HasPrefix(n, ".") || strings.HasSuffix(n, BackupSuffix) {
						t.Errorf("left behind %s", n)
					}
				}
			})
		}
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	var notes []string
	write := func(data string) {
		t.Helper()
		s, err := readT(t, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write([]byte(data), Options{Backup: true, Note: func(n string) { notes = append(notes, n) }}); err != nil {
			t.Fatal(err)
		}
	}

	write("one\n") // new file: nothing to back up
	wantNames(t, dir, "config")

	write("two\n")
	wantContent(t, path, "two\n")
	wantContent(t, path+BackupSuffix, "one\n")

	write("three\n") // an earlier backup is never overwritten
	wantContent(t, path+BackupSuffix, "one\n")
	wantContent(t, path+BackupSuffix+".1", "two\n")
	write("four\n")
	wantContent(t, path+BackupSuffix+".2", "three\n")
	wantNames(t, dir, "config", "config"+BackupSuffix, "config"+BackupSuffix+".1", "config"+BackupSuffix+".2")
	want := []string{"kept the previous " + path + " as " + path + BackupSuffix,
		"kept the previous " + path + " as " + path + BackupSuffix + ".1",
		"kept the previous " + path + " as " + path + BackupSuffix + ".2"}
	if !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
	for name, want := range map[string]bool{"config" + BackupSuffix + ".12": true, "config": false, "config" + BackupSuffix + ".": false, "config" + BackupSuffix + ".x": false} {
		if IsBackup(name) != want {
			t.Errorf("IsBackup(%q) = %v", name, !want)
		}
	}

	fi, _ := os.Stat(path)
	bi, _ := os.Stat(path + BackupSuffix)
	if fi.Mode() != bi.Mode() {
		t.Errorf("backup mode %v, file mode %v", bi.Mode(), fi.Mode())
	}
}

// TestReadOnlyNote: a file without its owner's write bit is replaced all
// the same (the directory allows it), keeps its mode, and the caller hears
// about it.
func TestReadOnlyNote(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has a read-only attribute, not an owner write bit; Windows refuses to replace such a file")
	}
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, "old\n")
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	s, err := readT(t, path)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	if _, err := s.Write([]byte("new\n"), Options{Note: func(n string) { notes = append(notes, n) }}); err != nil {
		t.Fatal(err)
	}
	wantContent(t, path, "new\n")
	want := []string{path + " is read-only (mode 0400): it was replaced all the same and keeps that mode"}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o400 {
		t.Errorf("mode %v, want 0400", fi.Mode())
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

func TestBackupThroughSymlink(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "dotfiles", "ssh_config")
	os.Mkdir(filepath.Dir(real), 0o700)
	writeFile(t, real, "old\n")
	symlink(t, real, filepath.Join(root, "config"))

	s, err := readT(t, filepath.Join(root, "config"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("new\n"), Options{Backup: true}); err != nil {
		t.Fatal(err)
	}
	wantContent(t, real+BackupSuffix, "old\n")
	wantNames(t, root, "config", "dotfiles")
}

func TestWriteLargeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	data := bytes.Repeat([]byte("Host h\n\tServerAliveInterval 30\n"), 40000)
	s, _ := readT(t, path)
	if _, err := s.Write(data, Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) {
		t.Error("large file content differs")
	}
}
