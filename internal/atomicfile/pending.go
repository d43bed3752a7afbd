package atomicfile

import "io/fs"

// pendingFile is a temp file waiting to replace its destination:
// renameio.PendingFile on Unix, a small equivalent on Windows.
type pendingFile interface {
	Write(p []byte) (int, error)
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	// CloseAtomicallyReplace fsyncs, closes and renames over the destination.
	CloseAtomicallyReplace() error
	// Cleanup closes and removes the temp file unless it was renamed.
	Cleanup() error
}
