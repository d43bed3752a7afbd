//go:build !linux

package resolve

import (
	"io/fs"
	"os"
	"syscall"
)

func openNonblock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

func openInRoot(root, rel string) (*os.File, error) { return openRootFallback(root, rel) }

func lstatInRoot(root, rel string) (fs.FileInfo, error) { return lstatRootFallback(root, rel) }

func openDirectory(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		return nil, fs.ErrInvalid
	}
	return os.Open(path)
}

func openDirectoryInRoot(root, rel string) (*os.File, error) { return openDirRootFallback(root, rel) }
