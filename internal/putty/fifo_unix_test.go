//go:build unix

package putty

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO put in place of a session file (or of Default Settings, which
// seeds a new session) is refused at once: reading it would block until
// someone writes, and root's putty run must never hang on a user's file.
func TestSessionFIFONeverBlocks(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"box", "Default%20Settings"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := &FileStore{Dir: dir}
	done := make(chan error, 2)
	go func() {
		_, err := s.Session("box")
		done <- err
		_, err = s.SetKeepAlive("new", 60, SetOptions{Create: true, DryRun: true})
		done <- err
	}()
	for i := 0; i < 2; i++ {
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("reading a FIFO as a session succeeded")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("reading a FIFO session blocked")
		}
	}
}
