//go:build unix

package putty

import (
	"os"
	"syscall"
)

// ownerOf is the owner of the first of dirs that exists, for files created
// in it; -1, -1 (leave the default) when none exists or we are not root,
// since only root can give a file away.
func ownerOf(dirs ...string) (uid, gid int) {
	if os.Geteuid() != 0 {
		return -1, -1
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if info, err := os.Stat(d); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				return int(st.Uid), int(st.Gid)
			}
		}
	}
	return -1, -1
}

// uidOf is the owner of path (after symlinks), or -1 when unknown.
func uidOf(path string) int {
	if info, err := os.Stat(path); err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			return int(st.Uid)
		}
	}
	return -1
}
