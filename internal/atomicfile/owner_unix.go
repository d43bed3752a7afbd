//go:build unix

package atomicfile

import (
	"io/fs"
	"syscall"
)

// ownerOf returns the owner of the file fi describes.
func ownerOf(fi fs.FileInfo) *fileOwner {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &fileOwner{int(st.Uid), int(st.Gid)}
}
