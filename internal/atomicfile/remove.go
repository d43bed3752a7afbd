package atomicfile

import "path/filepath"

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
		// A link (a dotfile manager's): the file is not keepalive's to
		// delete; leave both.
		return nil
	}
	if err := s.dir.Remove(filepath.Base(s.RealPath)); err != nil {
		return s.writeError(err)
	}
	syncDir(s.dir)
	return nil
}
