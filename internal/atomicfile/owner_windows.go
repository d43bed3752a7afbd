//go:build windows

package atomicfile

import "io/fs"

// ownerOf returns nil: Windows files have ACLs, inherited from the
// directory, not a uid and gid, so there is no owner to keep.
func ownerOf(fs.FileInfo) *fileOwner { return nil }
