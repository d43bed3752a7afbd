package resolve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// maxGlobEntries bounds the directory entries one Include pattern may read.
// A real Include reads a directory or two; "Include /*/*/*/*/*/*/*" would
// list every file on the machine, and /proc's many times over, for minutes
// before anything else could stop it.
const maxGlobEntries = 1 << 16

// errGlobTooLarge is Glob's error for a pattern that reads too much.
var errGlobTooLarge = fmt.Errorf("matches too much of the file system (over %d directory entries read)", maxGlobEntries)

// glob is filepath.Glob reading at most *budget directory entries: the
// same matches in the same order, I/O errors ignored as glob(3) does.
func glob(pattern string, budget *int) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	if !hasMeta(pattern) {
		if _, err := os.Lstat(pattern); err != nil {
			return nil, nil
		}
		return []string{pattern}, nil
	}
	dir, file := filepath.Split(pattern)
	dir = cleanGlobPath(dir)
	dirs := []string{dir}
	if hasMeta(dir[len(filepath.VolumeName(dir)):]) {
		if dir == pattern {
			return nil, filepath.ErrBadPattern
		}
		var err error
		if dirs, err = glob(dir, budget); err != nil {
			return nil, err
		}
	}
	var matches []string
	for _, d := range dirs {
		names, err := readDirNames(d, budget)
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

// readDirNames lists dir (nothing if it is not a readable directory),
// charging each entry to budget.
func readDirNames(dir string, budget *int) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil, nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil, nil
	}
	defer d.Close()
	var names []string
	for {
		batch, err := d.Readdirnames(256)
		names = append(names, batch...)
		if *budget -= len(batch); *budget < 0 {
			return nil, errGlobTooLarge
		}
		if err != nil || len(batch) == 0 {
			slices.Sort(names)
			return names, nil
		}
	}
}

// hasMeta reports whether path contains any of filepath.Match's magic
// characters.
func hasMeta(path string) bool {
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

// isGlobTooLarge reports whether err is Glob giving up.
func isGlobTooLarge(err error) bool { return errors.Is(err, errGlobTooLarge) }
