//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/google/renameio/v2"
)

// newPendingFile creates a temp file next to path that replaces path on
// CloseAtomicallyReplace (fsync, close, rename) and is removed by Cleanup.
// It starts 0600, whatever the umask, so the content is private until the
// final mode is set.
func newPendingFile(path string) (pendingFile, error) {
	dir := filepath.Dir(path)
	return renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(0o600))
}

// ownerOf returns the owner of the file fi describes.
func ownerOf(fi fs.FileInfo) *fileOwner {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &fileOwner{int(st.Uid), int(st.Gid)}
}

// syncDir makes a rename in dir durable. Errors are ignored: the new file is
// already in place, and some file systems cannot fsync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
