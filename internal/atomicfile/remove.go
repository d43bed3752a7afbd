package atomicfile

import (
	"errors"
	"fmt"
	"path/filepath"
)

// ErrLink is returned by Remove for a path that leads through a symbolic
// link (a dotfile manager's): the file is not keepalive's to delete, and
// the caller writes it empty instead.
var ErrLink = errors.New("is a symbolic link")

// Remove deletes the file read, if it is still the one read (else it fails
// with ErrChanged): `disable` taking away a drop-in file that keepalive
// created and that holds nothing else any more. The name is removed
// through the directory handle Read opened: a symlink is never followed to
// delete what it points to, and a directory swapped in meanwhile is not
// touched.
func (s *Snapshot) Remove() error {
	if _, err := s.current(); err != nil {
		return s.writeError(err)
	}
	if !s.Exists || s.dir == nil {
		return nil
	}
	if abs, err := filepath.Abs(s.Path); err != nil || filepath.Join(s.root, abs) != s.RealPath && abs != s.RealPath {
		return fmt.Errorf("remove %s: %w", s.name(), ErrLink)
	}
	if err := s.dir.Remove(filepath.Base(s.RealPath)); err != nil {
		return s.writeError(err)
	}
	syncDir(s.dir)
	return nil
}
