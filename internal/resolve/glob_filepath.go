package resolve

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// globFilepath is filepath.Glob reading at most *budget directory entries,
// for Windows, whose OpenSSH has a glob of its own and '\' is a separator.
func globFilepath(pattern string, budget *int) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	if !hasFilepathMeta(pattern) {
		if _, err := os.Lstat(pattern); err != nil {
			return nil, nil
		}
		return []string{pattern}, nil
	}
	dir, file := filepath.Split(pattern)
	dir = cleanGlobPath(dir)
	dirs := []string{dir}
	if hasFilepathMeta(dir[len(filepath.VolumeName(dir)):]) {
		if dir == pattern {
			return nil, filepath.ErrBadPattern
		}
		var err error
		if dirs, err = globFilepath(dir, budget); err != nil {
			return nil, err
		}
	}
	var matches []string
	for _, d := range dirs {
		names, err := listDir(d, budget)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if ok, _ := filepath.Match(file, n); ok {
				matches = append(matches, filepath.Join(d, n))
			}
		}
	}
	return matches, nil
}

func listDir(dir string, budget *int) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil, nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil, nil
	}
	defer d.Close()
	return sortedNames(d, budget)
}

func hasFilepathMeta(path string) bool {
	magic := `*?[\`
	if runtime.GOOS == "windows" {
		magic = `*?[`
	}
	return strings.ContainsAny(path, magic)
}

// cleanGlobPath prepares a directory for globbing, as filepath does.
func cleanGlobPath(path string) string {
	vol := filepath.VolumeName(path)
	switch rest := path[len(vol):]; {
	case path == "":
		return "."
	case rest == string(filepath.Separator):
		return path
	case rest == "":
		return path + "."
	default:
		return path[:len(path)-1] // the trailing separator
	}
}
