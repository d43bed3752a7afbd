package resolve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unsafe"
)

// FS is how the resolver reads configuration: real files, optionally under
// another root directory (--root), so that a mounted image or container can
// be inspected with its own absolute paths. Under a root every path,
// symlinks included, resolves inside it: an absolute symlink in the image
// points into the image, and ".." stops at its top.
type FS struct {
	// Root is prefixed to absolute paths; "" or "/" means the real root.
	Root string
}

// maxFileSize bounds what is read from one file: far beyond any real
// config, small enough that a hostile Include of a huge file cannot exhaust
// memory.
const maxFileSize = 64 << 20

// ErrTooLarge and ErrNotRegular are ReadFile's errors for a file it will
// not read (OpenSSH would): the evaluation is then incomplete.
var (
	ErrTooLarge   = errors.New("too large")
	ErrNotRegular = errors.New("not a regular file")
)

// rooted reports whether reads are confined to Root.
func (f FS) rooted() bool { return f.Root != "" && f.Root != "/" }

// Real maps a config path (as OpenSSH would see it) to the path on disk.
func (f FS) Real(path string) string {
	if !f.rooted() || !filepath.IsAbs(path) {
		return path
	}
	if f.inRoot(path) {
		return path // already mapped (a glob result)
	}
	return filepath.Join(f.Root, path)
}

// inRoot reports whether a path on disk is under Root.
func (f FS) inRoot(path string) bool {
	root := filepath.Clean(f.Root)
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator))
}

// rel returns a path on disk relative to Root, for opening inside it.
func (f FS) rel(real string) string {
	r, err := filepath.Rel(filepath.Clean(f.Root), real)
	if err != nil || r == "." {
		return "."
	}
	return r
}

// open opens a path on disk for reading, without blocking (a FIFO opens
// at once instead of waiting for a writer) and, under Root, resolved
// inside it.
func (f FS) open(real string) (*os.File, error) {
	if !f.rooted() || !filepath.IsAbs(real) {
		return openNonblock(real)
	}
	return openInRoot(filepath.Clean(f.Root), f.rel(f.Real(real)))
}

// Stat returns the information of a file as opened for reading (symlinks
// followed, under Root inside it). Only for files that were read: it opens
// the file again.
func (f FS) Stat(path string) (fs.FileInfo, error) {
	fh, err := f.open(f.Real(path))
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return fh.Stat()
}

// openDir opens a directory on disk for listing, under Root inside it;
// anything else is not opened.
func (f FS) openDir(real string) (*os.File, error) {
	if !f.rooted() || !filepath.IsAbs(real) {
		return openDirectory(real)
	}
	return openDirectoryInRoot(filepath.Clean(f.Root), f.rel(f.Real(real)))
}

// Lstat returns a path's information without following a final symlink,
// resolved inside Root.
func (f FS) Lstat(path string) (fs.FileInfo, error) {
	real := f.Real(path)
	if !f.rooted() || !filepath.IsAbs(real) {
		return os.Lstat(real)
	}
	return lstatInRoot(filepath.Clean(f.Root), f.rel(real))
}

// fileID identifies a file however it is spelled (device and inode).
type fileID struct{ dev, ino uint64 }

// ReadFile reads a regular file. The file is opened without blocking and
// checked once open (regular, not too large), so a FIFO or device swapped
// in after a check can never hang or flood the read.
func (f FS) ReadFile(path string) ([]byte, error) {
	data, _, _, err := f.readFile(path, nil)
	return []byte(data), err
}

// errSeen is readFile's error when skip says the file was read already.
var errSeen = errors.New("already read")

// readFile reads a regular file, returning also its identity and how many
// bytes were read (on failure too, so that the caller can charge them).
// When skip reports the opened file as read already, it returns errSeen
// without reading it again.
//
// The contents come as a string, read into it directly: the parser keeps
// its lines as substrings, so a large config is held once, not once as
// bytes and again as the string made of them.
func (f FS) readFile(path string, skip func(fileID) bool) (string, fileID, int, error) {
	real := f.Real(path)
	fh, err := f.open(real)
	if err != nil {
		return "", fileID{}, 0, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return "", fileID{}, 0, err
	}
	if info.IsDir() {
		// ssh and sshd read a directory as an empty file (fopen succeeds,
		// the first read fails quietly).
		return "", idOf(info), 0, nil
	}
	if !info.Mode().IsRegular() {
		return "", fileID{}, 0, fmt.Errorf("%s: %w (%s)", real, ErrNotRegular, modeName(info.Mode()))
	}
	if info.Size() > maxFileSize {
		return "", fileID{}, 0, fmt.Errorf("%s: %w (%d bytes)", real, ErrTooLarge, info.Size())
	}
	id := idOf(info)
	if skip != nil && id != (fileID{}) && skip(id) {
		return "", id, 0, errSeen
	}
	// Files in /proc and /sys claim a size of 0 and can be far larger
	// (/proc/PID/pagemap: gigabytes), so the limit applies to what is read.
	// The size stat gives is only a first guess at the buffer, sparing a
	// large file the copies of a growing one.
	// bytes.Buffer reads straight into its array (io.Copy into a
	// strings.Builder went through a 32 KB buffer: a second copy of every
	// byte), and the array becomes the string without a third: nothing
	// else holds it, so it is never written again.
	buf := bytes.NewBuffer(make([]byte, 0, int(info.Size())+bytes.MinRead))
	n, err := buf.ReadFrom(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return "", id, int(n), err
	}
	if buf.Len() > maxFileSize {
		return "", id, buf.Len(), fmt.Errorf("%s: %w (more than %d bytes)", real, ErrTooLarge, maxFileSize)
	}
	b := buf.Bytes()
	return unsafe.String(unsafe.SliceData(b), len(b)), id, len(b), nil
}

// Glob expands a pattern the way glob(3) does for OpenSSH: sorted matches,
// none when nothing matches, the pattern itself when it has no wildcard and
// exists; '*', '?' and '[...]' (with POSIX classes such as [[:alpha:]])
// never match a leading '.'. A pattern that would read more than
// maxGlobEntries directory entries fails rather than list the whole file
// system.
func (f FS) Glob(pattern string) ([]string, error) {
	budget := maxGlobEntries
	real := f.Real(pattern)
	if f.rooted() && real != pattern && runtime.GOOS != "windows" {
		// The root is a literal directory, whatever characters its name has.
		real = quoteGlob(filepath.Clean(f.Root)) + pattern
	}
	m, err := glob(f, real, &budget)
	sort.Strings(m)
	return m, err
}

func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.String()
}

// quoteGlob escapes glob's special characters in a literal path.
func quoteGlob(p string) string {
	if !strings.ContainsAny(p, `*?[\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if strings.IndexByte(`*?[\`, p[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(p[i])
	}
	return b.String()
}
