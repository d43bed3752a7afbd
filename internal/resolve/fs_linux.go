package resolve

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openNonblock opens a file for reading without waiting for a FIFO's
// writer.
func openNonblock(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// openat2 opens rel inside root with RESOLVE_IN_ROOT: ".." and absolute
// symlinks resolve as if root were "/". ok is false on kernels before 5.6,
// which lack openat2.
func openat2(root, rel string, flags int) (_ *os.File, ok bool, _ error) {
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, true, &fs.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(dir)
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	}
	name := root + string(os.PathSeparator) + rel
	for {
		fd, err := unix.Openat2(dir, rel, &how)
		switch {
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			continue
		case errors.Is(err, unix.ENOSYS):
			return nil, false, nil
		case err != nil:
			return nil, true, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), true, nil
	}
}

// openInRoot opens rel inside root for reading, without blocking.
func openInRoot(root, rel string) (*os.File, error) {
	if f, ok, err := openat2(root, rel, unix.O_RDONLY|unix.O_NONBLOCK); ok {
		return f, err
	}
	return openRootFallback(root, rel)
}

// lstatInRoot is lstat of rel inside root.
func lstatInRoot(root, rel string) (fs.FileInfo, error) {
	f, ok, err := openat2(root, rel, unix.O_PATH|unix.O_NOFOLLOW)
	if !ok {
		return lstatRootFallback(root, rel)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// openDirectory opens a directory to list it; anything else fails with
// ENOTDIR without being opened (a device's open can have effects).
func openDirectory(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// openDirectoryInRoot is openDirectory of rel inside root.
func openDirectoryInRoot(root, rel string) (*os.File, error) {
	if f, ok, err := openat2(root, rel, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK); ok {
		return f, err
	}
	return openDirRootFallback(root, rel)
}
