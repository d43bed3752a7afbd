package resolve

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openRootFallback opens rel inside root with os.Root, which refuses a
// path (".." or a symlink) that leads out of root rather than following it
// back in, as openat2's RESOLVE_IN_ROOT does.
func openRootFallback(root, rel string) (*os.File, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fh, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%w (under --root, keepalive reads nothing outside %s)", err, root)
	}
	return fh, nil
}

func lstatRootFallback(root, rel string) (fs.FileInfo, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Lstat(rel)
}

func openDirRootFallback(root, rel string) (*os.File, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if fi, err := r.Stat(rel); err != nil || !fi.IsDir() {
		return nil, fs.ErrInvalid
	}
	return r.Open(rel)
}
