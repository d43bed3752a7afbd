//go:build windows

package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// renameio does not build on Windows, so this is its PendingFile in small:
// a temp file next to path, fsynced, then renamed over path (os.Rename is
// MoveFileEx with MOVEFILE_REPLACE_EXISTING).
type windowsPendingFile struct {
	*os.File
	path string
	done bool
}

func newPendingFile(path string) (pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"*")
	if err != nil {
		return nil, err
	}
	return &windowsPendingFile{File: f, path: path}, nil
}

// Chown does nothing: Windows files have ACLs, inherited from the directory,
// not a uid and gid.
func (t *windowsPendingFile) Chown(uid, gid int) error { return nil }

func (t *windowsPendingFile) CloseAtomicallyReplace() error {
	if err := t.Sync(); err != nil {
		return err
	}
	if err := t.File.Close(); err != nil {
		return err
	}
	if err := os.Rename(t.Name(), t.path); err != nil {
		return err
	}
	t.done = true
	return nil
}

func (t *windowsPendingFile) Cleanup() error {
	if t.done {
		return nil
	}
	t.File.Close() // may already be closed by a failed CloseAtomicallyReplace
	t.done = true
	return os.Remove(t.Name())
}

// ownerOf returns nil: see Chown.
func ownerOf(fs.FileInfo) *fileOwner { return nil }

// syncDir does nothing: Windows cannot fsync a directory handle opened this
// way, and NTFS journals the rename itself.
func syncDir(string) {}
