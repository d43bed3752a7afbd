package resolve

import (
	"path/filepath"
	"syscall"
	"testing"
)

// specialPaths returns files that are not regular: a FIFO made in dir, a
// file of /proc that claims a size of 0, a device.
func specialPaths(t *testing.T, dir string) []string {
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{fifo, "/proc/self/status", "/dev/null"}
}
