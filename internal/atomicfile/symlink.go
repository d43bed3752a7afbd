package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinks is how many symlinks realPath follows, as Linux's MAXSYMLINKS.
const maxLinks = 40

// realPath returns the absolute path of the file that path leads to after
// following symlinks in its last element, also when the last target does
// not exist yet (a dotfile manager's link to a file still to be written).
// Renaming onto that path replaces the target and keeps the links.
func realPath(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			// The kernel resolves "../x" from the link's real directory;
			// a lexical Join would be wrong when that directory is a link.
			dir := filepath.Dir(p)
			if d, err := filepath.EvalSymlinks(dir); err == nil {
				dir = d
			}
			target = filepath.Join(dir, target)
		}
		p = target
	}
	return "", errors.New("too many levels of symbolic links")
}
