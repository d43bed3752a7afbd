package atomicfile

import (
	"os"
	"path/filepath"
)

// Remove deletes the file read, if it is still the one read (else it fails
// with ErrChanged): `disable` taking away a drop-in file that keepalive
// created and that holds nothing else any more. The path itself is
// removed: a symlink is never followed to delete what it points to.
func (s *Snapshot) Remove() error {
	if _, err := s.current(); err != nil {
		return s.writeError(err)
	}
	if !s.Exists {
		return nil
	}
	if err := os.Remove(s.Path); err != nil {
		return s.writeError(err)
	}
	syncDir(filepath.Dir(s.Path))
	return nil
}
