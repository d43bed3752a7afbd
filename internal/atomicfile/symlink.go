package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// realPathIn is realPath with root standing for /, as in a chroot: path
// must be inside root, and every symlink on the way (not only the last
// element's) is resolved inside it, an absolute target from root and ".."
// never above it. The result is a path inside root. An empty root is /.
func realPathIn(root, path string) (string, error) {
	if root == "" {
		return realPath(path)
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s is outside --root %s", path, root)
	}
	todo := pathNames(rel)
	var cur []string // resolved names below root, no symlinks among them
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		if name == ".." {
			if len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
			continue
		}
		next := append(cur[:len(cur):len(cur)], name)
		fi, err := os.Lstat(filepath.Join(root, filepath.Join(next...)))
		if errors.Is(err, fs.ErrNotExist) {
			// The rest does not exist yet: it is what will be created,
			// named lexically.
			cur = next
			for _, n := range todo {
				if n == ".." {
					if len(cur) > 0 {
						cur = cur[:len(cur)-1]
					}
					continue
				}
				cur = append(cur, n)
			}
			break
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", errors.New("too many levels of symbolic links")
		}
		target, err := os.Readlink(filepath.Join(root, filepath.Join(next...)))
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			cur = nil
		}
		todo = append(pathNames(target), todo...)
	}
	return filepath.Join(root, filepath.Join(cur...)), nil
}

// pathNames splits a slash-separated path into its names, without empty ones
// and ".".
func pathNames(p string) []string {
	var out []string
	for _, n := range strings.Split(filepath.ToSlash(p), "/") {
		if n != "" && n != "." {
			out = append(out, n)
		}
	}
	return out
}
