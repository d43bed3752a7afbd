package resolve

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FS is how the resolver reads configuration: real files, optionally under
// another root directory (--root), so that a mounted image or container can
// be inspected with its own absolute paths.
type FS struct {
	// Root is prefixed to absolute paths; "" or "/" means the real root.
	Root string
}

// maxFileSize bounds what is read from one file: far beyond any real
// config, small enough that a hostile Include of a huge file cannot exhaust
// memory.
const maxFileSize = 64 << 20

// Real maps a config path (as OpenSSH would see it) to the path on disk.
func (f FS) Real(path string) string {
	if f.Root == "" || f.Root == "/" || !filepath.IsAbs(path) {
		return path
	}
	if strings.HasPrefix(path, f.Root+string(filepath.Separator)) {
		return path // already mapped (a glob result)
	}
	return filepath.Join(f.Root, path)
}

// ReadFile reads a regular file. Directories, FIFOs and devices are refused
// rather than opened, so an Include of one can never hang.
func (f FS) ReadFile(path string) ([]byte, error) {
	real := f.Real(path)
	info, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", real, modeName(info.Mode()))
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: too large (%d bytes)", real, info.Size())
	}
	fh, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// Files in /proc and /sys claim a size of 0 and can be far larger
	// (/proc/PID/pagemap: gigabytes), so the limit applies to what is read.
	// The size stat gives is only a first guess at the buffer, sparing a
	// large file the copies of a growing one.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxFileSize+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: too large (more than %d bytes)", real, maxFileSize)
	}
	return data, nil
}

// Glob expands a pattern the way glob(3) does for OpenSSH: sorted matches,
// none when nothing matches, the pattern itself when it has no wildcard and
// exists. A pattern that would read more than maxGlobEntries directory
// entries fails rather than list the whole file system.
func (f FS) Glob(pattern string) ([]string, error) {
	budget := maxGlobEntries
	m, err := glob(f.Real(pattern), &budget)
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
