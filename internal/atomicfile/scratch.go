package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Scratch is a private temporary directory for files that are never put
// in place: the throwaway host key and the copy of a configuration that
// sshd -t checks. Root makes it in a directory only root can write (never
// under $TMPDIR, which a user who ran sudo -E may control, and where they
// could swap the directory for a link between two calls); every file is
// created through the directory's handle, exclusively, so a name that
// exists already, a link included, is refused rather than followed.
type Scratch struct {
	dir  string
	root *os.Root
}

// NewScratch makes a fresh 0700 directory. Close removes it.
func NewScratch() (*Scratch, error) {
	dir, err := os.MkdirTemp(scratchParent(), "keepalive-")
	if err != nil {
		return nil, fmt.Errorf("make a scratch directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("make a scratch directory: %w", err)
	}
	return &Scratch{dir: dir, root: root}, nil
}

// scratchParent is where scratch directories go: for root a directory that
// only root can write, else the user's temporary directory.
func scratchParent() string {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		return os.TempDir()
	}
	for _, d := range []string{"/run", "/var/run"} {
		if rootOnly(d) {
			return d
		}
	}
	return "/tmp" // sticky: others cannot rename or replace root's directory
}

// Path is the absolute path of name inside the scratch directory, for the
// programs that read it.
func (s *Scratch) Path(name string) string { return filepath.Join(s.dir, name) }

// Dir is the scratch directory itself.
func (s *Scratch) Dir() string { return s.dir }

// WriteFile creates name (a relative path, parents made 0700) with data,
// readable by the owner only. It fails if name exists.
func (s *Scratch) WriteFile(name string, data []byte) error {
	return s.WriteFrom(name, bytes.NewReader(data))
}

// WriteFrom is WriteFile with what src writes, streamed to the file.
func (s *Scratch) WriteFrom(name string, src io.WriterTo) error {
	if d := filepath.Dir(name); d != "." {
		if err := s.root.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("scratch %s: %w", name, err)
		}
	}
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("scratch %s: %w", name, err)
	}
	_, err = src.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("scratch %s: %w", name, err)
	}
	return nil
}

// Close removes the directory and everything in it.
func (s *Scratch) Close() error {
	s.root.Close()
	err := os.RemoveAll(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
