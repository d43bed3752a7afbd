//go:build !windows

package edit

import (
	"os"
	"syscall"
)

// fileOwner returns the uid that owns path (following symlinks).
func fileOwner(path string) (uid int, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return int(fi.Sys().(*syscall.Stat_t).Uid), nil
}
