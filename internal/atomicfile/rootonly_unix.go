//go:build !windows

package atomicfile

import (
	"os"
	"syscall"
)

// rootOnly reports whether dir is a real directory (not a link) owned by
// root that no one else may write.
func rootOnly(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && fi.Mode().Perm()&0o022 == 0
}
