package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadTooLarge: a file over MaxSize (here a sparse one, which costs no
// disk) is refused before anything is allocated for it.
func TestReadTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Read(path); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read of a 1 TiB file = %v, want ErrTooLarge", err)
	}
}
