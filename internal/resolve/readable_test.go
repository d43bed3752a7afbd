package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestReadableAsReadFile: Readable fails exactly when ReadFile does, with
// the same message, on every kind of path.
func TestReadableAsReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	paths := []string{
		write("config", []byte("Host *\n  ServerAliveInterval 60\n")),
		write("empty", nil),
		filepath.Join(dir, "missing"),
		dir,
		filepath.Join(dir, "config", "below-a-file"),
	}
	large := write("large", nil)
	if err := os.Truncate(large, maxFileSize+1); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, large)
	paths = append(paths, specialPaths(t, dir)...)
	for _, root := range []string{"", dir} {
		fsys := FS{Root: root}
		for _, p := range paths {
			if root != "" {
				p, _ = filepath.Rel(dir, p)
				p = "/" + p
			}
			_, want := fsys.ReadFile(p)
			if got := fsys.Readable(p); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("root %q: Readable(%s) = %v; ReadFile: %v", root, p, got, want)
			}
		}
	}
}
