package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readSameT is ReadSame with the snapshot closed when the test ends.
func readSameT(t testing.TB, path, want string) (*Snapshot, error) {
	t.Helper()
	s, err := ReadSame("", path, want)
	if s != nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

// TestReadSame: a file that holds exactly what the caller expects gives a
// snapshot; one byte more, less or different (across the pieces it is
// read in), or a file missing or there unexpectedly, is ErrChanged.
func TestReadSame(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	big := strings.Repeat("Host h\n  User u\n", 20000) // several pieces
	for _, c := range []struct {
		name, file, want string
		same             bool
	}{
		{"same", "Host a\n", "Host a\n", true},
		{"empty", "", "", true},
		{"big", big, big, true},
		{"longer", "Host a\nX\n", "Host a\n", false},
		{"shorter", "Host a\n", "Host a\nX\n", false},
		{"different", "Host b\n", "Host a\n", false},
		{"big, last byte", big[:len(big)-1] + "x", big, false},
		{"big, one more", big + "\n", big, false},
		{"big, one less", big[:len(big)-1], big, false},
		{"empty, want some", "", "x", false},
	} {
		writeFile(t, path, c.file)
		s, err := readSameT(t, path, c.want)
		if c.same && (err != nil || !s.Exists || s.Data != nil) {
			t.Errorf("%s: ReadSame = %+v, %v; want a snapshot", c.name, s, err)
		}
		if !c.same && !errors.Is(err, ErrChanged) {
			t.Errorf("%s: ReadSame error = %v, want ErrChanged", c.name, err)
		}
	}
	os.Remove(path)
	if s, err := readSameT(t, path, ""); err != nil || s.Exists {
		t.Errorf("ReadSame(missing, \"\") = %+v, %v; want a snapshot of no file", s, err)
	}
	if _, err := readSameT(t, path, "x"); !errors.Is(err, ErrChanged) {
		t.Errorf("ReadSame(missing, \"x\") error = %v, want ErrChanged", err)
	}
	if _, err := readSameT(t, filepath.Join(dir, "no", "config"), "x"); !errors.Is(err, ErrChanged) {
		t.Errorf("ReadSame(missing directory, \"x\") error = %v, want ErrChanged", err)
	}
	if _, err := readSameT(t, dir, ""); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadSame(dir) error = %v, want not a regular file", err)
	}
}

// lines is an io.WriterTo writing its strings one by one.
type lines []string

func (ls lines) WriteTo(w io.Writer) (int64, error) {
	n := int64(0)
	for _, l := range ls {
		k, err := io.WriteString(w, l)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestWriteFrom: what the source writes replaces the file, a backup holds
// what ReadSame compared, a file changed since is not overwritten, and the
// snapshot, which does not hold what it wrote, writes nothing more.
func TestWriteFrom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	writeFile(t, path, "Host a\n")
	var notes []string
	opts := Options{Backup: true, Note: func(n string) { notes = append(notes, n) }}
	s, err := readSameT(t, path, "Host a\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFrom(lines{"Host a\n", "  User x\n"}, opts); err != nil {
		t.Fatal(err)
	}
	wantContent(t, path, "Host a\n  User x\n")
	wantContent(t, path+BackupSuffix, "Host a\n")
	wantNames(t, dir, "config", "config"+BackupSuffix)
	if len(notes) != 1 {
		t.Errorf("notes %q, want the backup's", notes)
	}
	if _, err := s.Write([]byte("again\n"), Options{}); err == nil {
		t.Error("Write after WriteFrom succeeded; want it refused")
	}
	if err := s.WriteFrom(lines{"again\n"}, Options{}); err == nil {
		t.Error("WriteFrom after WriteFrom succeeded; want it refused")
	}
	wantContent(t, path, "Host a\n  User x\n")

	s, err = readSameT(t, path, "Host a\n  User x\n")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, "someone else's edit, longer\n")
	if err := s.WriteFrom(lines{"mine\n"}, Options{}); !errors.Is(err, ErrChanged) {
		t.Errorf("WriteFrom over a changed file: error %v, want ErrChanged", err)
	}
	wantContent(t, path, "someone else's edit, longer\n")
	wantNames(t, dir, "config", "config"+BackupSuffix)

	// A snapshot from ReadSame writes nothing when Write is given what it
	// compared, as one from Read does.
	s, err = readSameT(t, path, "someone else's edit, longer\n")
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := s.Write([]byte("someone else's edit, longer\n"), Options{}); changed || err != nil {
		t.Errorf("Write(same) = %v, %v; want unchanged", changed, err)
	}
}
