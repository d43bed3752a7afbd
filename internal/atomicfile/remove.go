package atomicfile

import (
	"errors"
	"fmt"
	"path/filepath"
)

// ErrLink is returned by Remove for a path that is a symbolic link.
var ErrLink = errors.New("is a symbolic link")

// Remove deletes the file read, if it is still the one read (else it fails
// with ErrChanged): `disable` taking away a drop-in file that keepalive
// created and that holds nothing else any more. A path that leads through
// a symbolic link is refused with ErrLink: removing the target would leave
// a dangling link, removing the link someone else's file; the caller
// writes it empty instead.
func (s *Snapshot) Remove() error {
	if _, err := s.current(); err != nil {
		return s.writeError(err)
	}
	if !s.Exists || s.dir == nil {
		return nil
	}
	if abs, err := filepath.Abs(s.Path); err != nil || abs != s.RealPath {
		return fmt.Errorf("remove %s: %w", s.name(), ErrLink)
	}
	if err := s.dir.Remove(filepath.Base(s.RealPath)); err != nil {
		return s.writeError(err)
	}
	syncDir(s.dir)
	return nil
}
