package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRemove(t *testing.T) {
	p := filepath.Join(t.TempDir(), "00-keepalive.conf")
	os.WriteFile(p, []byte("x\n"), 0o644)
	snap, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.Remove(); err != nil {
		t.Fatal(err)
	}
	snap.Close()
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("still there: %v", err)
	}

	// A file changed since it was read stays.
	os.WriteFile(p, []byte("x\n"), 0o644)
	if snap, err = Read(p); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("someone else's\n"), 0o644)
	err = snap.Remove()
	snap.Close()
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("Remove of a changed file: %v, want ErrChanged", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "someone else's\n" {
		t.Fatalf("file now %q", b)
	}
}
